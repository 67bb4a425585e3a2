/**
 * Exception entry and return (ARMv7-M B1.5.6–B1.5.8): the eight-word frame, the 8-byte stack alignment that
 * xPSR bit 9 records, EXC_RETURN, the switch to Handler mode on MSP, tail-chaining, and the faults derived from
 * a failed stacking, unstacking or vector fetch.
 */
import type { CortexM } from './cortex-m.ts';
import { EXCEPTION } from './nvic.ts';
import { CCR, CFSR, HFSR } from './system-control.ts';

const FRAME_WORDS = 8;
const ALIGNED_BIT = 1 << 9;

export function enterException(core: CortexM, exception: number, returnAddress: number): void {
  const r = core.r;
  const sp = r[13] >>> 0;
  const realign = (core.scs.ccr & CCR.stackAlign) !== 0 && (sp & 4) !== 0;
  const frame = ((sp - FRAME_WORDS * 4) & ~(realign ? 4 : 0)) >>> 0;
  const stackedPsr = (core.xpsr & ~ALIGNED_BIT) | (realign ? ALIGNED_BIT : 0);
  const words = [r[0], r[1], r[2], r[3], r[12], r[14], returnAddress & ~1, stackedPsr];
  let stacked = true;
  for (let i = 0; i < FRAME_WORDS && stacked; i++) stacked = core.writeWordQuietly(frame + i * 4, words[i]);

  const fromHandler = core.ipsr !== 0;
  const fromPsp = !fromHandler && (core.control & 2) !== 0;
  r[14] = fromHandler ? 0xfffffff1 | 0 : fromPsp ? 0xfffffffd | 0 : 0xfffffff9 | 0;
  r[13] = frame;
  core.selectStack(false);
  core.control &= ~2;
  core.ipsr = exception;
  core.itState = 0;
  core.exclusiveAddress = -1;
  core.exceptions.pending[exception] = 0;
  core.exceptions.active[exception] = 1;

  const critical = exception === EXCEPTION.hardFault || exception === EXCEPTION.nmi;
  if (!jumpToHandler(core, exception)) {
    if (critical) core.lockedUp = true;
    else enterException(core, EXCEPTION.hardFault, returnAddress);
    return;
  }
  if (!stacked) {
    if (critical) core.lockedUp = true;
    else core.pendFault(EXCEPTION.busFault, CFSR.stkerr);
  }
}

/** PC from the vector table; false (HFSR.VECTTBL set) when the vector cannot be read. */
function jumpToHandler(core: CortexM, exception: number): boolean {
  const vector = core.readWordQuietly(core.scs.vtor + exception * 4);
  if (vector === undefined) {
    core.scs.hfsr |= HFSR.vecttbl;
    return false;
  }
  core.r[15] = vector & ~1;
  core.thumb = (vector & 1) === 1;
  return true;
}

/**
 * Tail-chaining: when a pending exception would preempt what the return goes back to, it is taken at once on
 * the frame already stacked, with the same EXC_RETURN (r0–r3 and r12 keep the values the handler left).
 */
function tailChain(core: CortexM, excReturn: number): boolean {
  const ex = core.exceptions;
  const pending = ex.highestPending();
  if (pending === 0 || ex.groupPriority(pending) >= core.executionPriority()) return false;
  ex.pending[pending] = 0;
  ex.active[pending] = 1;
  core.ipsr = pending;
  core.r[14] = excReturn | 0;
  if (!jumpToHandler(core, pending)) {
    ex.active[pending] = 0;
    enterException(core, EXCEPTION.hardFault, core.r[15]);
  }
  return true;
}

const VALID_RETURNS = new Set([0xfffffff1, 0xfffffff9, 0xfffffffd]);

export function exceptionReturn(core: CortexM, excReturn: number): void {
  const r = core.r;
  const returning = core.ipsr;
  if (!VALID_RETURNS.has(excReturn >>> 0)) {
    core.pendFault(EXCEPTION.usageFault, CFSR.invpc);
    return;
  }
  core.exceptions.active[returning] = 0;
  if (returning !== EXCEPTION.nmi) core.faultmask = 0;
  core.exclusiveAddress = -1;
  if (tailChain(core, excReturn)) return;
  const toThread = (excReturn & 8) !== 0;
  const toPsp = (excReturn & 4) !== 0;
  if (toThread && toPsp) {
    core.ipsr = 0;
    core.control |= 2;
    const msp = r[13];
    r[13] = core.otherSp;
    core.otherSp = msp;
  }
  const frame = r[13] >>> 0;
  const words: number[] = [];
  for (let i = 0; i < FRAME_WORDS; i++) {
    const word = core.readWordQuietly(frame + i * 4);
    if (word === undefined) {
      core.pendFault(EXCEPTION.busFault, CFSR.unstkerr);
      return;
    }
    words.push(word);
  }
  [r[0], r[1], r[2], r[3], r[12], r[14]] = words;
  const psr = words[7];
  r[13] = (frame + FRAME_WORDS * 4 + (psr & ALIGNED_BIT ? 4 : 0)) | 0;
  core.xpsr = psr & ~ALIGNED_BIT;
  if (toThread) core.ipsr = 0;
  r[15] = words[6] & ~1;
  core.exclusiveAddress = -1;
  if (toThread && core.scs.scr & 2) core.sleeping = true;
}
