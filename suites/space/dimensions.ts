/**
 * The dimensions the scenario-space suite spans, with the values issue 18 lists, and the constraints that exclude
 * a combination a board or a strategy cannot hold — each with its reason. Sizes are measured on the board: a
 * value the slot cannot hold is excluded, not silently shrunk.
 */
import { sectorList } from '../../boards/index.ts';
import type { Board, UpdateStrategy } from '../../boards/types.ts';
import type { ImageConfig } from '../../emulator/boot/index.ts';
import type { Constraint, CoveringSpec, Dimension, Row } from '../../harness/dimensions/index.ts';
import { maxImageSize } from '../../harness/image-fit.ts';
import { DEFAULT_MAX_IMG_SECTORS, imgtoolTrailerSize } from '../../images/index.ts';

export const STRATEGIES: readonly UpdateStrategy[] = ['overwrite-only', 'swap-scratch', 'swap-move', 'swap-offset', 'direct-xip'];

export const DIMENSIONS: readonly Dimension[] = [
  { name: 'strategy', title: 'update strategy', values: STRATEGIES },
  { name: 'layout', title: 'image layout', values: ['one-image', 'two-images'] },
  {
    name: 'size',
    // strategy-max: the largest image both the strategy and imgtool's slot check accept.
    title: 'new image size, relative to the slot and its sectors',
    values: ['tiny', 'one-sector', 'sector-plus-one', 'trailer-sector', 'strategy-max'],
  },
  { name: 'sizes', title: 'old image size against the new', values: ['equal', 'old-larger', 'new-larger'] },
  {
    name: 'version',
    title: 'new version against the running one, per field',
    values: [
      'equal',
      'major-lower',
      'major-higher',
      'minor-lower',
      'minor-higher',
      'revision-lower',
      'revision-higher',
      'build-lower',
      'build-higher',
    ],
  },
  { name: 'counter', title: 'new security counter against the running one', values: ['lower', 'equal', 'higher'] },
  {
    name: 'app',
    title: "the new image's application",
    values: ['confirms', 'confirms-on-second-run', 'never-confirms', 'crashes', 'hangs'],
  },
  { name: 'mode', title: 'upgrade request', values: ['test', 'permanent', 'second-request'] },
  { name: 'sequence', title: 'updates in the story', values: ['one-update', 'two-updates', 'update-during-revert'] },
  {
    name: 'event',
    title: 'clock or trust event',
    values: [
      'none',
      'rtc-reset',
      'rtc-forward',
      'rtc-back',
      'key-expiry',
      'revocation',
      'trusted-time-appears',
      'trusted-time-disappears',
    ],
  },
  { name: 'event-at', title: 'where the event falls', values: ['before-request', 'before-reboot', 'after-update'] },
  {
    name: 'signature',
    title: "the new image's signature and key",
    values: ['valid', 'signature-stripped', 'signature-duplicated', 'keyhash-unknown', 'untrusted-key', 'unsigned-hash-only'],
  },
  { name: 'cut', title: 'phase of the power cuts', values: ['none', 'download', 'request', 'install', 'after-install'] },
];

/** The swap dimensions: every combination of these is covered under the full profile (strength 3). */
export const SWAP_GROUP = ['size', 'strategy', 'cut'] as const;

/** Image extents (header to the end of the TLVs) the size values stand for, on one board and strategy. */
export interface SizePlan {
  /** Why the strategy cannot update this board at all, or undefined. */
  readonly unusable?: string;
  /** The largest image both the strategy and imgtool's slot check accept: what `strategy-max` builds. */
  readonly max: number;
  /** The largest image the strategy accepts (its bootloader's bound). */
  readonly room: number;
  readonly sector: number;
  readonly extents: Readonly<Record<string, number>>;
}

export function sizePlan(board: Board, config: ImageConfig, strategy: UpdateStrategy): SizePlan {
  const slot = board.partitions.images[0].primary;
  const sectors = sectorList(board.flash).filter((s) => s.offset >= slot.offset && s.offset < slot.offset + slot.size);
  const sector = sectors[0]?.size ?? board.flash.sectors[0];
  const last = sectors.at(-1);
  const trailerSectorStart = last ? last.offset - slot.offset : slot.size;
  const unusable = strategy === 'swap-scratch' && !board.partitions.scratch ? `board ${board.name} has no scratch partition` : undefined;
  const room = maxImageSize(board, { ...config, strategy });
  // The test images are signed as imgtool signs them, whose slot check reserves its own trailer estimate.
  // Both estimates must hold: the signer's slot check (its default sector count) and a direct-xip factory image's
  // confirmed trailer (the build's sector count).
  const maxSectors = Math.max(DEFAULT_MAX_IMG_SECTORS, config.maxImageSectors ?? 0);
  const signable = slot.size - imgtoolTrailerSize({ maxAlign: config.maxAlign, align: board.flash.writeUnit, maxSectors });
  const max = typeof room === 'number' ? Math.min(room, signable) : 0;
  const why = unusable ?? (typeof room === 'string' ? room : room <= config.headerSize + 1024 ? `${strategy} leaves no room for an image` : undefined);
  return {
    unusable: why,
    max,
    room: typeof room === 'number' ? room : 0,
    sector,
    extents: {
      tiny: config.headerSize + 1024,
      'one-sector': sector,
      'sector-plus-one': sector + 1,
      'trailer-sector': trailerSectorStart + 1,
      'strategy-max': max,
    },
  };
}

