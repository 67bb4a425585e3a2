/** A PeripheralContext over a fresh flash of a board, 4 KiB of RAM at 0x20000000 and a hand-driven clock. */
import type { Board } from '../../../boards/index.ts';
import { NorFlash } from '../../flash/index.ts';
import { FlashPort } from '../flash-port.ts';
import type { PeripheralContext } from '../peripheral.ts';

export const TEST_RAM_BASE = 0x20000000;

export function testContext(board: Board) {
  const flash = new NorFlash(board.flash);
  const port = new FlashPort(flash, board.memory.flash.base);
  const ram = new Uint8Array(4096);
  const reports: string[] = [];
  const output: number[] = [];
  const clock = { nowUs: 0 };
  const interrupts: number[] = [];
  const context: PeripheralContext = {
    nowUs: () => clock.nowUs,
    uartOutput: (bytes) => output.push(...bytes),
    readRam: (address, length) =>
      address >= TEST_RAM_BASE && address + length <= TEST_RAM_BASE + ram.length
        ? ram.slice(address - TEST_RAM_BASE, address - TEST_RAM_BASE + length)
        : undefined,
    flash: port,
    unknownRegister: (peripheral, offset, access) => reports.push(`${access} ${peripheral.name}+0x${offset.toString(16)}`),
    warnOnce: (_key, message) => reports.push(message),
    raiseInterrupt: (irq) => interrupts.push(irq),
  };
  return { flash, port, ram, reports, output, clock, interrupts, context };
}
