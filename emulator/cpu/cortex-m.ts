/**
 * The Cortex-M core: registers, the run loop over translated blocks, the memory slow paths, and the helpers the
 * translated code calls for faults, special registers and hints. Exception entry and return are in
 * exception-flow.ts; the System Control Space in system-control.ts.
 */
import * as arith from './arith.ts';
import { BusError, type CortexMOptions, type CpuBus, type MemoryRegion, type RunResult, type StopReason } from './bus.ts';
import { FLAG, REGISTER_FILE_SIZE } from './emit.ts';
import { enterException, exceptionReturn } from './exception-flow.ts';
import { EXCEPTION, ExceptionState } from './nvic.ts';
import { type ConsoleStream, SEMIHOSTING_BKPT, Semihosting, type SemihostingHost } from './semihosting.ts';
import { readSpecialRegister, writeSpecialRegister } from './special-registers.ts';
import { CCR, CFSR, HFSR, SCS_BASE, SystemControl, type SystemControlHost, type SystemControlSnapshot } from './system-control.ts';
import { type Block, type BlockShape, ExecuteNever, type Features, translate } from './translate.ts';

/** Thrown by the helpers to abandon the current block at the instruction `signalPc`. */
class BlockExit extends Error {}
const BLOCK_EXIT = new BlockExit('block exit');

/** The longest block: the SHA-256 rounds a compiler unrolls run as a few blocks, not one per 64 instructions. */
const MAX_BLOCK = 256;
/** No block is translated with less budget left (most blocks are far shorter; see blockAt). */
const MIN_BUDGET_TO_TRANSLATE = 64;
const PAGE_SHIFT = 12;

const CPUID: Record<CortexMOptions['core'], number> = {
  'cortex-m0': 0x410cc200,
  'cortex-m0plus': 0x410cc601,
  'cortex-m3': 0x412fc231,
  'cortex-m4': 0x410fc241,
  'cortex-m33': 0x411fd210,
};

interface FastRegion {
  base: number;
  size: number;
  bytes: Uint8Array;
  view: DataView;
  writable: boolean;
}

/** CFSR bits as the manual names them, with the fault each belongs to. */
const FAULT_NAMES: Record<number, string> = {
  [CFSR.iaccviol]: 'MemManage IACCVIOL (execute-never or unmapped fetch)',
  [CFSR.daccviol]: 'MemManage DACCVIOL',
  [CFSR.ibuserr]: 'BusFault IBUSERR (instruction fetch)',
  [CFSR.preciserr]: 'BusFault PRECISERR (data access)',
  [CFSR.unstkerr]: 'BusFault UNSTKERR',
  [CFSR.stkerr]: 'BusFault STKERR',
  [CFSR.undefinstr]: 'UsageFault UNDEFINSTR (undefined instruction)',
  [CFSR.invstate]: 'UsageFault INVSTATE (Thumb bit clear)',
  [CFSR.invpc]: 'UsageFault INVPC',
  [CFSR.nocp]: 'UsageFault NOCP (no coprocessor)',
  [CFSR.stkof]: 'UsageFault STKOF (stack below its limit)',
  [CFSR.unaligned]: 'UsageFault UNALIGNED',
  [CFSR.divbyzero]: 'UsageFault DIVBYZERO',
};

const isBusFault = (error: unknown): boolean =>
  error instanceof BusError || (error instanceof Error && error.name === 'EccFault');

export class CortexM implements SystemControlHost {
  /** r0–r15, then N, Z, C, V (0/1), Q, GE — the layout translated code uses. */
  readonly r = new Int32Array(REGISTER_FILE_SIZE);
  readonly exceptions: ExceptionState;
  readonly scs: SystemControl;
  readonly v6: boolean;
  readonly dsp: boolean;
  /** ARMv8-M mainline (Cortex-M33). */
  readonly v8: boolean;
  /** Banked stack pointer of the inactive stack (MSP or PSP). */
  otherSp = 0;
  control = 0;
  primask = 0;
  faultmask = 0;
  basepri = 0;
  ipsr = 0;
  itState = 0;
  /** EPSR.T: cleared by an interworking branch to an even address; the next instruction then faults. */
  thumb = true;
  sleeping = false;
  eventRegister = false;
  lockedUp = false;
  exclusiveAddress = -1;
  /** The value the last exclusive load read (see the exclusive store in decode32-memory.ts). */
  exclusiveValue = 0;
  cycles = 0;
  /** ARMv8-M stack limits (MSPLIM, PSPLIM): an instruction that moves the active SP below its limit faults (STKOF). */
  msplim = 0;
  psplim = 0;

