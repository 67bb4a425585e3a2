/**
 * Test devices for the bootloader: real board geometries with small slots carved out of them (so a whole update
 * is a few dozen operations and an exhaustive cut sweep runs in seconds), signed images, and the "boot until
 * settled" loop the power-cut tests share.
 */
import type { KeyObject } from 'node:crypto';
import { type Board, loadBoard, sectorList } from '../../../boards/index.ts';
import type { FlashRegion, ImageSlots } from '../../../boards/types.ts';
import { generateKeyPair } from '../../../images/keys.ts';
import { type Dependency, signImage } from '../../../images/sign.ts';
import type { MaxAlign } from '../../../images/trailer.ts';
import { Prng } from '../../common/prng.ts';
import { type FlashOp, NorFlash } from '../../flash/index.ts';
import { setConfirmed } from '../app.ts';
import { NoClock } from '../clock.ts';
import { ReferenceBootloader } from '../reference.ts';
import type {
  BootContext,
  Bootloader,
  BootOutcome,
  DeviceClock,
  ImageConfig,
  TrustPolicy,
  UpdateStrategy,
} from '../types.ts';

export const SIGNING = generateKeyPair('ed25519', { seed: 'bootproof-boot-tests' });
export const STRANGER = generateKeyPair('ed25519', { seed: 'bootproof-boot-tests-stranger' });

export const STRATEGIES: readonly UpdateStrategy[] = [
  'overwrite-only',
  'swap-scratch',
  'swap-move',
  'swap-offset',
  'direct-xip',
];

/** The boards every strategy is tested on; b_u585i_iot02a is added for swap-move. */
export function boardsFor(strategy: UpdateStrategy): string[] {
  const boards = ['nrf52840dk', 'stm32f429zi', 'nucleo_l552ze_q'];
  return strategy === 'swap-move' ? [...boards, 'b_u585i_iot02a'] : boards;
}

/** Where test slots are carved on each board: a run of sectors of one size, and how many each slot gets. */
const CARVING: Record<string, { starts: number[]; slotSectors: number; payload: number }> = {
  nrf52840dk: { starts: [0xc000, 0x40000], slotSectors: 5, payload: 6000 },
  // 128 KiB sectors: bank 1 for image 0, bank 2's 128 KiB sectors for image 1 (swap-scratch: see carveBoard).
  stm32f429zi: { starts: [0x20000, 0x120000], slotSectors: 2, payload: 5000 },
  nucleo_l552ze_q: { starts: [0x14000, 0x40000], slotSectors: 7, payload: 5000 },
  b_u585i_iot02a: { starts: [0x10000, 0x80000], slotSectors: 3, payload: 10000 },
};

/**
 * STM32F4's 16 KiB sectors (two free after the bootloader in bank 1, four at the start of bank 2) keep the moving
 * strategies' sweeps short; swap-scratch gets non-uniform slots (16 + 16 + 64 KiB) that its tiling rule allows.
 */
const STM32F4_SMALL_SECTORS: Partial<Record<UpdateStrategy, { slots: ImageSlots; scratch?: FlashRegion }>> = {
  'swap-scratch': {
    slots: { primary: { offset: 0x8000, size: 0x18000 }, secondary: { offset: 0x108000, size: 0x18000 } },
    scratch: { offset: 0x20000, size: 0x20000 },
  },
  'swap-move': { slots: { primary: { offset: 0x100000, size: 0xc000 }, secondary: { offset: 0x8000, size: 0x8000 } } },
  'swap-offset': { slots: { primary: { offset: 0x8000, size: 0x8000 }, secondary: { offset: 0x100000, size: 0xc000 } } },
};

/**
 * Slots of a few sectors each, in consecutive sectors from the board's carving start: swap-move gets one spare
 * sector in the primary, swap-offset one in the secondary, swap-scratch a one-sector scratch after image 0.
 */
export function carveBoard(name: string, strategy: UpdateStrategy, imageCount = 1): Board {
  const board = loadBoard(name);
  const carving = CARVING[name];
  const sectors = sectorList(board.flash);
  const take = (start: number, count: number): [FlashRegion, number] => {
    const first = sectors.findIndex((s) => s.offset === start);
    const chosen = sectors.slice(first, first + count);
    const size = chosen.reduce((sum, s) => sum + s.size, 0);
    return [{ offset: start, size }, start + size];
  };
  const images: ImageSlots[] = [];
  let scratch: FlashRegion | undefined;
  for (let image = 0; image < imageCount; image++) {
    const special = name === 'stm32f429zi' && image === 0 ? STM32F4_SMALL_SECTORS[strategy] : undefined;
    if (special !== undefined) {
      images.push(special.slots);
      scratch = special.scratch;
      continue;
    }
    let at = carving.starts[image];
    const n = carving.slotSectors;
    const [primary, afterPrimary] = take(at, n + (strategy === 'swap-move' ? 1 : 0));
    const [secondary, afterSecondary] = take(afterPrimary, n + (strategy === 'swap-offset' ? 1 : 0));
    at = afterSecondary;
    images.push({ primary, secondary });
    if (image === 0 && strategy === 'swap-scratch') [scratch] = take(at, 1);
  }
  return { ...board, partitions: { ...board.partitions, images, scratch } };
}

