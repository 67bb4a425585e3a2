/**
 * The swap-type decision over every pair of trailer states (3 magic × 3 image_ok × 3 copy_done per slot, both
 * build kinds), against FORMATS §3.2 written out as sentences, and the exported table's rows as mutants see them.
 */
import { describe, expect, it } from 'vitest';
import { DECISION_TABLE, decideSwapType } from './decision.ts';
import type { SwapType, TrailerState } from './types.ts';

const STATES = ['good', 'bad', 'unset'] as const;
const FLAGS = ['set', 'bad', 'unset'] as const;

function everyTrailer(): TrailerState[] {
  const out: TrailerState[] = [];
  for (const magic of STATES) {
    for (const imageOk of FLAGS) {
      for (const copyDone of FLAGS) out.push({ magic, imageOk, copyDone, swapType: 'none', swapImage: 0, swapSize: 0 });
    }
  }
  return out;
}

/** FORMATS §3.2, first rule that applies. */
function expected(primary: TrailerState, secondary: TrailerState, swapOffset: boolean): SwapType {
  const secondaryGood = secondary.magic === 'good';
  // Row I: swap-offset marks an interrupted revert with the secondary's copy_done.
  if (swapOffset && secondaryGood && secondary.imageOk === 'unset' && secondary.copyDone === 'set') return 'revert';
  // Rows II and III: a request in the secondary, test (image_ok unset) or permanent (image_ok set).
  if (secondaryGood && secondary.imageOk === 'unset') return 'test';
  if (secondaryGood && secondary.imageOk === 'set') return 'perm';
  // Row IV: the primary ran a test image that was never confirmed; any secondary magic (#1966).
  if (primary.magic === 'good' && primary.imageOk === 'unset' && primary.copyDone === 'set') return 'revert';
  return 'none';
}

describe('the swap-type decision over every trailer pair', () => {
  it('gives the FORMATS §3.2 answer for all 729 pairs, in both build kinds', () => {
    const trailers = everyTrailer();
    const counts: Record<string, number> = {};
    for (const swapOffset of [false, true]) {
      for (const primary of trailers) {
        for (const secondary of trailers) {
          const got = decideSwapType(primary, secondary, swapOffset);
          const want = expected(primary, secondary, swapOffset);
          if (got !== want) {
            throw new Error(`primary ${JSON.stringify(primary)}, secondary ${JSON.stringify(secondary)}, swapOffset ${swapOffset}: ${got}, expected ${want}`);
          }
          counts[`${swapOffset} ${got}`] = (counts[`${swapOffset} ${got}`] ?? 0) + 1;
        }
      }
    }
    // test, perm: 27 primaries × 3 secondaries (copy_done any) each. Row IV: 1 primary × the 21 secondaries that
    // are neither. Row I takes 27 of the test pairs in swap-offset builds.
    expect(counts).toEqual({
      'false test': 81,
      'false perm': 81,
      'false revert': 21,
      'false none': 546,
      'true test': 54,
      'true perm': 81,
      'true revert': 48,
      'true none': 546,
    });
  });

  it('exports the table in MCUboot order, row I for swap-offset builds only', () => {
    expect(DECISION_TABLE.map((row) => [row.label, row.result, row.swapOffsetOnly === true])).toEqual([
      ['I', 'revert', true],
      ['II', 'test', false],
      ['III', 'perm', false],
      ['IV', 'revert', false],
    ]);
  });
});
