/** `bootproof suites`: the built-in suites, one line each. */
import type { Command } from 'commander';
import { loadBuiltinSuites } from '../builtin-suites.ts';

export function registerSuitesCommand(program: Command): void {
  program
    .command('suites')
    .description('List the built-in suites, one line each (`bootproof run <name>`, or `all`).')
    .action(async () => {
      const suites = await loadBuiltinSuites();
      const width = Math.max(...suites.map((s) => s.name.length));
      const lines = suites.map((s) => `${s.name.padEnd(width)}  ${s.title}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = 0;
    });
}
