/**
 * Whole-board consistency: the partitions against the flash geometry, and the slots against the constraints of
 * the board's update strategy (FORMATS.md §2.5, §3.10; MCUboot swap_scratch.c / swap_move.c / swap_offset.c
 * `boot_slots_compatible`). A board that passes can be booted by the MCUboot it describes.
 */
import type { SectorInfo } from '../emulator/flash/types.ts';
import type { BoardIssue } from './errors.ts';
import { flashSize, regionSectors, sectorContaining, sectorList } from './geometry.ts';
import type { Board, FlashRegion } from './types.ts';
import { hex, humanSize } from './units.ts';

interface NamedRegion {
  readonly path: string;
  readonly region: FlashRegion;
}

export function checkBoard(board: Board): BoardIssue[] {
  const issues: BoardIssue[] = [];
  const sectors = sectorList(board.flash);
  const deviceSize = flashSize(board.flash);
  if (deviceSize !== board.memory.flash.size) {
    issues.push({
      path: 'flash.sectors',
      message: `sectors add up to ${hex(deviceSize)} (${humanSize(deviceSize)}) but memory.flash.size is ${hex(board.memory.flash.size)} (${humanSize(board.memory.flash.size)})`,
    });
  }
  if (board.bootloader.maxAlign < board.flash.writeUnit) {
    issues.push({
      path: 'bootloader.maxAlign',
      message: `${board.bootloader.maxAlign} is smaller than the write unit (${board.flash.writeUnit}); BOOT_MAX_ALIGN must cover it`,
    });
  }
  const regions = namedRegions(board);
  const placed = regions.filter((named) => {
    const problem = placementProblem(named.region, sectors, deviceSize);
    if (problem !== undefined) issues.push({ path: named.path, message: problem });
    return problem === undefined;
  });
  issues.push(...overlaps(placed));
  // Strategy rules count sectors, which only means something once every slot sits on sector boundaries.
  if (placed.length === regions.length) issues.push(...strategyIssues(board, sectors));
  return issues;
}

function namedRegions(board: Board): NamedRegion[] {
  const { partitions } = board;
  const regions: NamedRegion[] = [{ path: 'partitions.bootloader', region: partitions.bootloader }];
  partitions.images.forEach((image, i) => {
    regions.push({ path: `partitions.images[${i}].primary`, region: image.primary });
    regions.push({ path: `partitions.images[${i}].secondary`, region: image.secondary });
  });
  if (partitions.scratch !== undefined) regions.push({ path: 'partitions.scratch', region: partitions.scratch });
  if (partitions.storage !== undefined) regions.push({ path: 'partitions.storage', region: partitions.storage });
  return regions;
}

function placementProblem(region: FlashRegion, sectors: readonly SectorInfo[], deviceSize: number): string | undefined {
  const end = region.offset + region.size;
  if (region.size === 0) return 'size is 0';
  if (region.size > deviceSize) {
    return `is ${hex(region.size)} (${humanSize(region.size)}), larger than the whole flash (${hex(deviceSize)}, ${humanSize(deviceSize)})`;
  }
  if (end > deviceSize) return `${span(region)} runs past the end of the flash at ${hex(deviceSize)}`;
  const first = sectorContaining(sectors, region.offset);
  if (first !== undefined && first.offset !== region.offset) {
    return `offset ${hex(region.offset)} is not on a sector boundary: it falls inside sector ${first.index} (${span(first)})`;
  }
  const last = sectorContaining(sectors, end - 1);
  if (last !== undefined && last.offset + last.size !== end) {
    return `end ${hex(end)} is not on a sector boundary: it falls inside sector ${last.index} (${span(last)})`;
  }
  return undefined;
}

function overlaps(regions: readonly NamedRegion[]): BoardIssue[] {
  const issues: BoardIssue[] = [];
  regions.forEach((a, i) => {
    for (const b of regions.slice(i + 1)) {
      if (a.region.offset < b.region.offset + b.region.size && b.region.offset < a.region.offset + a.region.size) {
        issues.push({ path: b.path, message: `${span(b.region)} overlaps ${a.path} (${span(a.region)})` });
      }
    }
  });
  return issues;
}

function strategyIssues(board: Board, sectors: readonly SectorInfo[]): BoardIssue[] {
  const issues: BoardIssue[] = [];
  const { strategy, maxImageSectors } = board.bootloader;
  board.partitions.images.forEach((image, i) => {
    const primary = regionSectors(sectors, image.primary);
    const secondary = regionSectors(sectors, image.secondary);
    const path = `partitions.images[${i}]`;
    for (const [slot, slotSectors] of [
      ['primary', primary],
      ['secondary', secondary],
    ] as const) {
      if (slotSectors.length > maxImageSectors) {
        issues.push({
          path: `${path}.${slot}`,
          message: `has ${slotSectors.length} sectors, more than bootloader.maxImageSectors (${maxImageSectors}); MCUboot refuses to read its sectors`,
        });
      }
    }
    if (strategy === 'swap-scratch') issues.push(...swapScratchIssues(board, path, image.primary, primary, secondary));
    if (strategy === 'swap-move' || strategy === 'swap-offset') {
      const uniform = uniformIssues(path, strategy, primary, secondary);
      issues.push(...uniform);
      if (uniform.length === 0) issues.push(...sectorCountIssues(board, path, primary[0].size, primary.length, secondary.length));
    }
  });
  return issues;
}