/** The old image's extent for a `sizes` value, given the new one's. */
export function oldExtent(plan: SizePlan, newExtent: number, relation: string, headerSize: number): number {
  if (relation === 'old-larger') return newExtent + plan.sector;
  if (relation === 'new-larger') return newExtent - Math.max(512, Math.floor((newExtent - headerSize) / 2));
  return newExtent;
}

/** Room after the header for the smallest body and its TLVs (an RSA-3072 signature alone takes 388 bytes). */
const MIN_BODY_AND_TLVS = 768;

const BEFORE_INSTALL = new Set(['before-request', 'before-reboot']);

export function eventBeforeInstall(row: Row): boolean {
  return BEFORE_INSTALL.has(row['event-at']);
}

/**
 * Values that make the bootloader refuse the update. Two in one row would hide each other (the update is refused
 * either way, so a bootloader that ignores one of them passes): as in negative testing with pairwise tools, each
 * is combined with an update that is otherwise accepted.
 */
const REFUSING: Readonly<Record<string, (value: string) => boolean>> = {
  signature: (v) => v !== 'valid',
  version: (v) => v.endsWith('-lower'),
  counter: (v) => v === 'lower',
};

function refusalPairs(): Constraint[] {
  const names = Object.keys(REFUSING);
  return names.flatMap((a, i) =>
    names.slice(i + 1).map((b) => ({
      on: [a, b],
      excludes: (row: Row) =>
        REFUSING[a](row[a]) && REFUSING[b](row[b])
          ? 'two reasons to refuse the update in one row hide each other: each is run with the update otherwise accepted'
          : undefined,
    })),
  );
}

/**
 * An application other than one that confirms at once only acts when its image runs: combined with a value that
 * makes the bootloader refuse the update, the image never runs and the application's behaviour is never seen.
 */
function appRefusalPairs(): Constraint[] {
  return Object.keys(REFUSING).map((name) => ({
    on: ['app', name],
    excludes: (row: Row) =>
      row.app !== 'confirms' && REFUSING[name](row[name])
        ? "a refused image never runs: each application behaviour is run with the update otherwise accepted"
        : undefined,
  }));
}

/** Sizes that fill the slot: on the emulated core their swaps cost too much to sweep in a row of the space. */
const FULL_SLOT_SIZES = new Set(['trailer-sector', 'strategy-max']);

/**
 * What a build with a fixed configuration (a binary) cannot take, each with its reason: another strategy, another
 * image count, and the clock and trust events (each signs the new image with a second key under a validity window
 * or revokes it, and a build trusts only the key built into it). A slot-filling image is left out too: the binary
 * programs one write unit per operation, so one such row on nrf52840dk recorded 621,989 flash operations (7 minutes
 * and 5.5 GB on the emulated core) before its first cut.
 */
function buildConstraints(config: ImageConfig, build: string): Constraint[] {
  const layout = config.imageCount > 1 ? 'two-images' : 'one-image';
  return [
    {
      on: ['size'],
      excludes: (row) =>
        FULL_SLOT_SIZES.has(row.size)
          ? `a slot-filling image is hundreds of thousands of flash operations a row on ${build}'s emulated core: too slow to sweep yet`
          : undefined,
    },
    {
      on: ['strategy'],
      excludes: (row) => (row.strategy !== config.strategy ? `${build} is built for ${config.strategy}` : undefined),
    },
    {
      on: ['layout'],
      excludes: (row) => (row.layout !== layout ? `${build} manages ${config.imageCount} image(s)` : undefined),
    },
    {
      on: ['event'],
      excludes: (row) =>
        row.event !== 'none' ? `needs a second key with a validity window or revocation; ${build} trusts only its built-in key` : undefined,
    },
  ];
}

/**
 * The rows a board and this bootloader configuration can hold, and why the others cannot be built. `build` names a
 * bootloader whose configuration is fixed (SuiteContext.fixedBuild): its rows keep to that configuration.
 */
