/**
 * Prints, as shell assignments, the layout the test application is built for, read from the board file so the
 * firmware and the board data cannot drift apart: `tsx board-layout.ts nrf52840dk`.
 */
import { loadBoard } from '../../boards/index.ts';

const name = process.argv[2];
if (name === undefined) {
  process.stderr.write('usage: tsx images/firmware/board-layout.ts <board>\n');
  process.exit(2);
}
const board = loadBoard(name);
const slots = board.partitions.images[0];
if (slots === undefined) throw new Error(`board ${name} has no image slots`);
const base = board.memory.flash.base;
const hex = (n: number): string => `0x${n.toString(16)}`;
const layout = {
  SLOT0_START: base + slots.primary.offset,
  SLOT0_SIZE: slots.primary.size,
  SLOT1_START: base + slots.secondary.offset,
  SLOT1_SIZE: slots.secondary.size,
  HEADER_SIZE: board.bootloader.headerSize,
  BOOT_START: base + board.partitions.bootloader.offset,
  BOOT_SIZE: board.partitions.bootloader.size,
  RAM_BASE: board.memory.ram.base,
  RAM_SIZE: board.memory.ram.size,
};
process.stdout.write(`${Object.entries(layout).map(([key, value]) => `${key}=${hex(value)}`).join('\n')}\n`);
