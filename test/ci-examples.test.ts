/**
 * The CI examples in examples/: every bootproof command they run exists and parses with its options (through the
 * CLI's own commander program, with the actions replaced so nothing runs), and together they do what a pipeline
 * needs: sweep in shards, merge into JUnit and HTML, gate a release pair.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../harness/cli/main.ts';
import { REPO } from './cli-helpers.ts';

/** What CI substitutes before the shell sees a line: one shard's values. */
const CI_VARIABLES: Record<string, string> = {
  '${{ matrix.shard }}': '1',
  '${CI_NODE_INDEX}': '1',
  '${CI_NODE_TOTAL}': '4',
};

type Workflow = Record<string, unknown>;

function read(name: string): Workflow {
  return parse(readFileSync(join(REPO, 'examples', name), 'utf8')) as Workflow;
}

/** The shell lines of a GitHub Actions workflow's `run` steps. */
function githubLines(workflow: Workflow): string[] {
  const jobs = workflow.jobs as Record<string, { steps: { run?: string }[] }>;
  return Object.values(jobs).flatMap((job) => job.steps.flatMap((step) => (step.run === undefined ? [] : step.run.split('\n'))));
}

/** The shell lines of a GitLab CI file's jobs (`script`, and `before_script` of the jobs and the defaults). */
function gitlabLines(pipeline: Workflow): string[] {
  const scripts = (job: unknown) => {
    const { script = [], before_script = [] } = (job ?? {}) as { script?: string[]; before_script?: string[] };
    return [...before_script, ...script];
  };
  return Object.entries(pipeline)
    .filter(([key]) => !['stages', 'variables', 'include', 'workflow'].includes(key))
    .flatMap(([, job]) => scripts(job))
    .flatMap((line) => line.split('\n'));
}

/** `npx bootproof …` lines as argument lists, with CI's variables substituted; any other `$` is an error. */
function bootproofCommands(lines: readonly string[]): string[][] {
  return lines
    .map((line) => line.trim())
    .filter((line) => line.startsWith('npx bootproof '))
    .map((line) => {
      let text = line;
      for (const [variable, value] of Object.entries(CI_VARIABLES)) text = text.replaceAll(variable, value);
      expect(text, `an unknown variable in: ${line}`).not.toContain('$');
      return text.split(/\s+/).slice(2);
    });
}

/** Parses `args` with the real program, every action replaced by a recorder: the command path that would run. */
async function parseOnly(args: readonly string[]): Promise<string> {
  const program = await buildProgram();
  let ran = '';
  const silence = (command: Command) => {
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    command.action(function (this: Command) {
      const names: string[] = [];
      for (let at: Command | null = this; at; at = at.parent) names.unshift(at.name());
      ran = names.join(' ');
    });
    command.commands.forEach(silence);
  };
  program.commands.forEach(silence);
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync([...args], { from: 'user' });
  return ran;
}

const mergeCommand = (await buildProgram()).commands.find((c) => c.name() === 'merge')!;
/** `merge --html` comes with the HTML report; until the CLI has it, the examples' --html is checked as pending. */
const htmlPending = !mergeCommand.options.some((option) => option.long === '--html');

function withoutPendingOptions(args: readonly string[]): string[] {
  if (!htmlPending) return [...args];
  const out = [...args];
  const at = out.indexOf('--html');
  if (at >= 0) out.splice(at, 2);
  return out;
}

describe.each([
  ['github-actions.yml', githubLines],
  ['gitlab-ci.yml', gitlabLines],
])('examples/%s', (file, linesOf) => {
  const commands = bootproofCommands(linesOf(read(file)));

  it('sweeps every suite in shards, merges them into JUnit and HTML, and gates a release pair', () => {
    const lines = commands.map((args) => args.join(' '));
    expect(lines).toEqual([
      expect.stringMatching(/^run all --board \S+ --shard 1\/4 --json part-1\.json$/),
      expect.stringMatching(/^merge part-\*\.json --junit results\.xml --html report\.html$/),
      expect.stringMatching(/^gate --board \S+ --from \S+ --to \S+ --key \S+ --junit gate\.xml$/),
    ]);
  });

  it('runs only commands that exist, with options that parse', async () => {
    const ran = [];
    for (const args of commands) ran.push(await parseOnly(withoutPendingOptions(args)));
    expect(ran).toEqual(['bootproof run', 'bootproof merge', 'bootproof gate']);
  });

  it('installs bootproof with npm ci before running it', () => {
    const lines = linesOf(read(file)).map((line) => line.trim());
    expect(lines.findIndex((line) => line.startsWith('npm ci'))).toBeGreaterThanOrEqual(0);
  });
});

describe('the checker itself', () => {
  it('refuses an unknown command and an unknown option, as a wrong example would be', async () => {
    await expect(parseOnly(['sweep', 'all'])).rejects.toThrow(/unknown command 'sweep'/);
    await expect(parseOnly(['run', 'all', '--board', 'nrf52840dk', '--shards', '1/4'])).rejects.toThrow(/unknown option '--shards'/);
    await expect(parseOnly(['gate', '--board', 'nrf52840dk'])).rejects.toThrow(/required option '--from <file>' not specified/);
  });

  it.skipIf(htmlPending)(
    `the examples' merge --html parses${htmlPending ? ' (skipped: the CLI has no merge --html yet; it comes with the HTML report)' : ''}`,
    async () => {
      for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
        const lines = file.startsWith('github') ? githubLines(read(file)) : gitlabLines(read(file));
        const merge = bootproofCommands(lines).find((args) => args[0] === 'merge')!;
        expect(await parseOnly(merge)).toBe('bootproof merge');
      }
    },
  );
});
