/**
 * What a run was made of, for its report: the bootproof version, the command line, the board file's digest, the
 * bootloader's identity, the images' digests and versions, and the trusted keys' fingerprints (public keys only).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sectorList } from '../boards/index.ts';
import type { Board } from '../boards/types.ts';
import type { ImageConfig } from '../emulator/boot/index.ts';
import { decodeHeader, formatVersion } from '../images/index.ts';
import type { RunContext } from './context.ts';
import { formatPoints, type PointSelection } from './fault-points.ts';
import type { UpdatePair } from './fixtures.ts';
import type { PartitionRecord, RunInfo } from './results.ts';
import { quote, type RunOptions } from './run-options.ts';
import { trailerRegions } from './trailer-regions.ts';
import { packageVersion } from './version.ts';

export const BOOTPROOF_VERSION: string = packageVersion();

export interface RunInfoExtras {
  /** Where a lab run ran (`dk1 (nrf52840dk) on /dev/ttyACM0`). */
  readonly target?: string;
  readonly points?: string;
  readonly bootloader?: RunInfo['bootloader'];
}

/** What describes a run, whether or not its context could be built (a gate whose static checks failed). */
export interface RunParts {
  readonly options: RunOptions;
  readonly board: Board;
  readonly config: ImageConfig;
  readonly bootloaderName: string;
  readonly pair: Pick<UpdatePair, 'from' | 'to' | 'trustKey' | 'fromUser'>;
  readonly suites: readonly string[];
  readonly points?: PointSelection;
}

export function describeContext(ctx: RunContext, extras: RunInfoExtras = {}): RunInfo {
  const dimensions = ctx.suites.flatMap(({ suite }) => {
    if (!suite.dimensions || suite.skip?.(ctx.suiteContext) !== undefined) return [];
    return [{ suite: suite.name, ...suite.dimensions(ctx.suiteContext) }];
  });
  const info = describeRun(
    {
      options: ctx.options,
      board: ctx.board,
      config: ctx.config,
      bootloaderName: ctx.bootloader.name,
      pair: ctx.fixtures.pair,
      suites: ctx.suites.map(({ suite }) => suite.name),
      points: ctx.suiteContext.points,
    },
    extras,
  );
  return dimensions.length > 0 ? { ...info, dimensions } : info;
}

export function describeRun(parts: RunParts, extras: RunInfoExtras = {}): RunInfo {
  const { board, options, config, pair } = parts;
  const images = board.partitions.images;
  const partitions: PartitionRecord[] = [{ name: 'bootloader', ...region(board.partitions.bootloader) }];
  images.forEach(({ primary, secondary }, i) => {
    const suffix = images.length > 1 ? `-${i}` : '';
    partitions.push({ name: `primary${suffix}`, ...region(primary) }, { name: `secondary${suffix}`, ...region(secondary) });
  });
  if (board.partitions.scratch) partitions.push({ name: 'scratch', ...region(board.partitions.scratch) });
  if (board.partitions.storage) partitions.push({ name: 'storage', ...region(board.partitions.storage) });
  const sectors = sectorList(board.flash);
  const last = sectors.at(-1);
  return {
    bootproof: BOOTPROOF_VERSION,
    command: commandLine(options),
    board: { name: board.name, sha256: fileDigest(board.file), ...(extras.target ? { target: extras.target } : {}) },
    flash: {
      size: last ? last.offset + last.size : 0,
      sectors: sectors.length,
      writeUnit: board.flash.writeUnit,
      partitions: partitions.sort((a, b) => a.offset - b.offset),
      trailers: trailerRegions(board, config).map(region),
    },
    strategy: config.strategy,
    bootloader: extras.bootloader ?? {
      name: parts.bootloaderName,
      kind: options.bootloader ? 'module' : 'model',
      ...(options.bootloader ? { sha256: fileDigest(options.bootloader) } : {}),
      config: { ...config },
    },
    images: [
      { role: 'from', ...imageRecord(pair.from) },
      { role: 'to', ...imageRecord(pair.to) },
    ],
    keys: [{ role: pair.fromUser ? 'trusted (--key)' : 'trusted (test key)', fingerprint: keyFingerprint(pair.trustKey) }],
    suites: [...parts.suites],
    seed: options.seed,
    points: extras.points ?? (parts.points ? formatPoints(parts.points) : 'per suite'),
    ...(options.shard ? { shard: options.shard } : {}),
  };
}

/** The command line that repeats a run (without its shard and output options). */
export function commandLine(options: RunOptions): string {
  const gate = options.gate !== undefined;
  const parts = ['bootproof', gate ? 'gate' : 'run', ...(gate ? [] : options.suites.map(quote)), '--board', quote(options.board)];
  if (options.strategy) parts.push('--strategy', options.strategy);
  if (options.bootloader) parts.push('--bootloader', quote(options.bootloader));
  if (options.imageFrom) parts.push(gate ? '--from' : '--image-from', quote(options.imageFrom));
  if (options.imageTo) parts.push(gate ? '--to' : '--image-to', quote(options.imageTo));
  if (options.key) parts.push('--key', quote(options.key));
  if (options.points) parts.push('--points', options.points);
  if (options.profile) parts.push('--profile', options.profile);
  parts.push('--seed', String(options.seed));
  return parts.join(' ');
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function keyFingerprint(key: import('node:crypto').KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

function imageRecord(bytes: Uint8Array): { sha256: string; version: string; size: number } {
  let version = 'unknown';
  try {
    version = formatVersion(decodeHeader(bytes).version);
  } catch {
    // A file too short for a header has no version to show; its digest still names it.
  }
  return { sha256: sha256(bytes), version, size: bytes.length };
}

function fileDigest(path: string): string {
  try {
    return sha256(readFileSync(path));
  } catch {
    return 'unreadable';
  }
}

function region(r: { offset: number; size: number }): { offset: number; size: number } {
  return { offset: r.offset, size: r.size };
}