  private readonly features: Features;
  private readonly semihosting: Semihosting;
  private readonly semihostingHost: SemihostingHost;
  /** The PC of the BKPT being served, for a fault in one of its memory accesses. */
  private semihostingPc = 0;
  private readonly translateBlocks: boolean;
  private regions: FastRegion[] = [];
  /** Addresses that pick the inlined regions: the initial SP (less one word) and the reset PC. */
  private fastPathHints = { stack: -1, code: -1 };
  private ramView: DataView = new DataView(new ArrayBuffer(0));
  private romView: DataView = new DataView(new ArrayBuffer(0));
  private readonly codePages = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly pageBlocks = new Map<number, Block[]>();
  private readonly blocks = new Map<number, Block>();
  private readonly singles = new Map<number, Block>();
  private readonly basicBlock: BlockShape = { superblock: false, endsBefore: (address) => this.blocks.has(address) };
  /** Blocks translated since construction (a restore or reset that keeps code adds none). */
  translations = 0;
  /** Set whenever the run loop must stop chaining blocks and look at exceptions, stops and timers. */
  needsAttention = true;
  /** Instructions a self-looping block had retired in earlier iterations, for a fault in a later one. */
  loopIterations = 0;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopRequest: StopReason | undefined;
  private exitCode = 0;
  /** The exception a faulting or SVC instruction raised, taken before anything asynchronous. */
  private synchronousException = 0;
  private signalPc = 0;
  /** Address ranges [start, end) whose first fetched instruction stops the run (see watchExecution). */
  private watched: readonly { readonly start: number; readonly end: number }[] = [];

  constructor(
    readonly bus: CpuBus,
    options: CortexMOptions,
  ) {
    this.v6 = options.core === 'cortex-m0' || options.core === 'cortex-m0plus';
    this.dsp = options.core === 'cortex-m4' || options.core === 'cortex-m33';
    this.v8 = options.core === 'cortex-m33';
    this.exceptions = new ExceptionState(options.interruptCount ?? (this.v6 ? 32 : 240), options.priorityBits ?? (this.v6 ? 2 : 3));
    this.scs = new SystemControl(this, CPUID[options.core], options.resetVtor ?? 0, this.v6);
    this.semihosting = new Semihosting(options.semihosting);
    const output = options.onSemihostOutput ?? (() => {});
    const input = options.onSemihostInput ?? (() => -1);
    this.semihostingHost = {
      read8: (a) => this.ld8(a, this.semihostingPc),
      read32: (a) => this.ld32(a, this.semihostingPc),
      write8: (a, v) => this.st8(a, v, this.semihostingPc),
      write32: (a, v) => this.st32(a, v, this.semihostingPc),
      output: (text: string, stream: ConsoleStream) => output(text, stream),
      input,
      ticks: () => this.cycles,
      tickHz: options.clockHz ?? 1_000_000,
    };
    this.translateBlocks = options.translate ?? true;
    this.features = {
      thumb2: !this.v6,
      dsp: this.dsp,
      v8: this.v8,
      ramBase: 0,
      ramSize: 0,
      romBase: 0,
      romSize: 0,
      alignAll: this.v6,
    };
    bus.setCodeWriteListener?.((address, length) => this.codeWritten(address, length));
    this.refreshRegions();
  }

  // ---- public API ----

  /** Power-on / system reset of the core: registers, NVIC, SCB; SP and PC from the vector table at VTOR. */
  reset(): void {
    this.r.fill(0);
    this.exceptions.reset();
    this.scs.reset();
    Object.assign(this, { otherSp: 0, control: 0, primask: 0, faultmask: 0, basepri: 0, ipsr: 0, itState: 0, msplim: 0, psplim: 0 });
    Object.assign(this, { sleeping: false, eventRegister: false, lockedUp: false, exclusiveAddress: -1 });
    this.stopRequest = undefined;
    this.synchronousException = 0;
    this.semihosting.reset();
    this.refreshRegions();
    this.r[14] = -1;
    const sp = this.readWordQuietly(this.scs.vtor);
    const pc = this.readWordQuietly(this.scs.vtor + 4);
    if (sp === undefined || pc === undefined) {
      this.lockedUp = true;
    } else {
      this.r[13] = sp & ~3;
      this.r[15] = pc & ~1;
      this.thumb = (pc & 1) === 1;
      this.fastPathHints = { stack: (sp - 4) >>> 0, code: pc & ~1 };
      this.chooseFastRegions();
    }
    this.needsAttention = true;
  }

