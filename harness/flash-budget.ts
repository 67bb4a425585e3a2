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
  const counted = new CountedFlash(flash, limit, beforeOp);
  return { flash: counted, exceeded: () => counted.exceeded() };
}

/**
 * One per boot, so a class: its methods are made once, not a dozen closures at every boot. The optional in-place
 * reads are there exactly when the flash has them (callers test for them).
 */
class CountedFlash implements Flash {
  readonly contentKey?: Flash['contentKey'];
  readonly contentSpans?: Flash['contentSpans'];
  readonly matches?: Flash['matches'];
  readonly readView?: Flash['readView'];
  private readonly start: number;
  private over = false;

  constructor(
    private readonly inner: Flash,
    private readonly limit: number,
    private readonly beforeOp: ((op: PendingOp) => void) | undefined,
  ) {
    this.start = inner.opCount;
    if (inner.contentKey) this.contentKey = inner.contentKey.bind(inner);
    if (inner.contentSpans) this.contentSpans = inner.contentSpans.bind(inner);
    if (inner.matches) this.matches = inner.matches.bind(inner);
    if (inner.readView) this.readView = inner.readView.bind(inner);
  }

  exceeded(): boolean {
    return this.over;
  }

  get geometry() {
    return this.inner.geometry;
  }

  get size() {
    return this.inner.size;
  }

  get opCount() {
    return this.inner.opCount;
  }

  get nowUs() {
    return this.inner.nowUs;
  }

  read(offset: number, length: number): Uint8Array {
    return this.inner.read(offset, length);
  }

  sectorAt(offset: number) {
    return this.inner.sectorAt(offset);
  }

  readCounter(id: number): number {
    return this.inner.readCounter(id);
  }

  program(offset: number, data: Uint8Array): void {
    this.check();
    this.beforeOp?.({ kind: 'program', offset, data: data.slice() });
    this.inner.program(offset, data);
  }

  erase(offset: number): void {
    this.check();
    this.beforeOp?.({ kind: 'erase', offset });
    this.inner.erase(offset);
  }

  advanceCounter(id: number, value: number): void {
    this.check();
    this.beforeOp?.({ kind: 'counter', id, value });
    this.inner.advanceCounter(id, value);
  }

  private check(): void {
    if (this.inner.opCount - this.start >= this.limit) {
      this.over = true;
      throw new BootBudgetExceeded(this.limit);
    }
  }
}
