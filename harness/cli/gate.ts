/**
 * `bootproof gate --board B --from v1.bin --to v2.bin --key pub.pem`: what CI calls to gate a firmware release.
 * Exit 0 only when every check passed.
 */
import type { Command } from 'commander';
import { trialUserModules } from '../context.ts';
import { runGate } from '../gate.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { type ReportFiles, reportersFor, reportsToStdout } from '../reporters/index.ts';
import { addRunOptions, runOptionsFrom } from './run.ts';

interface GateFlags extends ReportFiles {
  board: string;
  from: string;
  to: string;
  key: string;
}

export function registerGateCommand(program: Command): void {
  addRunOptions(
    program
      .command('gate')
      .description(
        'Gate a release pair: both images verify with the key, no downgrade, the update fits the slot, and it is ' +
          'power-loss safe and revert safe on the board. Exit 0 only when every check passes.',
      )
      .requiredOption('--board <name|file>', 'a built-in board (see `bootproof boards`) or a board file')
      .requiredOption('--from <file>', 'the image the fleet runs now')
      .requiredOption('--to <file>', 'the release candidate')
      .requiredOption('--key <pem>', 'the public key the fleet trusts'),
  ).action(async (flags: GateFlags) => {
    checkOutputPaths({ junit: flags.junit, tap: flags.tap, json: flags.json, html: flags.html });
    const options = runOptionsFrom([], { ...flags, imageFrom: flags.from, imageTo: flags.to, key: flags.key });
    await trialUserModules(options);
    const out = reportsToStdout(flags) ? process.stderr : process.stdout;
    const result = await runGate(options, reportersFor(flags));
    const lines = result.checks.map((c) => `  ${c.notApplicable ? 'n/a ' : c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    out.write(`\ngate ${flags.from} → ${flags.to} on ${flags.board}:\n${lines.join('\n')}\n`);
    out.write(result.passed ? 'GATE PASSED\n' : 'GATE FAILED\n');
    process.exitCode = result.passed ? 0 : 1;
  });
}
