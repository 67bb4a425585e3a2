/**
 * A board file from a Zephyr build's devicetree. The devicetree carries the memory map, the flash's size, its
 * write-block-size and erase-block-size, and the MCUboot partitions (`fixed-partitions`: boot, slot0/1, scratch,
 * slot2/3 for a second image, storage). It does not carry the program rule, timings, endurance or the bootloader's
 * build settings: those come from a built-in board of the same SoC family (`like`), named or found from the flash
 * controller's compatible.
 */
import { readFileSync } from 'node:fs';
import { readInputText } from '../emulator/common/files.ts';
import { allNodes, cellsOf, DevicetreeError, type DtNode, findLabel, nodePath, parseDevicetree, stringsOf } from './devicetree.ts';
import { BoardFileError } from './errors.ts';
import { loadBoard } from './index.ts';
import { parseBoardFile } from './schema.ts';
import type { Board, UpdateStrategy } from './types.ts';
import { hex } from './units.ts';

export interface ImportOptions {
  /** A built-in board (or board file) whose non-devicetree fields the import takes. Default: by flash controller. */
  readonly like?: string;
  readonly name?: string;
  readonly strategy?: UpdateStrategy;
  /** The flash write unit, when the devicetree's write-block-size is a program page rather than the ECC unit. */
  readonly writeUnit?: number;
}

/** Flash controller compatibles (Zephyr's dts/bindings/flash_controller) and the built-in board of that family. */
const FAMILY_BOARDS: Readonly<Record<string, string>> = {
  'nordic,nrf52-flash-controller': 'nrf52840dk',
  'nordic,nrf53-flash-controller': 'nrf5340dk',
  'st,stm32f4-flash-controller': 'stm32f429zi',
  'st,stm32l5-flash-controller': 'nucleo_l552ze_q',
  'st,stm32u5-flash-controller': 'b_u585i_iot02a',
  'st,stm32h7-flash-controller': 'stm32h743zi',
  'nxp,kinetis-ftfe': 'frdm_k64f',
  'nxp,iap-fmc55': 'lpcxpresso55s69',
  'raspberrypi,pico-flash-controller': 'rpi_pico',
};

/** MCUboot's partitions: Zephyr's node labels, and the `label` property older devicetrees name them by. */
const PARTITIONS = {
  boot: ['boot_partition', 'mcuboot'],
  slot0: ['slot0_partition', 'image-0'],
  slot1: ['slot1_partition', 'image-1'],
  slot2: ['slot2_partition', 'image-2'],
  slot3: ['slot3_partition', 'image-3'],
  scratch: ['scratch_partition', 'image-scratch'],
  storage: ['storage_partition', 'storage'],
} as const;

type PartitionName = keyof typeof PARTITIONS;
interface Region {
  readonly offset: number;
  readonly size: number;
}

