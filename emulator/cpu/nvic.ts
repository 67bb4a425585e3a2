/**
 * Exception bookkeeping: pending/active/enabled state and priorities of every exception (system exceptions and
 * the NVIC's external interrupts), and the arbitration rules of ARMv7-M B1.5.4 / ARMv6-M B1.5.4.
 */

export const EXCEPTION = {
  reset: 1,
  nmi: 2,
  hardFault: 3,
  memManage: 4,
  busFault: 5,
  usageFault: 6,
  svCall: 11,
  debugMonitor: 12,
  pendSv: 14,
  sysTick: 15,
} as const;

/** Priority of Thread mode with no boost: lower than any exception. */
export const THREAD_PRIORITY = 256;

export class ExceptionState {
  readonly count: number;
  readonly pending: Uint8Array;
  readonly active: Uint8Array;
  /** Enables: NVIC ISER for interrupts; SHCSR's MEMFAULTENA/BUSFAULTENA/USGFAULTENA for 4–6; 1 for the rest. */
  readonly enabled: Uint8Array;
  /** Raw 8-bit priority fields (only the implemented top bits are kept). */
  readonly priority: Uint8Array;
  prigroup = 0;
  private readonly implementedMask: number;

  constructor(interrupts: number, priorityBits: number) {
    this.count = 16 + interrupts;
    this.pending = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    this.enabled = new Uint8Array(this.count);
    this.priority = new Uint8Array(this.count);
    this.implementedMask = (0xff << (8 - priorityBits)) & 0xff;
    this.reset();
  }

  reset(): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.priority.fill(0);
    this.enabled.fill(0);
    for (const e of [EXCEPTION.nmi, EXCEPTION.hardFault, EXCEPTION.svCall, EXCEPTION.debugMonitor, EXCEPTION.pendSv, EXCEPTION.sysTick]) {
      this.enabled[e] = 1;
    }
    this.prigroup = 0;
  }

  setPriority(exception: number, value: number): void {
    if (exception > EXCEPTION.hardFault && exception < this.count) this.priority[exception] = value & this.implementedMask;
  }

  /** The group priority that decides preemption (subpriority bits masked off by PRIGROUP). */
  groupPriority(exception: number): number {
    if (exception <= EXCEPTION.hardFault) return exception - 4;
    return this.priority[exception] & ((0xff << (this.prigroup + 1)) & 0xff);
  }

  /** A BASEPRI value as a priority (0 = no masking). */
  basePriority(value: number): number {
    return value & this.implementedMask & ((0xff << (this.prigroup + 1)) & 0xff);
  }

  /** Execution priority: the highest (numerically lowest) of the active exceptions and the masks. */
  executionPriority(primask: number, faultmask: number, basepri: number): number {
    let priority = THREAD_PRIORITY;
    for (let e = 1; e < this.count; e++) if (this.active[e] && this.groupPriority(e) < priority) priority = this.groupPriority(e);
    const masked = basepri & this.implementedMask;
    if (masked !== 0) priority = Math.min(priority, this.basePriority(masked));
    if (primask) priority = Math.min(priority, 0);
    if (faultmask) priority = Math.min(priority, -1);
    return priority;
  }

  /** The pending, enabled exception that would be taken next (0 when none), regardless of masking. */
  highestPending(): number {
    let best = 0;
    let bestGroup = THREAD_PRIORITY;
    let bestFull = THREAD_PRIORITY;
    for (let e = 1; e < this.count; e++) {
      if (!this.pending[e] || !this.enabled[e]) continue;
      const group = this.groupPriority(e);
      const full = e <= EXCEPTION.hardFault ? group : this.priority[e];
      if (group < bestGroup || (group === bestGroup && full < bestFull)) {
        best = e;
        bestGroup = group;
        bestFull = full;
      }
    }
    return best;
  }

  /** Number of active exceptions (RETTOBASE and the return-to-thread check use it). */
  activeCount(): number {
    let n = 0;
    for (let e = 1; e < this.count; e++) n += this.active[e];
    return n;
  }
}
