/**
 * The state of one boot: the context, the flash areas of every image, the scratch, and the log of decisions.
 * Created at the start of `boot()`, dropped at its end; nothing in it survives a power cut.
 */

import type { MaxAlign } from '../../images/trailer.ts';
import { type FlashArea, openArea } from './area.ts';
import type { BootLog } from './log.ts';
import type { TrailerFormat } from './trailer-io.ts';
import type { AppContext, BootContext, SlotName } from './types.ts';

export interface ImageAreas {
  readonly primary: FlashArea;
  readonly secondary: FlashArea;
}

export interface BootRun {
  readonly ctx: BootContext;
  readonly format: TrailerFormat;
  readonly images: readonly ImageAreas[];
  readonly scratch: FlashArea | undefined;
  readonly log: BootLog;
}

export function slotArea(run: Pick<BootRun, 'images'>, image: number, slot: SlotName): FlashArea {
  return run.images[image][slot];
}

export function trailerFormat(ctx: Pick<BootContext, 'config'>): TrailerFormat {
  return { maxAlign: ctx.config.maxAlign as MaxAlign, swapOffset: ctx.config.strategy === 'swap-offset' };
}

/**
 * Opens the areas the configuration names. Returns a reason instead when the board cannot hold them (a slot not on
 * sector boundaries, a missing image or scratch partition): the loader halts with it rather than guess.
 */
export function openImageAreas(app: AppContext): { images: ImageAreas[]; scratch: FlashArea | undefined } | string {
  const { board, config, flash } = app;
  if (!Number.isInteger(config.imageCount) || config.imageCount < 1 || config.imageCount > 15) {
    return `image count ${config.imageCount} is not 1..15`;
  }
  if (![8, 16, 32].includes(config.maxAlign) || config.maxAlign < flash.geometry.writeUnit) {
    return `BOOT_MAX_ALIGN ${config.maxAlign} must be 8, 16 or 32 and at least the flash write unit (${flash.geometry.writeUnit})`;
  }
  if (!Number.isInteger(config.maxImageSectors) || config.maxImageSectors < 1) {
    return `BOOT_MAX_IMG_SECTORS ${config.maxImageSectors} is not a positive integer`;
  }
  if (board.partitions.images.length < config.imageCount) {
    return `board ${board.name} has ${board.partitions.images.length} image slot pair(s), the configuration needs ${config.imageCount}`;
  }
  const images: ImageAreas[] = [];
  for (let i = 0; i < config.imageCount; i++) {
    const slots = board.partitions.images[i];
    const primary = openArea(flash, slots.primary, `primary ${i}`);
    const secondary = openArea(flash, slots.secondary, `secondary ${i}`);
    if (primary === undefined || secondary === undefined) {
      return `board ${board.name}: image ${i}'s slots do not lie on whole sectors of the flash`;
    }
    images.push({ primary, secondary });
  }
  let scratch: FlashArea | undefined;
  if (config.strategy === 'swap-scratch') {
    if (board.partitions.scratch === undefined) return `board ${board.name} has no scratch partition for swap-scratch`;
    scratch = openArea(flash, board.partitions.scratch, 'scratch');
    if (scratch === undefined) return `board ${board.name}: the scratch partition does not lie on whole sectors`;
  }
  return { images, scratch };
}
