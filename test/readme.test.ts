/**
 * The README's quick start, run as it stands: the `sh` block under "## Quick start" is cut into its commands, each
 * run with bash in a temporary directory that holds what a fresh clone has (the committed test application
 * builds, through a link to images/), and each command's output is compared with the `#>` lines the README shows
 * under it (`…` matching what varies). So the README cannot drift from what the CLI does.
 */
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO } from './cli-helpers.ts';

interface QuickStartCommand {
  readonly command: string;
  readonly shown: readonly string[];
}

/** The first `sh` block after the heading, as commands (continuation lines joined) with the output shown under each. */
function quickStart(readme: string, heading = '## Quick start'): QuickStartCommand[] {
  const at = `\n${readme}`.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md: no "${heading}" heading`);
  const section = readme.slice(at);
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README.md: no \`\`\`sh block under "${heading}"`);
  const commands: { command: string; shown: string[] }[] = [];
  let continued = '';
  for (const line of block[1].split('\n')) {
    if (line.startsWith('#>')) {
      commands.at(-1)?.shown.push(line.slice(3));
    } else if (line.trim() === '' || line.startsWith('#')) {
      // a blank line or a comment of the README's own
    } else if (line.endsWith('\\')) {
      continued += `${line}\n`;
    } else {
      commands.push({ command: continued + line, shown: [] });
      continued = '';
    }
  }
  return commands;
}

/** The shown lines as a pattern over the whole output: `…` alone is any number of lines, inside a line any text. */
function outputPattern(shown: readonly string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = shown.map((line) => (line === '…' ? '(?:[^\\n]*\\n)*?' : `${literal(line).replaceAll('…', '[^\\n]*')}\\n`));
  return new RegExp(`^${lines.join('')}$`);
}

/** A directory standing for the fresh clone, and an `npx` that runs this checkout's CLI for `npx bootproof`. */
function cloneLikeDirectory(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bootproof-readme-'));
  symlinkSync(join(REPO, 'images'), join(dir, 'images'));
  const bin = mkdtempSync(join(tmpdir(), 'bootproof-readme-bin-'));
  const npx = join(bin, 'npx');
  writeFileSync(
    npx,
    `#!/bin/sh\n[ "$1" = bootproof ] || { echo "readme test: only npx bootproof is provided, not npx $1" >&2; exit 127; }\nshift\nexec node ${JSON.stringify(join(REPO, 'bin/bootproof.mjs'))} "$@"\n`,
  );
  chmodSync(npx, 0o755);
  return { dir, path: `${bin}:${process.env.PATH}` };
}

describe('README.md quick start', () => {
  const commands = quickStart(readFileSync(join(REPO, 'README.md'), 'utf8'));

  it('is a block of bootproof commands, each showing its output, that reads nothing outside the clone', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const { command } of commands) {
      expect(command).toMatch(/^npx bootproof /);
      expect(command).not.toContain('../');
    }
    expect(commands.filter((c) => c.shown.length === 0).map((c) => c.command)).toEqual([
      'npx bootproof image getpub -k root.pem -e pem > root.pub.pem',
    ]);
  });

  it('runs word for word in a fresh directory and prints what the README shows', async () => {
    const { dir, path } = cloneLikeDirectory();
    for (const { command, shown } of commands) {
      const result = await execa('bash', ['-c', command], { cwd: dir, env: { PATH: path }, reject: false, stripFinalNewline: false });
      expect({ command, stderr: result.stderr, exitCode: result.exitCode }).toEqual({ command, stderr: '', exitCode: 0 });
      expect(result.stdout, command).toMatch(outputPattern(shown));
    }
  }, 300_000);
});

describe('the quick-start checker', () => {
  it('joins continued lines, keeps the output under its command, and matches … as what varies', () => {
    const readme = '## Quick start\n\n```sh\nnpx a \\\n  b   # note\n#> x 1.0 s\n#> …\n#> end\nnpx c\n```\n';
    expect(quickStart(readme)).toEqual([
      { command: 'npx a \\\n  b   # note', shown: ['x 1.0 s', '…', 'end'] },
      { command: 'npx c', shown: [] },
    ]);
    const pattern = outputPattern(['x … s', '…', 'end']);
    expect('x 2.5 s\nmore\nlines\nend\n').toMatch(pattern);
    expect('x 2.5 s\nend\n').toMatch(pattern);
    expect('x 2.5 s\nend\nextra\n').not.toMatch(pattern);
    expect('').toMatch(outputPattern([]));
    expect('something\n').not.toMatch(outputPattern([]));
  });
});
