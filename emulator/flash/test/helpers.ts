/** Helpers for unit tests of the flash model and the boot code. */
import type { FlashGeometry } from '../types.ts';

/** A plain NOR geometry: four 4 KiB sectors, 4-byte units, 0xff erased, rule `and`. */
export function testGeometry(overrides: Partial<FlashGeometry> = {}): FlashGeometry {
  return {
    sectors: Array(4).fill(4096),
    writeUnit: 4,
    erasedValue: 0xff,
    programRule: 'and',
    eraseTimeUs: 1000,
    programTimeUs: 10,
    endurance: 10_000,
    ...overrides,
  };
}

/** What `fn` threw, to assert its fields. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
