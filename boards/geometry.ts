import type { FlashGeometry, SectorInfo } from '../emulator/flash/types.ts';
import type { Board, FlashRegion } from './types.ts';

/** Every sector of the flash with its offset, in address order. */
export function sectorList(flash: FlashGeometry): SectorInfo[] {
  const sectors: SectorInfo[] = [];
  let offset = 0;
  flash.sectors.forEach((size, index) => {
    sectors.push({ index, offset, size });
    offset += size;
  });
  return sectors;
}

/** The sector that holds byte `offset`, or undefined past the end of the flash. */
export function sectorContaining(sectors: readonly SectorInfo[], offset: number): SectorInfo | undefined {
  let low = 0;
  let high = sectors.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const sector = sectors[middle];
    if (offset < sector.offset) high = middle - 1;
    else if (offset >= sector.offset + sector.size) low = middle + 1;
    else return sector;
  }
  return undefined;
}

/** The sectors that lie wholly inside `region` (all of its sectors, for a validated board). */
export function regionSectors(sectors: readonly SectorInfo[], region: FlashRegion): SectorInfo[] {
  const end = region.offset + region.size;
  return sectors.filter((sector) => sector.offset >= region.offset && sector.offset + sector.size <= end);
}

/** The sectors of one slot (or any region) of a board, as the bootloader walks them. */
export function slotSectors(board: Board, region: FlashRegion): SectorInfo[] {
  return regionSectors(sectorList(board.flash), region);
}

export function flashSize(flash: FlashGeometry): number {
  return flash.sectors.reduce((sum, size) => sum + size, 0);
}
