/**
 * What a power cut in the middle of an operation leaves behind. NOR cells move between the programmed and the
 * erased state one bit at a time, so an interrupted operation leaves some bits moved and some not.
 */
import type { Prng } from '../common/prng.ts';
import type { SectorState } from './sector-state.ts';
import { UNIT_ECC_BROKEN, UNIT_PROGRAMMED } from './sector-state.ts';
import type { FlashGeometry, TornShape } from './types.ts';

export interface TornProgram {
  /** The data the interrupted program effectively wrote: whole units first, then one partly written unit. */
  readonly effective: Uint8Array;
  /** Offset (within the program) of the partly written unit. */
  readonly tornUnitAt: number;
}

/**
 * A program cut after `k` of its units: units before k hold their new value, unit k holds a random subset of
 * the bit changes it was making, and the units after it are untouched.
 */
export function tornProgram(data: Uint8Array, writeUnit: number, erasedValue: number, prng: Prng): TornProgram {
  const units = data.length / writeUnit;
  const tornUnit = prng.below(units);
  const tornUnitAt = tornUnit * writeUnit;
  const effective = data.slice(0, tornUnitAt + writeUnit);
  for (let i = tornUnitAt; i < effective.length; i++) {
    const r = prng.nextU32() & 0xff;
    // 0xff parts: only a random subset of the bits being cleared gets cleared. 0x00 parts: of those being set.
    effective[i] = erasedValue === 0xff ? data[i] | r : data[i] & r;
  }
  return { effective, tornUnitAt };
}

/**
 * A program cut in a chosen shape (enumerated sweeps): `shape.units` whole units hold their new value, the next
 * unit holds none of its bit changes (`ones`), those of each byte's bits 0–3 (`weak`), or its first half of new
 * bytes with the rest as it was (`half`); the units after it are untouched. A prefix past the program's last unit is
 * an error of the caller.
 */
export function tornProgramAs(
  data: Uint8Array,
  writeUnit: number,
  erasedValue: number,
  shape: Extract<TornShape, { units: number }>,
): TornProgram {
  const units = data.length / writeUnit;
  if (!Number.isInteger(shape.units) || shape.units < 0 || shape.units >= units) {
    throw new RangeError(`torn shape: ${shape.units} whole units of a ${units}-unit program (expected 0 … ${units - 1})`);
  }
  const tornUnitAt = shape.units * writeUnit;
  const effective = data.slice(0, tornUnitAt + writeUnit);
  const unit = effective.subarray(tornUnitAt);
  if (shape.unit === 'ones') unit.fill(erasedValue);
  else if (shape.unit === 'weak') {
    // A program moves bits away from the erased value: keep the moves of bits 0-3, leave bits 4-7 erased.
    for (let i = 0; i < unit.length; i++) unit[i] = erasedValue === 0xff ? unit[i] | 0xf0 : unit[i] & 0x0f;
  } else unit.fill(erasedValue, Math.max(1, writeUnit >> 1));
  return { effective, tornUnitAt };
}

/**
 * An erase cut part-way: every bit not yet erased has moved to the erased state with the same probability
 * (one of 1/8 … 7/8, drawn per cut or chosen), so the sector reads neither old nor erased. Units whose bits are not all
 * erased cannot be programmed again before a full erase; under rule `ecc` every unit's check bits are
 * inconsistent, so each reads as an ECC error.
 */
export function tearErase(sector: SectorState, geometry: FlashGeometry, prng: Prng, chosenEighths?: number): void {
  const eighths = chosenEighths ?? prng.between(1, 7);
  const bytes = sector.data;
  const erasedHigh = geometry.erasedValue === 0xff;
  for (let i = 0; i < bytes.length; i += 4) {
    const mask = biasedMask(prng, eighths);
    for (let b = 0; b < 4 && i + b < bytes.length; b++) {
      const m = (mask >>> (8 * b)) & 0xff;
      bytes[i + b] = erasedHigh ? bytes[i + b] | m : bytes[i + b] & ~m;
    }
  }
  sector.words?.fill(0);
  sector.touched(bytes.length);
  if (sector.units) {
    const unit = geometry.writeUnit;
    for (let u = 0; u < sector.units.length; u++) {
      if (geometry.programRule === 'ecc') {
        sector.units[u] = UNIT_PROGRAMMED | UNIT_ECC_BROKEN;
      } else {
        let erased = true;
        for (let i = u * unit; i < (u + 1) * unit; i++) if (bytes[i] !== geometry.erasedValue) erased = false;
        sector.units[u] = erased ? 0 : UNIT_PROGRAMMED;
      }
    }
    sector.recountBroken();
  }
}

/** A 32-bit mask whose bits are each set with probability eighths/8, from three random words. */
function biasedMask(prng: Prng, eighths: number): number {
  let mask = 0;
  for (let bit = 0; bit < 3; bit++) {
    const r = prng.nextU32();
    mask = (eighths >> bit) & 1 ? (mask | r) >>> 0 : (mask & r) >>> 0;
  }
  return mask;
}