/**
 * swap-scratch walks both slots in step, moving one "group" of sectors (where the two slots' sector boundaries
 * meet again) through the scratch at a time: the slots must end together and the scratch must hold every group.
 */
function swapScratchIssues(
  board: Board,
  path: string,
  primaryRegion: FlashRegion,
  primary: readonly SectorInfo[],
  secondary: readonly SectorInfo[],
): BoardIssue[] {
  const scratch = board.partitions.scratch;
  if (scratch === undefined) {
    return [{ path: 'partitions.scratch', message: 'missing: bootloader.strategy swap-scratch needs a scratch area' }];
  }
  const primarySize = sum(primary);
  const secondarySize = sum(secondary);
  if (primarySize !== secondarySize) {
    return [
      {
        path: `${path}.secondary`,
        message: `is ${hex(secondarySize)} but the primary slot is ${hex(primarySize)}; swap-scratch needs slots of equal size`,
      },
    ];
  }
  const issues: BoardIssue[] = [];
  let p = 0;
  let s = 0;
  let groupStart = 0;
  let pEnd = 0;
  let sEnd = 0;
  while (p < primary.length || s < secondary.length) {
    if (pEnd <= sEnd) pEnd += primary[p++].size;
    else sEnd += secondary[s++].size;
    if (pEnd === sEnd) {
      const group = pEnd - groupStart;
      if (group > scratch.size) {
        issues.push({
          path: 'partitions.scratch',
          message: `holds ${hex(scratch.size)} (${humanSize(scratch.size)}) but the slots' sectors at ${hex(primaryRegion.offset + groupStart)} form a ${humanSize(group)} group; the scratch must hold the largest sector (group) of either slot`,
        });
      }
      groupStart = pEnd;
    }
  }
  return issues;
}

function uniformIssues(
  path: string,
  strategy: string,
  primary: readonly SectorInfo[],
  secondary: readonly SectorInfo[],
): BoardIssue[] {
  const size = primary[0].size;
  const odd = [...primary, ...secondary].find((sector) => sector.size !== size);
  if (odd === undefined) return [];
  return [
    {
      path,
      message: `${strategy} needs sectors of one size in both slots, but sector ${odd.index} at ${hex(odd.offset)} is ${humanSize(odd.size)} and the primary starts with ${humanSize(size)} sectors`,
    },
  ];
}

/**
 * swap-move keeps one spare sector in the primary slot, swap-offset in the secondary. Newer MCUboot also accepts
 * a primary whose sectors, less those the trailer takes, number one more than the secondary's (Zephyr's
 * nRF52840 layout: 119 and 117 sectors).
 */
function sectorCountIssues(
  board: Board,
  path: string,
  sectorSize: number,
  primaryCount: number,
  secondaryCount: number,
): BoardIssue[] {
  const { strategy } = board.bootloader;
  if (strategy === 'swap-offset') {
    if (secondaryCount === primaryCount || secondaryCount === primaryCount + 1) return [];
    return [
      {
        path: `${path}.secondary`,
        message: `has ${secondaryCount} sectors; swap-offset needs as many as the primary (${primaryCount}) or one more`,
      },
    ];
  }
  const trailerSectors = Math.ceil(swapTrailerBytes(board) / sectorSize);
  const usable = primaryCount - trailerSectors;
  if (primaryCount === secondaryCount || primaryCount === secondaryCount + 1 || usable === secondaryCount + 1) return [];
  return [
    {
      path: `${path}.primary`,
      message: `has ${primaryCount} sectors and the secondary ${secondaryCount}; swap-move needs as many as the secondary or one more (or one more once the ${trailerSectors}-sector trailer is set aside)`,
    },
  ];
}

/** boot_trailer_sz for the swap strategies: MAX_IMG_SECTORS · 3 states · write unit + trailer info (§2.5). */
function swapTrailerBytes(board: Board): number {
  const { maxAlign, maxImageSectors } = board.bootloader;
  const magic = Math.max(16, maxAlign);
  return maxImageSectors * 3 * board.flash.writeUnit + 4 * maxAlign + magic;
}

function sum(sectors: readonly SectorInfo[]): number {
  return sectors.reduce((total, sector) => total + sector.size, 0);
}

function span(region: FlashRegion): string {
  return `${hex(region.offset)}..${hex(region.offset + region.size)}`;
}