  /**
   * Runs until `maxInstructions` retire or something stops the core (see StopReason). With `stopAfter` (at most
   * `maxInstructions`), the run may also end (reason `budget`) at the first block boundary once that many have
   * retired: a caller that runs in slices for its own checks gives its slice there, so the core does not step the
   * end of each slice one instruction at a time (nor translate those one-instruction blocks).
   */
  run(maxInstructions: number, stopAfter = maxInstructions): RunResult {
    const r = this.r;
    const enough = Math.min(stopAfter, maxInstructions);
    let done = 0;
    for (;;) {
      if (this.needsAttention || this.cycles >= this.timerAt) {
        const stop = this.service();
        if (stop !== undefined) return this.result(stop, done);
      }
      if (done >= enough) return this.result('budget', done);
      if (this.watched.length > 0 && this.isWatched(r[15])) return this.result('watch', done);
      // Straight-line execution, block after block, until the budget, a timer event or something that needs
      // the core's attention; successors are linked so the common path skips the lookup.
      const cyclesBefore = this.cycles - done;
      const limit = Math.min(enough, this.timerAt - cyclesBefore);
      let block = this.blockAt(r[15], maxInstructions - done);
      try {
        for (;;) {
          done += block.run(r, this, this.ramView, this.codePages, arith, this.romView, limit - done);
          if (this.needsAttention || done >= limit) break;
          const pc = r[15];
          let next = block.taken;
          if (next === undefined || next.start !== pc) next = block.notTaken;
          if (next === undefined || next.start !== pc || next.dead || next.count > maxInstructions - done) {
            if (this.watched.length > 0 && this.isWatched(pc)) break;
            next = this.blockAt(pc, maxInstructions - done);
            if (next.count > 1 || !this.translateBlocks) {
              if (block.taken === undefined || block.taken.dead) block.taken = next;
              else block.notTaken = next;
            }
          }
          if (next.entriesUntilHot > 0 && --next.entriesUntilHot === 0) next = this.superblockFor(next, maxInstructions - done);
          block = next;
        }
      } catch (error) {
        if (error !== BLOCK_EXIT) throw error;
        const index = block.addresses.indexOf(this.signalPc);
        r[15] = this.signalPc;
        this.itState = block.itStates[index];
        done += this.loopIterations + index;
        this.loopIterations = 0;
        this.needsAttention = true;
      }
      this.cycles = cyclesBefore + done;
    }
  }

  /**
   * Stops `run()` (reason `watch`) before any instruction in these bus address ranges [start, end) executes, by
   * whatever path execution gets there: a branch, an exception vector, an exception return. Code in a watched range
   * is never translated nor linked, so the check costs nothing on the straight-line path.
   */
  watchExecution(ranges: readonly { readonly start: number; readonly end: number }[]): void {
    this.watched = ranges.map((range) => ({ start: range.start >>> 0, end: range.end >>> 0 }));
    this.flushTranslations();
  }

  private isWatched(pc: number): boolean {
    const a = pc >>> 0;
    for (const range of this.watched) if (a >= range.start && a < range.end) return true;
    return false;
  }

  /** Pends external interrupt `n` (IRQn, exception 16 + n). */
  raiseInterrupt(n: number): void {
    if (16 + n >= this.exceptions.count || n < 0) throw new RangeError(`no interrupt ${n} (this NVIC has ${this.exceptions.count - 16})`);
    this.exceptions.pending[16 + n] = 1;
    this.needsAttention = true;
  }

  raiseNmi(): void {
    this.exceptions.pending[EXCEPTION.nmi] = 1;
    this.needsAttention = true;
  }

  getRegister(n: number): number {
    return this.r[n] >>> 0;
  }

  setRegister(n: number, value: number): void {
    this.r[n] = n === 15 ? value & ~1 : value;
  }

  get pc(): number {
    return this.r[15] >>> 0;
  }

  set pc(value: number) {
    this.r[15] = value & ~1;
  }

  get msp(): number {
    return (this.usingPsp() ? this.otherSp : this.r[13]) >>> 0;
  }

  get psp(): number {
    return (this.usingPsp() ? this.r[13] : this.otherSp) >>> 0;
  }

  /** APSR: N Z C V Q in bits 31–27, GE in 19–16. */
  get apsr(): number {
    const r = this.r;
    return ((r[FLAG.N] << 31) | (r[FLAG.Z] << 30) | (r[FLAG.C] << 29) | (r[FLAG.V] << 28) | (r[FLAG.Q] << 27) | (r[FLAG.GE] << 16)) >>> 0;
  }

  set apsr(value: number) {
    const r = this.r;
    r[FLAG.N] = (value >>> 31) & 1;
    r[FLAG.Z] = (value >>> 30) & 1;
    r[FLAG.C] = (value >>> 29) & 1;
    r[FLAG.V] = (value >>> 28) & 1;
    r[FLAG.Q] = (value >>> 27) & 1;
    r[FLAG.GE] = (value >>> 16) & 15;
  }

  /** xPSR as stacked: APSR, ITSTATE, T and IPSR. */
  get xpsr(): number {
    const it = this.itState;
    return (this.apsr | ((it & 3) << 25) | ((it >> 2) << 10) | (this.thumb ? 1 << 24 : 0) | this.ipsr) >>> 0;
  }

  set xpsr(value: number) {
    this.apsr = value;
    this.itState = ((value >>> 25) & 3) | ((value >>> 8) & 0xfc);
    this.thumb = ((value >>> 24) & 1) === 1;
    this.ipsr = value & 0x1ff;
  }

