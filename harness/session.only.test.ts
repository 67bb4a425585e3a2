import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRunContext } from './context.ts';
import type { RunOptions } from './run-options.ts';
import { Session } from './session.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootproof-only-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const builders = join(import.meta.dirname, 'builders.ts').replaceAll('\\', '/');
const suiteModule = join(import.meta.dirname, 'suite.ts').replaceAll('\\', '/');
// Two scenarios whose ids share a prefix: `up/…` is no case of `upgrade`.
const SUITE = join(dir, 'prefixes.ts');
writeFileSync(
  SUITE,
  `import { updateScenario } from '${builders}';\nimport { defineSuite } from '${suiteModule}';\n` +
    "export default defineSuite({ name: 'prefixes', title: 'two scenarios, one id a prefix of the other', scenarios: (ctx) => [\n" +
    "  updateScenario(ctx, { id: 'up', title: 'up', cuts: { points: { kind: 'interesting' }, outcomes: ['not-started'] } }),\n" +
    "  updateScenario(ctx, { id: 'upgrade', title: 'upgrade', cuts: { points: { kind: 'interesting' }, outcomes: ['not-started'] } }),\n" +
    ']});\n',
);
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');

async function plannedScenarios(only?: string[]): Promise<string[]> {
  const options: RunOptions = { suites: [SUITE], board: 'nrf52840dk', seed: 1, jobs: 0, ...(only ? { only } : {}) };
  const cases = new Session(await buildRunContext(options)).plan();
  return [...new Set(cases.map((c) => c.id.split('/')[0]))];
}

describe('--only', () => {
  it('plans (records) only the scenarios its case ids belong to', async () => {
    expect(await plannedScenarios()).toEqual(['up', 'upgrade']);
    expect(await plannedScenarios(['upgrade/clean'])).toEqual(['upgrade']);
    expect(await plannedScenarios(['up/clean'])).toEqual(['up']);
    expect(await plannedScenarios(['up/clean', 'upgrade/clean'])).toEqual(['up', 'upgrade']);
  });
});
