/** The byte ranges holding trailers and status areas (and the whole scratch area), for `--points interesting`. */
import type { Board, FlashRegion } from '../boards/types.ts';
import type { ImageConfig } from '../emulator/boot/index.ts';
import { bootTrailerSize, bootWriteSize, STATUS_STATES, type TrailerStrategy, trailerInfoSize } from '../images/index.ts';

export function trailerRegions(board: Board, config: ImageConfig): FlashRegion[] {
  const regions = trailerAreas(board, config);
  if (board.partitions.scratch) regions.push(board.partitions.scratch);
  return regions;
}

/** The trailer and status areas alone: at the end of each slot, and of the scratch (swap-scratch keeps status there). */
export function trailerAreas(board: Board, config: ImageConfig): FlashRegion[] {
  const states = STATUS_STATES[config.strategy as TrailerStrategy] ?? 3;
  const size = bootTrailerSize({
    states,
    writeSize: bootWriteSize(board.flash.writeUnit),
    maxSectors: config.maxImageSectors,
    maxAlign: config.maxAlign,
    swapOffset: config.strategy === 'swap-offset',
  });
  return endsOfAreas(board, size);
}

/** The trailer fields after the status area (swap size, swap info, copy_done, image_ok, magic) of each slot and the scratch. */
export function trailerFields(board: Board, config: ImageConfig): FlashRegion[] {
  return endsOfAreas(board, trailerInfoSize({ maxAlign: config.maxAlign, swapOffset: config.strategy === 'swap-offset' }));
}

/** The last `size` bytes (at most all) of every slot, then of the scratch. */
function endsOfAreas(board: Board, size: number): FlashRegion[] {
  const areas = board.partitions.images.flatMap(({ primary, secondary }) => [primary, secondary]);
  if (board.partitions.scratch) areas.push(board.partitions.scratch);
  return areas.map((area) => ({ offset: area.offset + area.size - Math.min(size, area.size), size: Math.min(size, area.size) }));
}