  snapshot(): CpuSnapshot {
    const ex = this.exceptions;
    return {
      r: Array.from(this.r),
      words: [this.otherSp, this.control, this.primask, this.faultmask, this.basepri, this.ipsr, this.itState, this.exclusiveAddress, this.cycles, this.msplim, this.psplim, this.exclusiveValue],
      flags: [this.thumb, this.sleeping, this.eventRegister, this.lockedUp],
      exceptions: [Array.from(ex.pending), Array.from(ex.active), Array.from(ex.enabled), Array.from(ex.priority)],
      prigroup: ex.prigroup,
      synchronousException: this.synchronousException,
      scs: this.scs.snapshot(),
      semihosting: this.semihosting.state(),
    };
  }

  /**
   * Puts a snapshot back. Memory may have changed with it: translated code whose instruction bytes are still in
   * memory is kept (a power-cut sweep restores the same firmware over and over), the rest is dropped.
   */
  restore(s: CpuSnapshot): void {
    this.r.set(s.r);
    [this.otherSp, this.control, this.primask, this.faultmask, this.basepri, this.ipsr, this.itState, this.exclusiveAddress, this.cycles, this.msplim, this.psplim, this.exclusiveValue] = s.words;
    [this.thumb, this.sleeping, this.eventRegister, this.lockedUp] = s.flags;
    const ex = this.exceptions;
    [ex.pending, ex.active, ex.enabled, ex.priority].forEach((array, i) => {
      array.set(s.exceptions[i]);
    });
    ex.prigroup = s.prigroup;
    this.synchronousException = s.synchronousException;
    this.scs.restore(s.scs);
    this.semihosting.restoreState(s.semihosting);
    this.stopRequest = undefined;
    this.refreshRegions();
    this.needsAttention = true;
  }

  /**
   * Memory in [address, address + length) changed: drops the translations that cover it and whose instruction
   * bytes really differ now. Stores to data that shares a page with code, or a flash re-read that left the code
   * as it was, keep the translated (and by now optimised) code.
   */
  codeWritten(address: number, length: number): void {
    this.needsAttention = true;
    const from = address >>> 0;
    const to = from + Math.max(length, 1);
    for (let page = from >>> PAGE_SHIFT; page <= (to - 1) >>> PAGE_SHIFT; page++) {
      if (!this.codePages[page]) continue;
      const kept: Block[] = [];
      for (const block of this.pageBlocks.get(page) ?? []) {
        const start = block.start >>> 0;
        const end = block.end >>> 0;
        if (end <= from || start >= to || this.unchanged(block)) {
          kept.push(block);
          continue;
        }
        block.dead = true;
        if (this.blocks.get(block.start) === block) this.blocks.delete(block.start);
        this.singles.delete(start * 256 + block.itStates[0]);
      }
      if (kept.length > 0) {
        this.pageBlocks.set(page, kept);
      } else {
        this.pageBlocks.delete(page);
        this.codePages[page] = 0;
      }
    }
  }

  /** Whether memory still holds the halfwords the block was translated from. */
  private unchanged(block: Block): boolean {
    const length = block.halfwords.length;
    if (length * 2 !== ((block.end - block.start) | 0)) return false;
    const start = block.start >>> 0;
    const region = this.regionOf(start, length * 2);
    if (region !== undefined) {
      const bytes = region.bytes;
      for (let i = 0, at = start - region.base; i < length; i++, at += 2) {
        if ((bytes[at] | (bytes[at + 1] << 8)) !== block.halfwords[i]) return false;
      }
      return true;
    }
    try {
      return block.halfwords.every((halfword, i) => this.fetch16(block.start + i * 2) === halfword);
    } catch {
      return false;
    }
  }

  // ---- SystemControlHost ----

  attention(): void {
    this.needsAttention = true;
  }

  requestReset(): void {
    this.stopRequest = 'reset-request';
    this.needsAttention = true;
  }

  alignmentPolicyChanged(): void {
    this.features.alignAll = this.v6 || (this.scs.ccr & CCR.unalignTrap) !== 0;
    this.flushTranslations();
  }

  // ---- the run loop's machinery ----

  private result(reason: StopReason, instructions: number): RunResult {
    const pc = this.pc;
    const at = `PC=0x${pc.toString(16).padStart(8, '0')}`;
    // Functions, so a run slice that ends on its budget (thousands per run) does not build every message.
    const messages: Record<StopReason, () => string> = {
      budget: () => `budget exhausted at ${at} after ${instructions} instructions`,
      exit: () => `semihosting exit with status ${this.exitCode} at ${at}`,
      breakpoint: () => `breakpoint at ${at}`,
      lockup: () => `core locked up at ${at} (a fault while handling HardFault or NMI; ${this.recordedFaults()})`,
      sleep: () => `core asleep at ${at} with nothing to wake it`,
      'reset-request': () => `reset requested (AIRCR.SYSRESETREQ) at ${at}`,
      watch: () => `execution reached a watched range at ${at}`,
    };
    return {
      reason,
      instructions,
      pc,
      message: messages[reason](),
      ...(reason === 'exit' ? { exitCode: this.exitCode } : {}),
    };
  }

