/**
 * Prints the C header the bootloader is built with for one board, read from the board file so the binary and the
 * board data cannot drift apart: `tsx images/firmware/bootloader/layout.ts nrf52840dk > layout.h`.
 *
 * The last sector of the bootloader partition holds the hardware security counter (see README.md); the code is
 * linked below it.
 */

import { sectorList } from '../../../boards/geometry.ts';
import { loadBoard } from '../../../boards/index.ts';

const name = process.argv[2];
if (name === undefined) {
  process.stderr.write('usage: tsx images/firmware/bootloader/layout.ts <board>\n');
  process.exit(2);
}
const board = loadBoard(name);
const hex = (n: number): string => `0x${n.toString(16)}u`;
const sectors = sectorList(board.flash);
const boot = board.partitions.bootloader;
const counterSector = sectors.filter((s) => s.offset >= boot.offset && s.offset + s.size <= boot.offset + boot.size).at(-1);
if (counterSector === undefined || counterSector.offset === boot.offset) {
  process.stderr.write(`board ${name}: the bootloader partition needs two sectors (code, security counter)\n`);
  process.exit(2);
}

/** Runs of equal sectors, as the C side walks them. */
const runs: [number, number][] = [];
for (const size of board.flash.sectors) {
  const last = runs.at(-1);
  if (last !== undefined && last[1] === size) last[0]++;
  else runs.push([1, size]);
}

const lines = [
  `/* Generated from boards/${name}.json by layout.ts. */`,
  `#define BOARD_NAME "${name}"`,
  `#define FLASH_BASE ${hex(board.memory.flash.base)}`,
  `#define RAM_BASE ${hex(board.memory.ram.base)}`,
  `#define RAM_SIZE ${hex(board.memory.ram.size)}`,
  `#define WRITE_SIZE ${board.flash.writeUnit}u`,
  `#define ERASED_VALUE ${hex(board.flash.erasedValue)}`,
  `#define PROGRAM_ONCE ${board.flash.programRule === 'and' ? 0 : 1}`,
  `#define BOOT_CODE_SIZE ${hex(counterSector.offset - boot.offset)}`,
  `#define COUNTER_OFFSET ${hex(counterSector.offset)}`,
  `#define COUNTER_SIZE ${hex(counterSector.size)}`,
  `#define BOARD_IMAGE_PAIRS ${board.partitions.images.length}`,
  ...board.partitions.images.flatMap((slots, i) => [
    `#define IMAGE${i}_PRIMARY ${hex(slots.primary.offset)}, ${hex(slots.primary.size)}`,
    `#define IMAGE${i}_SECONDARY ${hex(slots.secondary.offset)}, ${hex(slots.secondary.size)}`,
  ]),
  board.partitions.scratch === undefined
    ? '#define SCRATCH_AREA 0u, 0u'
    : `#define SCRATCH_AREA ${hex(board.partitions.scratch.offset)}, ${hex(board.partitions.scratch.size)}`,
  `#define SECTOR_RUNS ${runs.map(([count, size]) => `{${count}u, ${hex(size)}}`).join(', ')}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