/** Reads `dtsPath` and returns the board file's JSON text (checked as any board file is). */
export function importBoardFromDevicetree(dtsPath: string, options: ImportOptions): { text: string; board: Board } {
  const source = readInputText(dtsPath, { what: 'devicetree' });
  const root = parseDevicetree(source, dtsPath);
  const fail = (node: DtNode | undefined, what: string): never => {
    throw new DevicetreeError(dtsPath, node?.line ?? 1, 1, what);
  };

  const partitions = findPartitions(root, fail);
  const flashNode = partitions.table.parent;
  if (!flashNode) return fail(partitions.table, 'the fixed-partitions node has no flash node above it');
  const flashReg = regOf(flashNode, fail);
  const controller = flashNode.parent;
  const controllerCompatibles = controller ? stringsOf(controller, 'compatible') : [];
  const likeName = options.like ?? controllerCompatibles.map((c) => FAMILY_BOARDS[c]).find(Boolean);
  if (!likeName) {
    fail(
      controller,
      `no built-in board of this SoC family (flash controller ${controllerCompatibles.join(', ') || 'without a compatible'}): ` +
        'name one with --like <board> (see `bootproof boards`) for the program rule, timings and endurance',
    );
  }
  const like = loadBoard(likeName!);
  const likeFile = JSON.parse(readFileSync(like.file, 'utf8')) as { flash: Record<string, unknown>; bootloader: Record<string, unknown> };

  const eraseBlock = singleCell(flashNode, 'erase-block-size', fail);
  const writeBlock = singleCell(flashNode, 'write-block-size', fail);
  const writeUnit = options.writeUnit ?? ([1, 2, 4, 8, 16, 32].includes(writeBlock) ? writeBlock : like.flash.writeUnit);
  const sameChip = like.memory.flash.size === flashReg.size;
  const uniform = new Set(like.flash.sectors).size === 1;
  // A devicetree has one erase-block-size; a part with sectors of several sizes (STM32F4) keeps its family's list.
  const sectors =
    sameChip && !uniform
      ? likeFile.flash.sectors
      : [{ count: wholeCount(flashReg.size, eraseBlock, flashNode, fail), size: hex(eraseBlock) }];
  // A part of the family whose sector sizes differ in erase time: take the slowest, so no cut comes too late.
  const eraseTimeUs = typeof like.flash.eraseTimeUs === 'number' ? like.flash.eraseTimeUs : Math.max(...like.flash.eraseTimeUs);

  const images = [{ primary: partitions.regions.slot0, secondary: partitions.regions.slot1 }];
  if (partitions.regions.slot2 || partitions.regions.slot3) {
    if (!partitions.regions.slot2 || !partitions.regions.slot3) {
      fail(partitions.table, 'a second image needs both slot2_partition and slot3_partition; the devicetree has only one');
    }
    images.push({ primary: partitions.regions.slot2!, secondary: partitions.regions.slot3! });
  }
  const strategy =
    options.strategy ??
    (partitions.regions.scratch ? 'swap-scratch' : like.bootloader.strategy === 'swap-scratch' ? 'swap-move' : like.bootloader.strategy);
  const ram = chosenRegion(root, 'zephyr,sram');
  const model = stringsOf(root, 'model')[0];
  const name = options.name ?? boardName(stringsOf(root, 'compatible')[0]) ?? fail(root, 'no root compatible to name the board by: give --name');
  const cpu = cpuOf(root) ?? like.cpu;
  const file = {
    name,
    title: model ?? name,
    cpu,
    memory: {
      flash: { base: hex(flashReg.offset), size: hex(flashReg.size) },
      ram: ram ? { base: hex(ram.offset), size: hex(ram.size) } : { base: hex(like.memory.ram.base), size: hex(like.memory.ram.size) },
    },
    flash: {
      ...likeFile.flash,
      sectors,
      writeUnit,
      eraseTimeUs,
    },
    flashController: like.flashController,
    partitions: {
      bootloader: shown(partitions.regions.boot),
      images: images.map((image) => ({ primary: shown(image.primary!), secondary: shown(image.secondary!) })),
      ...(partitions.regions.scratch ? { scratch: shown(partitions.regions.scratch) } : {}),
      ...(partitions.regions.storage ? { storage: shown(partitions.regions.storage) } : {}),
    },
    bootloader: { ...likeFile.bootloader, strategy },
    sources: [
      `Imported by \`bootproof board import\` from the devicetree ${dtsPath}: memory map, flash size, erase-block-size ` +
        `${hex(eraseBlock)}, write-block-size ${writeBlock}, and the fixed-partitions ${Object.keys(partitions.regions).join(', ')} ` +
        `(${nodePath(partitions.table)}).`,
      `Not in a devicetree, so taken from the built-in board ${like.name}: program rule, write budget, timings, endurance, ` +
        `erased value, flash controller, image header size and alignment${ram ? '' : ', RAM'}${cpu === like.cpu && !cpuOf(root) ? ', CPU' : ''}` +
        `${writeUnit === writeBlock ? '' : `, the write unit ${writeUnit}`}${sectors === likeFile.flash.sectors ? ', the sector list' : ''}.`,
      `Strategy ${strategy}: ${options.strategy ? 'given' : partitions.regions.scratch ? 'the devicetree has a scratch partition' : `as ${like.name}, without a scratch partition`}.`,
    ],
  };
  const text = `${JSON.stringify(file, null, 2)}\n`;
  try {
    return { text, board: parseBoardFile(text, `${name} (imported from ${dtsPath})`) };
  } catch (error) {
    if (error instanceof BoardFileError) throw new DevicetreeError(dtsPath, partitions.table.line, 1, `the imported board does not check:\n${error.message}`);
    throw error;
  }
}