  /** The fault status registers in words: which faults happened since they were last cleared, and where. */
  private recordedFaults(): string {
    const { cfsr, hfsr, bfar, mmfar } = this.scs;
    const names = Object.entries(FAULT_NAMES)
      .filter(([bit]) => cfsr & Number(bit))
      .map(([, name]) => name);
    if (cfsr & CFSR.bfarvalid) names.push(`BFAR=0x${(bfar >>> 0).toString(16).padStart(8, '0')}`);
    if (cfsr & CFSR.mmarvalid) names.push(`MMFAR=0x${(mmfar >>> 0).toString(16).padStart(8, '0')}`);
    if (hfsr & HFSR.forced) names.push('HardFault FORCED');
    if (hfsr & HFSR.vecttbl) names.push('HardFault VECTTBL (vector fetch)');
    return names.length === 0 ? 'no fault status recorded' : `faults recorded: ${names.join(', ')}`;
  }

  /** Looks at everything that is not straight-line execution: stop requests, timers, exceptions, sleep. */
  private service(): StopReason | undefined {
    this.needsAttention = false;
    if (this.stopRequest !== undefined) {
      const stop = this.stopRequest;
      this.stopRequest = undefined;
      return stop;
    }
    if (this.lockedUp) return 'lockup';
    this.scs.advanceTimer(this.cycles);
    this.timerAt = this.scs.nextTimerEvent();
    if (!this.thumb && this.synchronousException === 0) this.pendFault(EXCEPTION.usageFault, CFSR.invstate);
    if (this.synchronousException !== 0) {
      const exception = this.synchronousException;
      this.synchronousException = 0;
      this.takeSynchronous(exception);
      if (this.lockedUp) return 'lockup';
      this.needsAttention = true;
      return undefined;
    }
    const ex = this.exceptions;
    const pending = ex.highestPending();
    if (pending !== 0 && ex.groupPriority(pending) < this.executionPriority()) {
      this.sleeping = false;
      enterException(this, pending, this.r[15]);
      if (this.lockedUp) return 'lockup';
      this.needsAttention = true;
      return undefined;
    }
    if (!this.sleeping) return undefined;
    if (pending !== 0 && ex.groupPriority(pending) < ex.executionPriority(0, this.faultmask, this.basepri)) {
      this.sleeping = false;
      return undefined;
    }
    if (this.scs.timerCanWake() && !ex.pending[EXCEPTION.sysTick]) {
      this.cycles = Math.max(this.cycles, this.timerAt);
      this.needsAttention = true;
      return undefined;
    }
    this.needsAttention = true;
    return 'sleep';
  }

  executionPriority(): number {
    return this.exceptions.executionPriority(this.primask, this.faultmask, this.basepri);
  }

  /** Takes a fault or SVC now, escalating to HardFault when it is disabled or cannot preempt; lockup beyond. */
  private takeSynchronous(exception: number): void {
    const ex = this.exceptions;
    const priority = this.executionPriority();
    // ARMv6-M has no configurable faults (every fault is a HardFault), but SVC still raises SVCall.
    let target = this.v6 && exception !== EXCEPTION.svCall ? EXCEPTION.hardFault : exception;
    if (target !== EXCEPTION.hardFault && (!ex.enabled[target] || ex.groupPriority(target) >= priority)) {
      target = EXCEPTION.hardFault;
      this.scs.hfsr |= HFSR.forced;
    }
    if (target === EXCEPTION.hardFault && priority <= -1) {
      this.lockedUp = true;
      return;
    }
    enterException(this, target, this.r[15]);
  }

  usingPsp(): boolean {
    return this.ipsr === 0 && (this.control & 2) !== 0;
  }

  /** Switches the active stack (MSP/PSP) by swapping r13 with the banked copy. */
  selectStack(psp: boolean): void {
    if (psp === this.usingPsp()) return;
    const sp = this.r[13];
    this.r[13] = this.otherSp;
    this.otherSp = sp;
  }

  /**
   * The translated block at `pc`, or a one-instruction one when the budget or an IT block requires. A block is
   * not translated where the budget left may be too small for it: near the end of a run (a deadline), that would
   * translate a block at each instruction on the way and use none of them.
   */
  private blockAt(pc: number, budget: number): Block {
    if (this.translateBlocks && this.itState === 0) {
      const block = this.blocks.get(pc) ?? (budget >= MIN_BUDGET_TO_TRANSLATE ? this.translateAt(pc, MAX_BLOCK) : undefined);
      if (block !== undefined && block.count <= budget) return block;
    }
    return this.singles.get((pc >>> 0) * 256 + this.itState) ?? this.translateAt(pc, 1);
  }

  /**
   * A basic block entered often enough: translated again as a superblock, which replaces it (links to the basic
   * block are dropped with it). The basic block still runs this once when the budget left is too small.
   */
  private superblockFor(basic: Block, budget: number): Block {
    basic.dead = true;
    for (let page = basic.start >>> PAGE_SHIFT; page <= (basic.end - 1) >>> PAGE_SHIFT; page++) {
      const list = this.pageBlocks.get(page) ?? [];
      const at = list.indexOf(basic);
      if (at >= 0) list.splice(at, 1);
    }
    this.blocks.delete(basic.start);
    const hot = this.translateAt(basic.start, MAX_BLOCK, { superblock: true });
    return hot.count <= budget ? hot : basic;
  }