export function configFor(board: Board, strategy: UpdateStrategy, overrides: Partial<ImageConfig> = {}): ImageConfig {
  return {
    strategy,
    headerSize: board.bootloader.headerSize,
    maxAlign: board.bootloader.maxAlign as MaxAlign,
    maxImageSectors: board.bootloader.maxImageSectors,
    imageCount: board.partitions.images.length,
    validatePrimaryAtBoot: true,
    downgradePrevention: 'none',
    hardwareRollback: false,
    ...overrides,
  };
}

export const DEFAULT_TRUST: TrustPolicy = {
  keys: [{ name: 'test-ed25519', key: SIGNING.publicKey }],
  enforce: 'install',
};

export interface ImageSpec {
  version: string;
  /** Payload bytes (default: the board's carving size); the content is derived from `version` and `seed`. */
  payload?: number;
  seed?: number;
  key?: KeyObject;
  securityCounter?: number;
  dependencies?: Dependency[];
  /** imgtool --pad / --confirm, sized for `slotSize`. */
  pad?: 'pad' | 'confirm';
}

export function makeImage(board: Board, config: ImageConfig, spec: ImageSpec, slotSize?: number): Uint8Array {
  const payloadSize = spec.payload ?? CARVING[board.name]?.payload ?? 4096;
  const payload = new Prng(`${spec.version}|${spec.seed ?? 0}`).bytes(payloadSize);
  return signImage(payload, {
    key: spec.key ?? SIGNING.privateKey,
    headerSize: config.headerSize,
    padHeader: true,
    version: spec.version,
    slotSize: slotSize ?? board.partitions.images[0].primary.size,
    securityCounter: spec.securityCounter,
    dependencies: spec.dependencies,
    pad: spec.pad !== undefined,
    confirm: spec.pad === 'confirm',
    align: board.flash.writeUnit,
    maxAlign: config.maxAlign,
    maxSectors: config.maxImageSectors,
    erasedValue: board.flash.erasedValue,
  });
}

export interface TestDevice {
  readonly flash: NorFlash;
  readonly ctx: BootContext;
  readonly board: Board;
}

/**
 * A fresh device: factory images loaded into the primaries (direct-xip images carry a confirmed trailer, as
 * `imgtool --confirm` writes it), and seeded noise in the bootloader and storage areas, which nothing may touch.
 */
export function makeDevice(
  board: Board,
  config: ImageConfig,
  primaries: readonly Uint8Array[],
  options: { trust?: TrustPolicy; clock?: DeviceClock } = {},
): TestDevice {
  const flash = new NorFlash(board.flash);
  const noise = new Prng(`noise|${board.name}`);
  flash.load(board.partitions.bootloader.offset, noise.bytes(board.partitions.bootloader.size));
  if (board.partitions.storage !== undefined) {
    flash.load(board.partitions.storage.offset, noise.bytes(board.partitions.storage.size));
  }
  const unit = board.flash.writeUnit;
  primaries.forEach((bytes, image) => {
    const padded = new Uint8Array(Math.ceil(bytes.length / unit) * unit).fill(board.flash.erasedValue);
    padded.set(bytes);
    flash.load(board.partitions.images[image].primary.offset, padded);
  });
  const ctx: BootContext = {
    flash,
    board,
    config,
    trust: options.trust ?? DEFAULT_TRUST,
    clock: options.clock ?? new NoClock(),
  };
  return { flash, ctx, board };
}

/** A primary image as the factory programs it for `config.strategy` (direct-xip needs a confirmed trailer). */
export function factoryImage(board: Board, config: ImageConfig, spec: ImageSpec, image = 0): Uint8Array {
  const slot = board.partitions.images[image].primary.size;
  return makeImage(board, config, config.strategy === 'direct-xip' ? { ...spec, pad: 'confirm' } : spec, slot);
}

export interface Settled {
  readonly outcome: BootOutcome;
  readonly boots: number;
}

/**
 * Boots until a boot performs no flash operation and (when `confirm` says so) the running image needs no
 * confirmation: the device's state has stopped changing. Bounded; a device that never settles fails the test.
 */
export function bootUntilSettled(
  device: TestDevice,
  options: { loader?: Bootloader; confirm?: (outcome: BootOutcome) => boolean; maxBoots?: number } = {},
): Settled {
  const loader = options.loader ?? new ReferenceBootloader();
  const maxBoots = options.maxBoots ?? 8;
  for (let boots = 1; boots <= maxBoots; boots++) {
    const before = device.flash.opCount;
    const outcome = loader.boot(device.ctx);
    if (outcome.kind === 'handoff' && options.confirm?.(outcome) === true) {
      for (const booted of outcome.images) setConfirmed(device.ctx, booted.image, booted.slot);
    }
    if (device.flash.opCount === before) return { outcome, boots };
  }
  throw new Error(`device did not settle within ${maxBoots} boots`);
}

/**
 * The first program or erase since operation `fromOp` that touched flash outside every slot and the scratch (the
 * "no collateral damage" check), read from the flash's journal: only programs and erases change flash bytes.
 */
export function writeOutsideSlots(device: TestDevice, fromOp: number): FlashOp | undefined {
  const regions: FlashRegion[] = [];
  for (const slots of device.board.partitions.images) regions.push(slots.primary, slots.secondary);
  if (device.board.partitions.scratch !== undefined) regions.push(device.board.partitions.scratch);
  const inside = (op: FlashOp): boolean =>
    regions.some((r) => op.offset >= r.offset && op.offset + op.length <= r.offset + r.size);
  return device.flash.journal.find((op) => op.index >= fromOp && op.kind !== 'counter' && !inside(op));
}
