/**
 * JUnit XML for CI, produced through the `tap-junit` package: our TAP is parsed by its parser (tap-parser) and
 * serialised by its serializer, so the XML follows the Jenkins JUnit schema that package targets.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunReport } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { toTap } from './tap.ts';

const require = createRequire(import.meta.url);
const tapJunitRequire = createRequire(require.resolve('tap-junit'));

type Serialize = (cases: unknown[], final: unknown, options: { name: string; classname: string; pretty: boolean }) => string;
interface TapParser {
  on(event: 'assert', listener: (assertion: unknown) => void): void;
  end(text: string): void;
}
type TapParserClass = new (onComplete: (final: unknown) => void) => TapParser;

export function toJUnit(report: RunReport): Promise<string> {
  const serialize = require('tap-junit/src/serialize.js') as Serialize;
  const { Parser } = tapJunitRequire('tap-parser') as { Parser: TapParserClass };
  return new Promise((resolve) => {
    const cases: unknown[] = [];
    const parser = new Parser((final) => {
      resolve(serialize(cases, final, { name: 'bootproof', classname: report.info.suites.join(','), pretty: true }));
    });
    parser.on('assert', (assertion) => cases.push(assertion));
    parser.end(toTap(report));
  });
}

export class JUnitReporter implements Reporter {
  constructor(private readonly file: string) {}

  async onRunEnd(report: RunReport): Promise<void> {
    writeFileSync(this.file, await toJUnit(report));
  }
}