  /**
   * Translates a block and files it under its pages. A basic block (the default shape) also ends where another
   * block starts: a run slice that ends inside a block resumes at an instruction no block starts at, and the
   * block translated there need not repeat the rest of the one it is inside.
   */
  private translateAt(pc: number, length: number, shape: BlockShape = this.basicBlock): Block {
    this.translations++;
    const block = translate((a) => this.fetch16(a), pc, this.itState, this.features, length, shape);
    for (let page = block.start >>> PAGE_SHIFT; page <= (block.end - 1) >>> PAGE_SHIFT; page++) {
      this.codePages[page] = 1;
      const list = this.pageBlocks.get(page);
      if (list === undefined) this.pageBlocks.set(page, [block]);
      else list.push(block);
    }
    if (length === 1) this.singles.set((pc >>> 0) * 256 + this.itState, block);
    else this.blocks.set(block.start, block);
    return block;
  }

  private flushTranslations(): void {
    for (const page of this.pageBlocks.keys()) this.codePages[page] = 0;
    this.blocks.clear();
    this.singles.clear();
    this.pageBlocks.clear();
  }

  /**
   * Asks the bus for its plain-memory regions again. When they are the same arrays as before, translations
   * survive wherever memory still holds the instructions they came from (RAM cleared at power-on, flash put back
   * by a restore: each block is compared with memory); new arrays drop every translation.
   */
  private refreshRegions(): void {
    const regions: readonly MemoryRegion[] = this.bus.memoryRegions?.() ?? [];
    const before = this.regions;
    this.regions = regions.map((region) => ({
      base: region.base >>> 0,
      size: region.bytes.length,
      bytes: region.bytes,
      view: new DataView(region.bytes.buffer, region.bytes.byteOffset, region.bytes.byteLength),
      writable: region.writable,
    }));
    const unchanged =
      before.length === this.regions.length &&
      before.every((r, i) => r.bytes === this.regions[i].bytes && r.base === this.regions[i].base && r.writable === this.regions[i].writable);
    if (this.chooseFastRegions() || !unchanged) {
      this.flushTranslations();
      return;
    }
    for (const page of [...this.pageBlocks.keys()]) this.codeWritten(page << PAGE_SHIFT, 1 << PAGE_SHIFT);
  }

  /**
   * Picks the two regions translated code reaches without a call: for loads and stores, the writable region
   * holding the initial stack (where the stack and, nearly always, the data are), else the largest writable one;
   * for loads only, the region holding the reset PC (literal pools, constant tables), else the largest read-only
   * one. Returns whether the choice changed, which invalidates every translation (they embed it).
   */
  private chooseFastRegions(): boolean {
    const { stack, code } = this.fastPathHints;
    const holding = (address: number, candidates: FastRegion[]): FastRegion | undefined =>
      candidates.find((region) => address - region.base >= 0 && address - region.base < region.size);
    const largest = (candidates: FastRegion[]): FastRegion | undefined => [...candidates].sort((a, b) => b.size - a.size)[0];
    const writable = this.regions.filter((region) => region.writable);
    const ram = holding(stack, writable) ?? largest(writable);
    const others = this.regions.filter((region) => region !== ram);
    const rom = holding(code, others) ?? largest(others.filter((region) => !region.writable));
    this.ramView = ram?.view ?? new DataView(new ArrayBuffer(0));
    this.romView = rom?.view ?? new DataView(new ArrayBuffer(0));
    const chosen = [ram?.base ?? 0, ram?.size ?? 0, rom?.base ?? 0, rom?.size ?? 0];
    const f = this.features;
    const changed = chosen[0] !== f.ramBase || chosen[1] !== f.ramSize || chosen[2] !== f.romBase || chosen[3] !== f.romSize;
    [f.ramBase, f.ramSize, f.romBase, f.romSize] = chosen;
    if (changed) this.flushTranslations();
    return changed;
  }

  private fetch16(address: number): number {
    const a = address >>> 0;
    // The default memory map's Peripheral, Device and System regions are execute-never. A watched range ends the
    // block being translated before it (its first instruction must stop the run, not run inside another block).
    if ((a >= 0x40000000 && a < 0x60000000) || a >= 0xa0000000) throw new ExecuteNever();
    if (this.watched.length > 0 && this.isWatched(a)) throw new ExecuteNever();
    const region = this.regionOf(a, 2);
    if (region !== undefined) return region.view.getUint16(a - region.base, true);
    return this.bus.read16(a) & 0xffff;
  }

  private regionOf(a: number, size: number): FastRegion | undefined {
    for (const region of this.regions) if (a - region.base >= 0 && a - region.base <= region.size - size) return region;
    return undefined;
  }

  // ---- memory slow paths (the translated code inlines main RAM) ----

