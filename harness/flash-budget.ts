/**
 * A per-boot operation budget: a bootloader stuck in a loop of flash operations is stopped and reported, not
 * left to spin. (A loop without flash operations is stopped by the runner's per-point time budget.)
 */
import { BootproofError } from '../emulator/common/errors.ts';
import type { Flash } from '../emulator/flash/types.ts';

export class BootBudgetExceeded extends BootproofError {
  constructor(limit: number) {
    super(`the bootloader performed more than ${limit} flash operations in one boot (a runaway loop)`, {
      exitCode: 1,
    });
  }
}

/** `flash`, seen through a counter that throws BootBudgetExceeded once `limit` operations were performed. */
export function budgetedFlash(flash: Flash, limit: number): Flash {
  const start = flash.opCount;
  const check = () => {
    if (flash.opCount - start >= limit) throw new BootBudgetExceeded(limit);
  };
  return {
    get geometry() {
      return flash.geometry;
    },
    get size() {
      return flash.size;
    },
    get opCount() {
      return flash.opCount;
    },
    get nowUs() {
      return flash.nowUs;
    },
    read: (offset, length) => flash.read(offset, length),
    sectorAt: (offset) => flash.sectorAt(offset),
    readCounter: (id) => flash.readCounter(id),
    program(offset, data) {
      check();
      flash.program(offset, data);
    },
    erase(offset) {
      check();
      flash.erase(offset);
    },
    advanceCounter(id, value) {
      check();
      flash.advanceCounter(id, value);
    },
  };
}
