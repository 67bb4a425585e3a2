/** `bootproof suites`: the built-in suites, one line each. */
import type { Command } from 'commander';
import { BUILTIN_SUITES } from '../../suites/index.ts';

export function registerSuitesCommand(program: Command): void {
  program
    .command('suites')
    .description('List the built-in suites, one line each (`bootproof run <name>`, or `all`).')
    .option('--json', 'print them as JSON: [{ "name", "title" }]')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        const list = BUILTIN_SUITES.map((s) => ({ name: s.name, title: s.title }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        process.exitCode = 0;
        return;
      }
      const width = Math.max(...BUILTIN_SUITES.map((s) => s.name.length));
      const lines = BUILTIN_SUITES.map((s) => `${s.name.padEnd(width)}  ${s.title}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = 0;
    });
}
