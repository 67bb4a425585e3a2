/**
 * Two power cuts in a row during a revert: the revert is cut at every operation, and the boot that recovers from
 * it is cut again at every one of its own. The revert must never be lost: the old, confirmed image always ends up
 * running, intact, with the primary trailer GOOD (a revert sweep is exact, sweep.ts).
 */
import { describe, expect, it } from 'vitest';
import type { UpdateStrategy } from '../types.ts';
import { failures, revertSweep, sweepDoubleCuts } from './sweep.ts';

describe.each<UpdateStrategy>(['swap-scratch', 'swap-move', 'swap-offset'])('two power cuts in a revert, %s on nrf52840dk', (strategy) => {
  // Regression (harness power-loss-double, revert/revert/op258/torn+second0/torn): the first cut tore the primary
  // trailer being rebuilt (swap-scratch) or the secondary's fixup magic (swap-move, swap-offset), leaving one GOOD
  // trailer that said "revert"; the recovery erased it before writing another, and a cut there lost the revert.
  it('always ends on the old image, whatever the two cuts', () => {
    const results = sweepDoubleCuts(revertSweep('nrf52840dk', strategy));
    expect(results.length).toBeGreaterThan(3000);
    expect(failures(results)).toEqual([]);
    // Thousands of double cuts: about 20 s on an idle 2-core machine, several times that on a loaded one.
  }, 240_000);
});

describe('two power cuts in a revert with version downgrade prevention on, swap-move on nucleo_l552ze_q', () => {
  // Regression: a first cut after the fixup left the secondary saying "permanent upgrade" (to the older image); the
  // recovery recorded PERM in the primary and was cut once the secondary trailer was gone, so the next boot resumed
  // a PERM with nothing marking it a revert, downgrade prevention refused it, and the new image stayed, confirmed.
  it('always ends on the old image, whatever the two cuts', () => {
    const sweep = revertSweep('nucleo_l552ze_q', 'swap-move', { overrides: { downgradePrevention: 'version' } });
    const results = sweepDoubleCuts(sweep);
    expect(results.length).toBeGreaterThan(3000);
    expect(failures(results)).toEqual([]);
    // Thousands of double cuts: about 20 s on an idle 2-core machine, several times that on a loaded one.
  }, 240_000);
});