  ld8(address: number, pc: number): number {
    const a = address >>> 0;
    if (a >= 0xe0000000) return (this.readSystem((a & ~3) >>> 0, pc) >>> ((a & 3) * 8)) & 0xff;
    const region = this.regionOf(a, 1);
    if (region !== undefined) return region.view.getUint8(a - region.base);
    try {
      return this.bus.read8(a) & 0xff;
    } catch (error) {
      return this.dataBusError(error, a, pc);
    }
  }

  ld16(address: number, pc: number): number {
    const a = address >>> 0;
    if (a & 1) return this.ld8(a, pc) | (this.ld8(a + 1, pc) << 8);
    if (a >= 0xe0000000) return (this.readSystem((a & ~3) >>> 0, pc) >>> ((a & 2) * 8)) & 0xffff;
    const region = this.regionOf(a, 2);
    if (region !== undefined) return region.view.getUint16(a - region.base, true);
    try {
      return this.bus.read16(a) & 0xffff;
    } catch (error) {
      return this.dataBusError(error, a, pc);
    }
  }

  ld32(address: number, pc: number): number {
    const a = address >>> 0;
    if (a & 3) return this.ld16(a, pc) | (this.ld16(a + 2, pc) << 16);
    if (a >= 0xe0000000) return this.readSystem(a, pc);
    const region = this.regionOf(a, 4);
    if (region !== undefined) return region.view.getInt32(a - region.base, true);
    try {
      return this.bus.read32(a) | 0;
    } catch (error) {
      return this.dataBusError(error, a, pc);
    }
  }

  st8(address: number, value: number, pc: number): void {
    const a = address >>> 0;
    if (a >= 0xe0000000) {
      this.writeSystem((a & ~3) >>> 0, (value & 0xff) << ((a & 3) * 8), 0xff << ((a & 3) * 8), pc);
      return;
    }
    this.store(a, value, 1, pc);
  }

  st16(address: number, value: number, pc: number): void {
    const a = address >>> 0;
    if (a & 1) {
      this.st8(a, value, pc);
      this.st8(a + 1, value >>> 8, pc);
      return;
    }
    if (a >= 0xe0000000) {
      this.writeSystem((a & ~3) >>> 0, (value & 0xffff) << ((a & 2) * 8), 0xffff << ((a & 2) * 8), pc);
      return;
    }
    this.store(a, value, 2, pc);
  }

  st32(address: number, value: number, pc: number): void {
    const a = address >>> 0;
    if (a & 3) {
      this.st16(a, value, pc);
      this.st16(a + 2, value >>> 16, pc);
      return;
    }
    if (a >= 0xe0000000) {
      this.writeSystem(a, value, -1, pc);
      return;
    }
    this.store(a, value, 4, pc);
  }

  private store(a: number, value: number, size: 1 | 2 | 4, pc: number): void {
    const region = this.regionOf(a, size);
    if (region?.writable) {
      if (size === 1) region.view.setUint8(a - region.base, value);
      else if (size === 2) region.view.setUint16(a - region.base, value, true);
      else region.view.setInt32(a - region.base, value, true);
    } else {
      try {
        if (size === 1) this.bus.write8(a, value & 0xff);
        else if (size === 2) this.bus.write16(a, value & 0xffff);
        else this.bus.write32(a, value >>> 0);
      } catch (error) {
        this.dataBusError(error, a, pc);
      }
    }
    if (this.codePages[a >>> PAGE_SHIFT]) this.codeWritten(a, size);
  }

  /**
   * The Private Peripheral Bus: the SCS is modelled; the rest (ITM, DWT, FPB, …) reads as zero. Unprivileged
   * code may not touch it: a BusFault.
   */
  private readSystem(a: number, pc: number): number {
    if (a < 0xe0100000 && !this.privileged()) this.dataBusError(new BusError(a, 'unprivileged access to the PPB'), a, pc);
    if (a >= SCS_BASE && a < SCS_BASE + 0x1000) return this.scs.read(a - SCS_BASE) | 0;
    return 0;
  }

  private writeSystem(a: number, value: number, mask: number, pc: number): void {
    if (a < 0xe0100000 && !this.privileged()) this.dataBusError(new BusError(a, 'unprivileged access to the PPB'), a, pc);
    if (a >= SCS_BASE && a < SCS_BASE + 0x1000) this.scs.write(a - SCS_BASE, value, mask);
  }

  private dataBusError(error: unknown, address: number, pc: number): never {
    if (!isBusFault(error)) throw error;
    this.scs.bfar = address;
    return this.fault(EXCEPTION.busFault, CFSR.preciserr | CFSR.bfarvalid, pc);
  }

  /** Makes a fault the next exception to take (escalation happens when it is taken). */
  pendFault(exception: number, cfsrBits: number): void {
    this.scs.cfsr |= cfsrBits;
    this.synchronousException = exception;
    this.needsAttention = true;
  }

  /** Raises a fault at the instruction at `pc`: it does not complete, and the block is abandoned. */
  fault(exception: number, cfsrBits: number, pc: number): never {
    this.pendFault(exception, cfsrBits);
    this.signalPc = pc;
    throw BLOCK_EXIT;
  }

