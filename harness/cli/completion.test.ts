/** The completion scripts, loaded into a real bash and zsh and asked what completes after each command path. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completionEntries } from './completion.ts';
import { buildProgram } from './main.ts';
import { runCli } from './run-cli.ts';

const ENTRIES = completionEntries(await buildProgram());
const zshMissing = spawnSync('zsh', ['-c', 'true']).status !== 0;

async function script(shell: string): Promise<string> {
  const result = await runCli('completion', shell);
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Each line completed in one bash: `line => candidates`. A line ending in a space completes an empty word. */
function completeInBash(source: string, lines: readonly string[]): string[] {
  const driver = `${source}
while IFS= read -r line; do
  read -ra COMP_WORDS <<< "$line"; [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _bootproof
  echo "\${COMPREPLY[*]}"
done`;
  const run = spawnSync('bash', ['-c', driver], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').slice(0, lines.length);
}

function completeInZsh(source: string, lines: readonly string[]): string[] {
  const calls = lines.map((line) => {
    const words = line.split(' ');
    return `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _bootproof; print`;
  });
  const driver = `compdef() { :; }
${source}
compadd() { shift; print -rn -- "$*"; }
_files() { print -rn -- "(files)"; }
${calls.join('\n')}`;
  const run = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').slice(0, lines.length);
}

describe('bootproof completion', () => {
  it('covers every command of the program, each with its options', () => {
    const paths = ENTRIES.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['bootproof run', 'bootproof board import', 'bootproof smp image upload', 'bootproof completion']));
    const run = ENTRIES.find((e) => e.path === 'bootproof run')!;
    expect(run.options).toEqual(expect.arrayContaining(['--board', '--bootloader', '--junit', '--shard']));
  });

  it('in bash: sub-commands after every command path, options after "-", choices after an option, files otherwise', async () => {
    const source = await script('bash');
    const parents = ENTRIES.filter((e) => e.commands.length > 0);
    const lines = [...parents.map((e) => `${e.path} `), 'bootproof board import --strategy swap-', 'bootproof run --jo', 'bootproof run --board ', 'bootproof image sign -k '];
    const answers = completeInBash(source, lines);
    expect(answers.slice(0, parents.length)).toEqual(parents.map((e) => e.commands.join(' ')));
    expect(answers.slice(parents.length)).toEqual(['swap-scratch swap-move swap-offset', '--jobs', '', '']);
  });

  it.skipIf(zshMissing)(
    `in zsh: the same answers${zshMissing ? ' (skipped: zsh is not installed; enable: sudo scripts/setup-debian.sh)' : ''}`,
    async () => {
      const source = await script('zsh');
      const answers = completeInZsh(source, ['bootproof ', 'bootproof board ', 'bootproof board import --strategy ', 'bootproof run --board ', 'bootproof completion ']);
      expect(answers).toEqual([
        ENTRIES[0].commands.join(' '),
        'show import',
        'overwrite-only swap-scratch swap-move swap-offset direct-xip',
        '(files)',
        'bash zsh',
      ]);
    },
  );

  it('refuses a shell it cannot write for, with exit code 2', async () => {
    const result = await runCli('completion', 'fish');
    process.exitCode = undefined;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh/);
  });
});
