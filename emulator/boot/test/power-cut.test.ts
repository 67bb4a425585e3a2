/**
 * An exhaustive single power cut: for every strategy and board, the update (and the revert) is cut at each of its
 * flash operations, leaving it `not-started` or `torn`; the device then reboots until it settles. Whatever the
 * cut, it must boot a valid image that is byte for byte the old or the new one, with consistent trailers and
 * nothing outside the slots and scratch changed. On ECC boards the flash model itself refuses any write unit
 * programmed twice between erases, so a sweep that passes there proves the bootloader never does it.
 */
import { describe, expect, it } from 'vitest';
import { boardsFor, STRATEGIES } from './fixtures.ts';
import { failures, revertSweep, sweepCuts, upgradeSweep } from './sweep.ts';

describe.each(STRATEGIES)('%s, a single power cut at every operation', (strategy) => {
  describe.each(boardsFor(strategy))('on %s', (boardName) => {
    it('of a test upgrade: the device always boots the old or the new image, intact', () => {
      const results = sweepCuts(upgradeSweep(boardName, strategy));
      expect(results.length).toBeGreaterThan(0);
      expect(failures(results)).toEqual([]);
    });

    // overwrite-only keeps no copy of the old image: there is no revert to cut.
    it.skipIf(strategy === 'overwrite-only')('of a revert: the device always boots the old or the new image, intact', () => {
      const results = sweepCuts(revertSweep(boardName, strategy));
      expect(results.length).toBeGreaterThan(0);
      expect(failures(results)).toEqual([]);
    });
  });
});
