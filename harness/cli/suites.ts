/** `bootproof suites`: the built-in suites, one line each. */
import type { Command } from 'commander';
import { BUILTIN_SUITES } from '../../suites/index.ts';

export function registerSuitesCommand(program: Command): void {
  program
    .command('suites')
    .description('List the built-in suites, one line each (`bootproof run <name>`, or `all`).')
    .action(() => {
      const width = Math.max(...BUILTIN_SUITES.map((s) => s.name.length));
      const lines = BUILTIN_SUITES.map((s) => `${s.name.padEnd(width)}  ${s.title}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = 0;
    });
}
