/**
 * A per-boot operation budget: a bootloader stuck in a loop of flash operations is stopped and reported, not
 * left to spin. (A loop without flash operations is stopped by the runner's per-point time budget.)
 */
import type { Flash } from '../emulator/flash/types.ts';

/**
 * Deliberately not a BootproofError: a bootloader that turns typed errors into a halt must not turn this one
 * into an orderly stop. The device also remembers the overrun, whatever the bootloader does with the throw.
 */
export class BootBudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`the bootloader performed more than ${limit} flash operations in one boot (a runaway loop)`);
    this.name = 'BootBudgetExceeded';
  }
}

export interface BudgetedFlash {
  readonly flash: Flash;
  /** True once the budget ran out (every later operation throws too). */
  exceeded(): boolean;
}

/** A flash operation about to be issued, with what it writes (so it can be issued again on a forked state). */
export type PendingOp =
  | { readonly kind: 'program'; readonly offset: number; readonly data: Uint8Array }
  | { readonly kind: 'erase'; readonly offset: number }
  | { readonly kind: 'counter'; readonly id: number; readonly value: number };

/** Issues `op` on `flash`. */
export function issueOp(flash: Flash, op: PendingOp): void {
  if (op.kind === 'program') flash.program(op.offset, op.data);
  else if (op.kind === 'erase') flash.erase(op.offset);
  else flash.advanceCounter(op.id, op.value);
}

/**
 * `flash`, seen through a counter that throws BootBudgetExceeded once `limit` operations were performed, and that
 * shows every operation to `beforeOp` before issuing it.
 */
export function budgetedFlash(flash: Flash, limit: number, beforeOp?: (op: PendingOp) => void): BudgetedFlash {
  const start = flash.opCount;
  let over = false;
  const check = () => {
    if (flash.opCount - start >= limit) {
      over = true;
      throw new BootBudgetExceeded(limit);
    }
  };
  const budgeted: Flash = {
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
    ...(flash.contentKey ? { contentKey: (offset: number, length: number) => flash.contentKey!(offset, length) } : {}),
    ...(flash.contentSpans ? { contentSpans: (offset: number, length: number) => flash.contentSpans!(offset, length) } : {}),
    ...(flash.matches ? { matches: (offset: number, bytes: Uint8Array) => flash.matches!(offset, bytes) } : {}),
    ...(flash.readView ? { readView: (offset: number, length: number) => flash.readView!(offset, length) } : {}),
    program(offset, data) {
      check();
      beforeOp?.({ kind: 'program', offset, data: data.slice() });
      flash.program(offset, data);
    },
    erase(offset) {
      check();
      beforeOp?.({ kind: 'erase', offset });
      flash.erase(offset);
    },
    advanceCounter(id, value) {
      check();
      beforeOp?.({ kind: 'counter', id, value });
      flash.advanceCounter(id, value);
    },
  };
  return { flash: budgeted, exceeded: () => over };
}