function findPartitions(root: DtNode, fail: (node: DtNode | undefined, what: string) => never) {
  const regions: Partial<Record<PartitionName, Region>> = {};
  let table: DtNode | undefined;
  for (const [name, [nodeLabel, labelProperty]] of Object.entries(PARTITIONS) as [PartitionName, readonly [string, string]][]) {
    const node =
      findLabel(root, nodeLabel) ??
      [...allNodes(root)].find((n) => stringsOf(n, 'label')[0] === labelProperty && n.parent && isPartitionTable(n.parent));
    if (!node) continue;
    if (!node.parent || !isPartitionTable(node.parent)) {
      fail(node, `${nodePath(node)} (${nodeLabel}) is not inside a "fixed-partitions" node`);
    }
    if (table && node.parent !== table) {
      fail(node, `${nodeLabel} is on another flash (${nodePath(node.parent!)}) than the other partitions (${nodePath(table)}); bootproof models one flash`);
    }
    table = node.parent;
    regions[name] = regOf(node, fail);
  }
  for (const needed of ['boot', 'slot0', 'slot1'] as const) {
    if (!regions[needed]) {
      fail(table ?? root, `no ${PARTITIONS[needed][0]} (label "${PARTITIONS[needed][1]}"): an MCUboot build's devicetree has boot, slot0 and slot1 partitions`);
    }
  }
  return { table: table!, regions: regions as Record<'boot' | 'slot0' | 'slot1', Region> & Partial<Record<PartitionName, Region>> };
}

function isPartitionTable(node: DtNode): boolean {
  return stringsOf(node, 'compatible').includes('fixed-partitions');
}

/** A node's first `reg` entry, read with its parent's #address-cells and #size-cells (spec defaults 2 and 1). */
function regOf(node: DtNode, fail: (node: DtNode | undefined, what: string) => never): Region {
  const cells = cellsOf(node, 'reg');
  const addressCells = (node.parent && cellsOf(node.parent, '#address-cells')?.[0]) ?? 2;
  const sizeCells = (node.parent && cellsOf(node.parent, '#size-cells')?.[0]) ?? 1;
  if (!cells || cells.length < addressCells + sizeCells || addressCells > 2 || sizeCells > 2 || sizeCells === 0) {
    return fail(node, `${nodePath(node)}: expected reg = < address size > with ${addressCells} address and ${sizeCells} size cells`);
  }
  const join = (part: number[]) => part.reduce((value, cell) => value * 2 ** 32 + cell, 0);
  return { offset: join(cells.slice(0, addressCells)), size: join(cells.slice(addressCells, addressCells + sizeCells)) };
}

function singleCell(node: DtNode, property: string, fail: (node: DtNode | undefined, what: string) => never): number {
  const cells = cellsOf(node, property);
  if (cells?.length !== 1 || cells[0] <= 0) {
    return fail(node, `${nodePath(node)}: expected ${property} = < bytes > on the flash node`);
  }
  return cells[0];
}

function wholeCount(size: number, block: number, node: DtNode, fail: (node: DtNode | undefined, what: string) => never): number {
  if (size % block !== 0) fail(node, `${nodePath(node)}: flash size ${hex(size)} is not a whole number of ${hex(block)} erase blocks`);
  return size / block;
}

function chosenRegion(root: DtNode, property: string): Region | undefined {
  const chosen = root.children.find((c) => c.name === 'chosen');
  const value = chosen?.properties.get(property)?.[0];
  const ref = value?.kind === 'ref' ? value.ref : value?.kind === 'cells' && typeof value.cells[0] === 'object' ? value.cells[0].ref : undefined;
  const node = ref === undefined ? undefined : findLabel(root, ref);
  const cells = node && cellsOf(node, 'reg');
  return cells && cells.length >= 2 ? { offset: cells[0], size: cells[1] } : undefined;
}

/** The core from the first CPU node's compatible (`arm,cortex-m4f` → cortex-m4), when bootproof knows it. */
function cpuOf(root: DtNode): Board['cpu'] | undefined {
  const cpus = root.children.find((c) => c.name === 'cpus');
  const compatible = cpus?.children.flatMap((c) => stringsOf(c, 'compatible'))[0];
  const match = compatible && /^arm,cortex-(m0\+|m0|m3|m4|m7|m33)f?$/.exec(compatible);
  if (!match) return undefined;
  return (match[1] === 'm0+' ? 'cortex-m0plus' : `cortex-${match[1]}`) as Board['cpu'];
}

/** `nordic,nrf52840-dk-nrf52840` → `nrf52840-dk-nrf52840`: a board name from the root compatible. */
function boardName(compatible: string | undefined): string | undefined {
  const name = compatible?.split(',').at(-1)?.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  return name && /^[a-z0-9]/.test(name) ? name : undefined;
}

function shown(region: Region): { offset: string; size: string } {
  return { offset: hex(region.offset), size: hex(region.size) };
}