export function constraints(board: Board, config: ImageConfig, build?: string): Constraint[] {
  const plans = new Map(STRATEGIES.map((s) => [s, sizePlan(board, config, s)]));
  const plan = (row: Row) => plans.get(row.strategy as UpdateStrategy)!;
  // The smallest image the rows build: the header, then a body and TLVs (hash, key hash, signature, counter).
  const smallest = config.headerSize + MIN_BODY_AND_TLVS;
  return [
    ...(build === undefined ? [] : buildConstraints(config, build)),
    ...refusalPairs(),
    { on: ['strategy'], excludes: (row) => plan(row).unusable },
    {
      on: ['layout'],
      excludes: (row) =>
        row.layout === 'two-images' && board.partitions.images.length < 2 ? `board ${board.name} has one image slot pair` : undefined,
    },
    {
      on: ['strategy', 'size'],
      excludes: (row) => {
        const { max, extents } = plan(row);
        const want = extents[row.size];
        if (want < smallest) return `${row.size} (${want} bytes) cannot hold the ${config.headerSize}-byte header, a body and the TLVs`;
        return want > max ? `${row.size} (${want} bytes) is past the ${max} bytes ${row.strategy} fits in board ${board.name}'s slot` : undefined;
      },
    },
    {
      on: ['strategy', 'size', 'sizes'],
      excludes: (row) => {
        const p = plan(row);
        const old = oldExtent(p, p.extents[row.size], row.sizes, config.headerSize);
        if (old < smallest) return `an old image smaller than ${row.size} (${old} bytes) cannot hold the ${config.headerSize}-byte header, a body and the TLVs`;
        return old > p.max ? `an old image one sector larger than ${row.size} is past the ${p.max} bytes ${row.strategy} fits` : undefined;
      },
    },
    {
      on: ['strategy', 'version'],
      excludes: (row) =>
        row.strategy === 'direct-xip' && /^(equal|build-)/.test(row.version)
          ? 'direct-xip boots the slot with the higher version: an equal version (the build number is not compared) is no update there'
          : undefined,
    },
    {
      on: ['strategy', 'app'],
      excludes: (row) =>
        row.strategy === 'overwrite-only' && (row.app === 'crashes' || row.app === 'hangs')
          ? 'overwrite-only has no trial: an image that fails at every boot loops forever (the revert suite shows it)'
          : undefined,
    },
    {
      on: ['mode', 'app'],
      excludes: (row) =>
        row.mode !== 'test' && (row.app === 'crashes' || row.app === 'hangs')
          ? 'a permanent upgrade to an image that fails at every boot loops forever (the revert suite shows it)'
          : undefined,
    },
    ...appRefusalPairs(),
    {
      on: ['strategy', 'app'],
      excludes: (row) =>
        row.strategy === 'overwrite-only' && (row.app === 'confirms-on-second-run' || row.app === 'never-confirms')
          ? 'overwrite-only has no trial: whether or when the application confirms changes nothing'
          : undefined,
    },
    {
      on: ['sequence', 'app'],
      excludes: (row) =>
        row.sequence === 'update-during-revert' && row.app === 'confirms-on-second-run'
          ? 'the second update comes before the second run: an application that confirms late acts as one that never confirms'
          : undefined,
    },
    {
      on: ['sequence', 'mode'],
      excludes: (row) =>
        row.sequence === 'update-during-revert' && row.mode !== 'test' ? 'a revert is pending only after a test upgrade' : undefined,
    },
    {
      on: ['sequence', 'app'],
      excludes: (row) =>
        row.sequence === 'update-during-revert' && !['never-confirms', 'confirms-on-second-run'].includes(row.app)
          ? 'a revert is pending only while the new image runs unconfirmed (and runs long enough to download)'
          : undefined,
    },
    {
      on: ['sequence', 'strategy'],
      excludes: (row) =>
        row.sequence === 'update-during-revert' && row.strategy === 'overwrite-only' ? 'overwrite-only cannot revert' : undefined,
    },
    {
      on: ['sequence', 'cut'],
      excludes: (row) =>
        row.sequence === 'update-during-revert' && row.cut !== 'none'
          ? 'a cut during a pending revert has no single right end: a torn download or request leaves the revert without its old image (the reference then keeps the trial image, or reverts to the half-requested one confirmed), an open question noted on issue 18'
          : undefined,
    },
    {
      on: ['event', 'event-at'],
      excludes: (row) => (row.event === 'none' && row['event-at'] !== 'before-reboot' ? 'no event to place' : undefined),
    },
  ];
}

export function coveringSpec(board: Board, config: ImageConfig, profile: 'quick' | 'full', build?: string): CoveringSpec {
  return {
    dimensions: DIMENSIONS,
    constraints: constraints(board, config, build),
    strength: 2,
    groups: profile === 'full' ? [[...SWAP_GROUP]] : [],
  };
}
