/**
 * A small emulated SMP device for tests and benchmarks: a NOR flash, a one-image board layout and an SmpServer.
 * The numbers are an nRF52-like part (4 KiB sectors, 4-byte writes), shrunk so tests stay fast.
 */
import type { Board } from '../../boards/types.ts';
import { Prng } from '../../emulator/common/prng.ts';
import { NorFlash } from '../../emulator/flash/index.ts';
import type { FlashGeometry } from '../../emulator/flash/types.ts';
import { signImage } from '../../images/index.ts';
import { SmpServer, type SmpServerOptions } from './smp-server.ts';

const SECTOR = 4096;
export const TEST_GEOMETRY: FlashGeometry = {
  sectors: new Array<number>(64).fill(SECTOR),
  writeUnit: 4,
  erasedValue: 0xff,
  programRule: 'and',
  eraseTimeUs: 85_000,
  programTimeUs: 41,
  endurance: 10_000,
};

export const TEST_BOARD: Pick<Board, 'partitions' | 'bootloader'> = {
  partitions: {
    bootloader: { offset: 0, size: 8 * SECTOR },
    images: [{ primary: { offset: 8 * SECTOR, size: 24 * SECTOR }, secondary: { offset: 32 * SECTOR, size: 24 * SECTOR } }],
  },
  bootloader: { strategy: 'swap-move', headerSize: 0x200, maxAlign: 8, maxImageSectors: 128 },
};

/** An unsigned (hash-only) image of `payloadBytes` seeded bytes, as imgtool builds it. */
export function testImage(payloadBytes: number, version: string, seed = 1): Uint8Array {
  const payload = new Prng(seed).bytes(payloadBytes);
  return signImage(payload, {
    headerSize: TEST_BOARD.bootloader.headerSize,
    padHeader: true,
    version,
    slotSize: TEST_BOARD.partitions.images[0].secondary.size,
  });
}

export function testDevice(send: (bytes: Uint8Array) => void, options: Partial<SmpServerOptions> = {}): { flash: NorFlash; server: SmpServer } {
  const flash = new NorFlash(TEST_GEOMETRY);
  const server = new SmpServer({ flash, board: TEST_BOARD, send, ...options });
  return { flash, server };
}
