/**
 * Whether a bootloader build can run on a board at all, before anything boots: the core and link address it
 * declares, BOOT_MAX_ALIGN against the flash's write unit, BOOT_MAX_IMG_SECTORS against the slots, the image count
 * and the strategy against the partitions. A contradiction is bad input (exit 2) naming both sides.
 */
import { slotSectors } from '../../boards/index.ts';
import type { Board } from '../../boards/types.ts';
import type { ImageConfig } from '../../emulator/boot/index.ts';
import { maxImageSize } from '../image-fit.ts';
import { type BuildConfig, BuildConfigError } from './build-config.ts';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The build as the ImageConfig the suites, the oracle and the fixtures use. */
export function imageConfigOf(build: BuildConfig, board: Board): ImageConfig {
  return {
    strategy: build.strategy,
    headerSize: build.headerSize ?? board.bootloader.headerSize,
    maxAlign: build.maxAlign,
    maxImageSectors: build.maxImageSectors,
    imageCount: build.imageCount,
    validatePrimaryAtBoot: build.validatePrimary || build.hardwareCounter !== null,
    downgradePrevention: build.downgradePrevention,
    hardwareRollback: build.hardwareCounter !== null,
  };
}

export function checkBuildFitsBoard(build: BuildConfig, board: Board): void {
  const fail = (message: string): never => {
    throw new BuildConfigError(build.file, `${message} (board ${board.name}, ${board.file})`);
  };
  if (build.core !== undefined && build.core !== board.cpu) {
    fail(`built for a ${build.core}, but the board has a ${board.cpu}`);
  }
  const bootAddress = board.memory.flash.base + board.partitions.bootloader.offset;
  if (build.loadAddress !== undefined && build.loadAddress !== bootAddress) {
    fail(`linked at ${hex(build.loadAddress)}, but the board's boot partition starts at ${hex(bootAddress)}`);
  }
  if (build.maxAlign < board.flash.writeUnit) {
    fail(`BOOT_MAX_ALIGN ${build.maxAlign} is smaller than the flash write unit of ${board.flash.writeUnit} bytes`);
  }
  if (build.imageCount > board.partitions.images.length) {
    fail(`${build.imageCount} images, but the board has slots for ${board.partitions.images.length}`);
  }
  if (build.strategy === 'swap-scratch' && board.partitions.scratch === undefined) {
    fail('swap-scratch needs a scratch partition, and the board has none');
  }
  board.partitions.images.slice(0, build.imageCount).forEach((slots, image) => {
    for (const [name, region] of [['primary', slots.primary], ['secondary', slots.secondary]] as const) {
      const sectors = slotSectors(board, region).length;
      if (sectors > build.maxImageSectors) {
        fail(`BOOT_MAX_IMG_SECTORS ${build.maxImageSectors} is less than the ${sectors} sectors of image ${image}'s ${name} slot`);
      }
    }
  });
  const config = imageConfigOf(build, board);
  const room = maxImageSize(board, config);
  if (typeof room === 'string' || room <= config.headerSize) {
    fail(`${build.strategy} leaves no room for an image: ${typeof room === 'string' ? room : `at most ${room} bytes`}`);
  }
  if (build.hardwareCounter !== null) {
    const { address, size } = build.hardwareCounter;
    const offset = address - board.memory.flash.base;
    const inSlot = board.partitions.images.some((slots) =>
      [slots.primary, slots.secondary].some((r) => offset < r.offset + r.size && r.offset < offset + size),
    );
    if (inSlot) fail(`hardwareCounter at ${hex(address)} (${size} bytes) lies inside an image slot`);
    const flashSize = board.flash.sectors.reduce((a, b) => a + b, 0);
    if (offset < 0 || offset + size > flashSize) {
      // The oracle reads the counter log from the flash model; a counter in OTP or a fuse bank is not modelled.
      fail(`hardwareCounter at ${hex(address)} (${size} bytes) lies outside the flash at ${hex(board.memory.flash.base)}..${hex(board.memory.flash.base + flashSize)}`);
    }
  }
}