  /** A word read for the exception machinery (vectors, unstacking): undefined instead of a fault. */
  readWordQuietly(address: number): number | undefined {
    const saved = [this.scs.cfsr, this.scs.bfar, this.synchronousException] as const;
    try {
      return this.ld32(address, 0);
    } catch (error) {
      if (error !== BLOCK_EXIT) throw error;
      [this.scs.cfsr, this.scs.bfar, this.synchronousException] = saved;
      return undefined;
    }
  }

  /** A word write for stacking: false instead of a fault. */
  writeWordQuietly(address: number, value: number): boolean {
    const saved = [this.scs.cfsr, this.scs.bfar, this.synchronousException] as const;
    try {
      this.st32(address, value, 0);
      return true;
    } catch (error) {
      if (error !== BLOCK_EXIT) throw error;
      [this.scs.cfsr, this.scs.bfar, this.synchronousException] = saved;
      return false;
    }
  }

  // ---- helpers called from translated code ----

  undefinedInstruction(pc: number): never {
    return this.fault(EXCEPTION.usageFault, CFSR.undefinstr, pc);
  }

  noCoprocessor(pc: number): never {
    return this.fault(EXCEPTION.usageFault, CFSR.nocp, pc);
  }

  /** The limit of the active stack (ARMv8-M): PSPLIM in Thread mode on the PSP, else MSPLIM. */
  stackLimit(): number {
    return this.usingPsp() ? this.psplim : this.msplim;
  }

  /** The instruction at `pc` would have moved SP below its limit: UsageFault STKOF, SP as it was. */
  stackOverflow(pc: number): never {
    return this.fault(EXCEPTION.usageFault, CFSR.stkof, pc);
  }

  unaligned(pc: number): never {
    return this.fault(EXCEPTION.usageFault, CFSR.unaligned, pc);
  }

  /** An instruction that could not be fetched: MemManage for execute-never memory, BusFault for a bus error. */
  prefetchAbort(pc: number, executeNever: boolean): never {
    if (executeNever) return this.fault(EXCEPTION.memManage, CFSR.iaccviol, pc);
    return this.fault(EXCEPTION.busFault, CFSR.ibuserr, pc);
  }

  divideByZero(pc: number): void {
    if (this.scs.ccr & CCR.divideByZeroTrap) this.fault(EXCEPTION.usageFault, CFSR.divbyzero, pc);
  }

  leaveThumb(): void {
    this.thumb = false;
    this.needsAttention = true;
  }

  exceptionReturn(excReturn: number): void {
    exceptionReturn(this, excReturn);
    this.needsAttention = true;
  }

  supervisorCall(_imm: number): void {
    this.synchronousException = EXCEPTION.svCall;
    this.needsAttention = true;
  }

  breakpoint(imm: number, pc: number): void {
    if (imm !== SEMIHOSTING_BKPT) {
      this.stopRequest = 'breakpoint';
      this.signalPc = pc;
      this.needsAttention = true;
      throw BLOCK_EXIT;
    }
    this.semihostingPc = pc;
    const result = this.semihosting.call(this.semihostingHost, this.r[0] >>> 0, this.r[1]);
    if (result.kind === 'exit') {
      this.exitCode = result.status;
      this.stopRequest = 'exit';
      this.needsAttention = true;
    } else {
      this.r[0] = result.value;
    }
  }

  /** Handler mode, or Thread mode with CONTROL.nPRIV clear. */
  privileged(): boolean {
    return this.ipsr !== 0 || (this.control & 1) === 0;
  }

  changeProcessorState(disable: boolean, primask: boolean, faultmask: boolean): void {
    if (!this.privileged()) return;
    if (primask) this.primask = disable ? 1 : 0;
    if (faultmask && (!disable || this.executionPriority() > -1)) this.faultmask = disable ? 1 : 0;
    this.needsAttention = true;
  }

  moveFromSpecial(sysm: number): number {
    return readSpecialRegister(this, sysm);
  }

  moveToSpecial(sysm: number, mask: number, value: number): void {
    this.needsAttention = true;
    writeSpecialRegister(this, sysm, mask, value);
  }

  waitForInterrupt(): void {
    this.sleeping = true;
    this.needsAttention = true;
  }

  waitForEvent(): void {
    if (this.eventRegister) {
      this.eventRegister = false;
      return;
    }
    this.sleeping = true;
    this.needsAttention = true;
  }

  sendEvent(): void {
    this.eventRegister = true;
  }

  clearExclusive(): void {
    this.exclusiveAddress = -1;
  }
}

export interface CpuSnapshot {
  r: number[];
  words: [number, number, number, number, number, number, number, number, number, number, number, number];
  flags: [boolean, boolean, boolean, boolean];
  exceptions: [number[], number[], number[], number[]];
  prigroup: number;
  synchronousException: number;
  scs: SystemControlSnapshot;
  semihosting: ReturnType<Semihosting['state']>;
}
