/**
 * Flash areas (MCUboot's `flash_area`): a slot or the scratch, with its sectors, and the raw accesses the
 * bootloader makes through them. Offsets inside an area are relative to its start, as in MCUboot.
 */
import type { FlashRegion } from '../../boards/types.ts';
import { EccFault } from '../flash/errors.ts';
import type { Flash, FlashGeometry } from '../flash/types.ts';

export interface AreaSector {
  /** Offset from the start of the area. */
  readonly offset: number;
  readonly size: number;
}

export interface FlashArea {
  /** For logs: `primary 0`, `secondary 1`, `scratch`. */
  readonly label: string;
  /** Offset of the area from the start of the flash device. */
  readonly offset: number;
  readonly size: number;
  readonly sectors: readonly AreaSector[];
}

/** A byte a read returns for a write unit the flash reports as ECC-broken: neither erased nor a written flag. */
const ECC_POISON = 0xa5;

/**
 * Areas opened before, per flash geometry: an area depends on the geometry and the region alone, and every boot and
 * every application action opens the same few (a slot of small sectors is a hundred sectors to look up).
 */
const openedAreas = new WeakMap<FlashGeometry, Map<string, FlashArea | undefined>>();

/**
 * The sectors of `region`, or undefined when the region does not start and end on sector boundaries of the flash
 * (the loader then treats the slot as unusable instead of touching a neighbour). Bounded by the flash's sectors.
 * Frozen: the same area is handed to every boot.
 */
export function openArea(flash: Flash, region: FlashRegion, label: string): FlashArea | undefined {
  let opened = openedAreas.get(flash.geometry);
  if (opened === undefined) {
    opened = new Map();
    openedAreas.set(flash.geometry, opened);
  }
  const key = `${region.offset}/${region.size}/${label}`;
  if (opened.has(key)) return opened.get(key);
  const area = sectorsOf(flash, region, label);
  opened.set(key, area);
  return area;
}

function sectorsOf(flash: Flash, region: FlashRegion, label: string): FlashArea | undefined {
  const end = region.offset + region.size;
  if (region.size <= 0 || region.offset < 0 || end > flash.size) return undefined;
  const sectors: AreaSector[] = [];
  let at = region.offset;
  for (let guard = 0; at < end && guard < flash.geometry.sectors.length; guard++) {
    const sector = flash.sectorAt(at);
    if (sector.offset !== at || at + sector.size > end) return undefined;
    sectors.push(Object.freeze({ offset: at - region.offset, size: sector.size }));
    at += sector.size;
  }
  return at === end ? Object.freeze({ label, offset: region.offset, size: region.size, sectors: Object.freeze(sectors) }) : undefined;
}

/**
 * Reads `length` bytes at `offset` in `area`. A write unit that raises an ECC fault (its program or erase was torn)
 * reads as ECC_POISON bytes instead of crashing the boot: the bootloader then sees a corrupt field or image, which
 * it must handle anyway. A read outside the area is a bug of the model itself, so it throws RangeError.
 */
export function readArea(flash: Flash, area: FlashArea, offset: number, length: number): Uint8Array {
  return readAreaAs(flash, area, offset, length, false);
}

/**
 * `readArea`, possibly as a view of the flash's own bytes (`Flash.readView`): for a copy that programs them
 * elsewhere at once, never to keep or to write.
 */
export function readAreaView(flash: Flash, area: FlashArea, offset: number, length: number): Uint8Array {
  return readAreaAs(flash, area, offset, length, true);
}

function readAreaAs(flash: Flash, area: FlashArea, offset: number, length: number, view: boolean): Uint8Array {
  if (offset < 0 || length < 0 || offset + length > area.size) {
    throw new RangeError(`read of ${length} bytes at 0x${offset.toString(16)} outside ${area.label}`);
  }
  const at = area.offset + offset;
  try {
    return view && flash.readView ? flash.readView(at, length) : flash.read(at, length);
  } catch (error) {
    if (!(error instanceof EccFault)) throw error;
    return readUnitByUnit(flash, at, length);
  }
}

function readUnitByUnit(flash: Flash, at: number, length: number): Uint8Array {
  const unit = flash.geometry.writeUnit;
  const out = new Uint8Array(length);
  const first = Math.floor(at / unit) * unit;
  for (let unitStart = first; unitStart < at + length; unitStart += unit) {
    const from = Math.max(unitStart, at);
    const to = Math.min(unitStart + unit, at + length);
    try {
      out.set(flash.read(from, to - from), from - at);
    } catch (error) {
      if (!(error instanceof EccFault)) throw error;
      out.fill(ECC_POISON, from - at, to - at);
    }
  }
  return out;
}

/** Index of the sector of `area` that holds byte `offset` (relative to the area). */
export function sectorIndexAt(area: FlashArea, offset: number): number {
  let low = 0;
  let high = area.sectors.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const sector = area.sectors[middle];
    if (offset < sector.offset) high = middle - 1;
    else if (offset >= sector.offset + sector.size) low = middle + 1;
    else return middle;
  }
  return -1;
}
