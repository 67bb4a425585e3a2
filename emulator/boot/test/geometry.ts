/** A plain NOR geometry for unit tests of the boot code: 4 KiB sectors, 4-byte units, 0xff erased, rule `and`. */
import type { FlashGeometry } from '../../flash/types.ts';

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
