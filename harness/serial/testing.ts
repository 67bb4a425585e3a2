/**
 * A small emulated SMP device for tests and benchmarks: the nrf52840dk board (its flash geometry and Zephyr
 * partitions) with its bootloader defaults, a NOR flash, and an SmpServer serving it.
 */
import { loadBoard } from '../../boards/index.ts';
import { Prng } from '../../emulator/common/prng.ts';
import { NorFlash } from '../../emulator/flash/index.ts';
import { signImage } from '../../images/index.ts';
import { boardConfig } from '../context.ts';
import { SmpServer, type SmpServerOptions } from './smp-server.ts';

export const TEST_BOARD = loadBoard('nrf52840dk');
export const TEST_CONFIG = boardConfig(TEST_BOARD, {});

/** An unsigned (hash-only) image of `payloadBytes` seeded bytes, as imgtool builds it for this board. */
export function testImage(payloadBytes: number, version: string, seed = 1): Uint8Array {
  return signImage(new Prng(seed).bytes(payloadBytes), {
    headerSize: TEST_CONFIG.headerSize,
    padHeader: true,
    version,
    slotSize: TEST_BOARD.partitions.images[0].secondary.size,
    maxAlign: TEST_CONFIG.maxAlign,
  });
}

export function testDevice(
  send: (bytes: Uint8Array) => void,
  options: Partial<Omit<SmpServerOptions, 'app' | 'send'>> = {},
): { flash: NorFlash; server: SmpServer } {
  const flash = new NorFlash(TEST_BOARD.flash);
  const server = new SmpServer({ app: { flash, board: TEST_BOARD, config: TEST_CONFIG }, send, ...options });
  return { flash, server };
}
