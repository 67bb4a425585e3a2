/**
 * What a run is asked to do, as plain data: the CLI builds it, the runner hands it to every worker thread, and
 * the replay command of each failure is printed from it.
 */
import type { UpdateStrategy } from '../boards/types.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { PROFILES, type Profile } from './dimensions/report.ts';

export interface RunOptions {
  /** Suite names or suite file paths, as the user typed them. */
  readonly suites: readonly string[];
  /** Board name or board file path. */
  readonly board: string;
  readonly strategy?: UpdateStrategy;
  /** A module whose default export implements `Bootloader` (default: the reference model), or a bootloader binary. */
  readonly bootloader?: string;
  /** A binary's build configuration: a Zephyr MCUboot `.config` or a `bootproof-bootloader/1` JSON file. */
  readonly bootloaderConfig?: string;
  /** The private key whose public half is built into the binary (overrides the configuration's). */
  readonly signingKey?: string;
  readonly imageFrom?: string;
  readonly imageTo?: string;
  /** Public key (PEM) the device trusts for the user's images. */
  readonly key?: string;
  /** `all`, `interesting` or `random:N`; undefined lets each suite choose (or the profile). */
  readonly points?: string;
  /** `quick` (pairwise rows, sampled cuts) or `full` (strength 3 on the swap dimensions, enumerated cuts); undefined = full. */
  readonly profile?: Profile;
  readonly seed: number;
  /** Worker threads; 0 runs every case in this thread (no hang protection). */
  readonly jobs: number;
  readonly shard?: { readonly index: number; readonly count: number };
  /** Run only the cases with these ids. */
  readonly only?: readonly string[];
  /**
   * Plan and run only the scenarios with these ids, every case of each (library use: a test that needs a few rows
   * of a large suite); the others are not even recorded.
   */
  readonly scenarios?: readonly string[];
  /** Per-case budget before a worker is presumed hung in the bootloader (default 20 s). */
  readonly caseTimeoutMs?: number;
  /** Stop the run once this many cases failed (`--max-failures`). */
  readonly maxFailures?: number;
  /** Set when the run is a release gate's (`bootproof gate`), for the command line its report records. */
  readonly gate?: true;
}

export function parseMaxFailures(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--max-failures '${text}': expected a positive integer`);
  return Number(text);
}

export function parseProfile(text: string): Profile {
  if (!PROFILES.includes(text as Profile)) throw new UsageError(`--profile '${text}': expected one of ${PROFILES.join(', ')}`);
  return text as Profile;
}

export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard '${text}': expected i/n with 1 ≤ i ≤ n (e.g. 2/4)`);
  }
  return { index, count };
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw new UsageError(`--seed '${text}': expected an integer from 0 to 4294967295`);
  }
  return Number(text);
}

export function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 256) throw new UsageError(`--jobs '${text}': expected an integer from 0 to 256`);
  return Number(text);
}

export function parseTimeout(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 100) throw new UsageError(`--case-timeout '${text}': expected milliseconds, at least 100`);
  return Number(text);
}

const STRATEGIES: readonly UpdateStrategy[] = ['overwrite-only', 'swap-scratch', 'swap-move', 'swap-offset', 'direct-xip'];

export function parseStrategy(text: string): UpdateStrategy {
  if (!STRATEGIES.includes(text as UpdateStrategy)) {
    throw new UsageError(`--strategy '${text}': expected one of ${STRATEGIES.join(', ')}`);
  }
  return text as UpdateStrategy;
}

/** The one command line that replays `id` exactly. */
export function replayCommand(options: RunOptions, suite: string, id: string): string {
  const parts = ['npx bootproof run', quote(suite), '--board', quote(options.board)];
  if (options.strategy) parts.push('--strategy', options.strategy);
  if (options.bootloader) parts.push('--bootloader', quote(options.bootloader));
  if (options.bootloaderConfig) parts.push('--bootloader-config', quote(options.bootloaderConfig));
  if (options.signingKey) parts.push('--signing-key', quote(options.signingKey));
  if (options.imageFrom) parts.push('--image-from', quote(options.imageFrom));
  if (options.imageTo) parts.push('--image-to', quote(options.imageTo));
  if (options.key) parts.push('--key', quote(options.key));
  if (options.points) parts.push('--points', options.points);
  if (options.profile) parts.push('--profile', options.profile);
  parts.push('--only', quote(id), '--seed', String(options.seed));
  return parts.join(' ');
}

export function quote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Whether `--only` (when given) names a case of the scenario: every case id starts with its scenario's id and a
 * slash, so a replay plans and records its own scenario alone. The emulated and the lab runner plan alike.
 */
export function scenarioSelected(scenarioId: string, options: Pick<RunOptions, 'only'>): boolean {
  const { only } = options;
  return only === undefined || only.length === 0 || only.some((id) => id.startsWith(`${scenarioId}/`));
}

/**
 * `--only` picks cases by id (an id that matches nothing is bad input); `--shard i/n` keeps every n-th case from the
 * i-th, so shards are disjoint and complete. The emulated and the lab runner select alike.
 */
export function selectCases<T extends { readonly id: string }>(cases: readonly T[], options: Pick<RunOptions, 'only' | 'shard'>): T[] {
  let selected = [...cases];
  if (options.only && options.only.length > 0) {
    const wanted = new Set(options.only);
    const known = new Set(selected.map((c) => c.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new UsageError(`--only ${unknown.join(', ')}: no case has this id (ids look like upgrade/install/op42/torn)`);
    }
    selected = selected.filter((c) => wanted.has(c.id));
  }
  if (options.shard) {
    const { index, count } = options.shard;
    selected = selected.filter((_, i) => i % count === index - 1);
    if (selected.length === 0) {
      throw new UsageError(`--shard ${index}/${count}: the run has only ${cases.length} cases, so this shard would check nothing`);
    }
  }
  return selected;
}
