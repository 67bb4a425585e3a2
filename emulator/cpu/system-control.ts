/**
 * The System Control Space at 0xE000E000: SysTick, NVIC, SCB (CPUID, ICSR, VTOR, AIRCR, SCR, CCR, SHPR, SHCSR,
 * CFSR, HFSR, MMFAR, BFAR) and STIR. Architectural, so it lives in the core; the bus never sees these accesses.
 */
import { EXCEPTION, type ExceptionState } from './nvic.ts';

export const SCS_BASE = 0xe000e000;

/** Configurable Fault Status Register bits (MMFSR, BFSR, UFSR). */
export const CFSR = {
  iaccviol: 1 << 0,
  daccviol: 1 << 1,
  mmarvalid: 1 << 7,
  ibuserr: 1 << 8,
  preciserr: 1 << 9,
  unstkerr: 1 << 11,
  stkerr: 1 << 12,
  bfarvalid: 1 << 15,
  undefinstr: 1 << 16,
  invstate: 1 << 17,
  invpc: 1 << 18,
  nocp: 1 << 19,
  /** ARMv8-M: a stack pointer update went below MSPLIM/PSPLIM. */
  stkof: 1 << 20,
  unaligned: 1 << 24,
  divbyzero: 1 << 25,
} as const;

export const HFSR = { vecttbl: 1 << 1, forced: 1 << 30 } as const;
export const CCR = { unalignTrap: 1 << 3, divideByZeroTrap: 1 << 4, stackAlign: 1 << 9 } as const;

/** What the System Control Space needs from the core. */
export interface SystemControlHost {
  readonly exceptions: ExceptionState;
  /** Current cycle count (one per instruction, plus time spent asleep). */
  readonly cycles: number;
  /** The exception being handled (IPSR). */
  readonly ipsr: number;
  /** Something changed that the run loop must look at (a pend, a mask, a reset request). */
  attention(): void;
  requestReset(): void;
  /** CCR.UNALIGN_TRP changed: translated code that inlines alignment checks must be dropped. */
  alignmentPolicyChanged(): void;
}

const SHCSR_ENABLES: [number, number][] = [
  [EXCEPTION.memManage, 16],
  [EXCEPTION.busFault, 17],
  [EXCEPTION.usageFault, 18],
];
const SHCSR_ACTIVE: [number, number][] = [
  [EXCEPTION.memManage, 0],
  [EXCEPTION.busFault, 1],
  [EXCEPTION.usageFault, 3],
  [EXCEPTION.svCall, 7],
  [EXCEPTION.debugMonitor, 8],
  [EXCEPTION.pendSv, 10],
  [EXCEPTION.sysTick, 11],
];
const SHCSR_PENDED: [number, number][] = [
  [EXCEPTION.usageFault, 12],
  [EXCEPTION.memManage, 13],
  [EXCEPTION.busFault, 14],
  [EXCEPTION.svCall, 15],
];

export class SystemControl {
  vtor = 0;
  ccr = 0;
  scr = 0;
  cfsr = 0;
  hfsr = 0;
  mmfar = 0;
  bfar = 0;
  /** SysTick CSR (ENABLE, TICKINT, CLKSOURCE; COUNTFLAG kept separately), RVR, and the cycle the count hits 0. */
  private systickControl = 0;
  private systickReload = 0;
  private systickCountFlag = 0;
  private systickZeroAt = 0;

  constructor(
    private readonly host: SystemControlHost,
    private readonly cpuid: number,
    private readonly resetVtor: number,
    private readonly v6: boolean,
  ) {
    this.reset();
  }

  reset(): void {
    this.vtor = this.resetVtor;
    this.ccr = this.v6 ? CCR.stackAlign | CCR.unalignTrap : CCR.stackAlign;
    this.scr = 0;
    this.cfsr = 0;
    this.hfsr = 0;
    this.mmfar = 0;
    this.bfar = 0;
    this.systickControl = 0;
    this.systickReload = 0;
    this.systickCountFlag = 0;
    this.systickZeroAt = 0;
  }

  /** The cycle at which SysTick next needs the core's attention (Infinity when it cannot fire). */
  nextTimerEvent(): number {
    return this.systickControl & 1 && this.systickReload !== 0 ? this.systickZeroAt : Number.POSITIVE_INFINITY;
  }

  /** Advances SysTick to `cycles`: sets COUNTFLAG and pends the SysTick exception for every wrap. */
  advanceTimer(cycles: number): void {
    if (!(this.systickControl & 1) || this.systickReload === 0 || cycles < this.systickZeroAt) return;
    const period = this.systickReload + 1;
    this.systickZeroAt += Math.floor((cycles - this.systickZeroAt) / period + 1) * period;
    this.systickCountFlag = 1;
    if (this.systickControl & 2) {
      this.host.exceptions.pending[EXCEPTION.sysTick] = 1;
      this.host.attention();
    }
  }

  /** Whether SysTick can wake the core by itself (enabled, with its interrupt). */
  timerCanWake(): boolean {
    return (this.systickControl & 3) === 3 && this.systickReload !== 0;
  }

  private systickCurrent(): number {
    if (!(this.systickControl & 1)) return this.systickZeroAt;
    const cycles = this.host.cycles;
    if (cycles <= this.systickZeroAt) return this.systickZeroAt - cycles;
    const phase = (cycles - this.systickZeroAt) % (this.systickReload + 1);
    return phase === 0 ? 0 : this.systickReload + 1 - phase;
  }

  read(offset: number): number {
    const ex = this.host.exceptions;
    if (offset >= 0x100 && offset < 0x400) return this.readNvicBits(offset);
    if (offset >= 0x400 && offset < 0x400 + (ex.count - 16)) return this.readPriorities(16 + offset - 0x400);
    switch (offset) {
      case 0x004:
        return Math.ceil((ex.count - 16) / 32) - 1;
      case 0x010: {
        const value = this.systickControl | (this.systickCountFlag << 16);
        this.systickCountFlag = 0;
        return value;
      }
      case 0x014:
        return this.systickReload;
      case 0x018:
        return this.systickCurrent();
      case 0x01c:
        return 0x40000000;
      case 0xd00:
        return this.cpuid;
      case 0xd04:
        return this.readIcsr();
      case 0xd08:
        return this.vtor;
      case 0xd0c:
        return (0xfa05 << 16) | (ex.prigroup << 8);
      case 0xd10:
        return this.scr;
      case 0xd14:
        return this.ccr;
      case 0xd18:
      case 0xd1c:
      case 0xd20:
        return this.readPriorities(4 + (offset - 0xd18));
      case 0xd24:
        return this.readShcsr();
      case 0xd28:
        return this.cfsr;
      case 0xd2c:
        return this.hfsr;
      case 0xd34:
        return this.mmfar;
      case 0xd38:
        return this.bfar;
      default:
        return 0;
    }
  }

  /** Writes the bits of `value` selected by `mask` (byte and halfword stores pass a narrower mask). */
  write(offset: number, value: number, mask: number): void {
    const ex = this.host.exceptions;
    if (offset >= 0x100 && offset < 0x300) {
      this.writeNvicBits(offset, value & mask);
      return;
    }
    if (offset >= 0x400 && offset < 0x400 + (ex.count - 16)) {
      this.writePriorities(16 + offset - 0x400, value, mask);
      return;
    }
    // A byte or halfword store to a read-write register keeps the bytes it does not write; the write-one-to-clear
    // and set/clear registers below take only the written bits (value & mask).
    const merged = (): number => (mask === -1 ? value : (this.read(offset) & ~mask) | (value & mask));
    switch (offset) {
      case 0x010:
        this.writeSystickControl(merged() & 7);
        return;
      case 0x014:
        this.systickReload = merged() & 0xffffff;
        return;
      case 0x018:
        this.systickCountFlag = 0;
        this.systickZeroAt = this.systickControl & 1 ? this.host.cycles + this.systickReload + 1 : 0;
        return;
      case 0xd04:
        {
          this.writeIcsr(value & mask);
          return;
        }
      case 0xd08:
        this.vtor = merged() & 0xffffff80;
        return;
      case 0xd0c:
        {
          this.writeAircr(merged());
          return;
        }
      case 0xd10:
        this.scr = merged() & 0x16;
        return;
      case 0xd14: {
        if (this.v6) return;
        const before = this.ccr;
        this.ccr = (this.ccr & ~mask & 0x31b) | (value & mask & 0x31b) | CCR.stackAlign;
        if ((before ^ this.ccr) & CCR.unalignTrap) this.host.alignmentPolicyChanged();
        return;
      }
      case 0xd18:
      case 0xd1c:
      case 0xd20:
        {
          this.writePriorities(4 + (offset - 0xd18), value, mask);
          return;
        }
      case 0xd24:
        {
          this.writeShcsr(merged());
          return;
        }
      case 0xd28:
        this.cfsr &= ~(value & mask);
        return;
      case 0xd2c:
        this.hfsr &= ~(value & mask);
        return;
      case 0xd34:
        this.mmfar = merged();
        return;
      case 0xd38:
        this.bfar = merged();
        return;
      case 0xf00:
        {
          this.pend(16 + (value & 0x1ff));
          return;
        }
      default:
        return;
    }
  }

  private pend(exception: number): void {
    if (exception >= this.host.exceptions.count) return;
    this.host.exceptions.pending[exception] = 1;
    this.host.attention();
  }

  private readNvicBits(offset: number): number {
    const ex = this.host.exceptions;
    const bank = ((offset & 0x7f) >> 2) * 32 + 16;
    const source = [ex.enabled, ex.enabled, ex.pending, ex.pending, ex.active, ex.active][(offset - 0x100) >> 7];
    if (source === undefined) return 0;
    let value = 0;
    for (let i = 0; i < 32 && bank + i < ex.count; i++) value |= source[bank + i] << i;
    return value;
  }

  private writeNvicBits(offset: number, value: number): void {
    const ex = this.host.exceptions;
    const bank = ((offset & 0x7f) >> 2) * 32 + 16;
    const group = (offset - 0x100) >> 7;
    const target = group < 2 ? ex.enabled : ex.pending;
    const set = group % 2 === 0;
    for (let i = 0; i < 32 && bank + i < ex.count; i++) if ((value >>> i) & 1) target[bank + i] = set ? 1 : 0;
    this.host.attention();
  }

  private readPriorities(first: number): number {
    const ex = this.host.exceptions;
    let value = 0;
    for (let i = 0; i < 4; i++) if (first + i < ex.count) value |= ex.priority[first + i] << (i * 8);
    return value;
  }

  private writePriorities(first: number, value: number, mask: number): void {
    for (let i = 0; i < 4; i++) if ((mask >>> (i * 8)) & 0xff) this.host.exceptions.setPriority(first + i, value >>> (i * 8));
    this.host.attention();
  }

  private readIcsr(): number {
    const ex = this.host.exceptions;
    const pending = ex.highestPending();
    const anyInterruptPending = ex.pending.subarray(16).some((p, i) => p && ex.enabled[16 + i]);
    return (
      (ex.pending[EXCEPTION.nmi] << 31) |
      (ex.pending[EXCEPTION.pendSv] << 28) |
      (ex.pending[EXCEPTION.sysTick] << 26) |
      ((anyInterruptPending ? 1 : 0) << 22) |
      (pending << 12) |
      ((ex.activeCount() <= 1 ? 1 : 0) << 11) |
      this.host.ipsr
    );
  }

  private writeIcsr(value: number): void {
    const ex = this.host.exceptions;
    if (value & (1 << 31)) ex.pending[EXCEPTION.nmi] = 1;
    if (value & (1 << 28)) ex.pending[EXCEPTION.pendSv] = 1;
    if (value & (1 << 27)) ex.pending[EXCEPTION.pendSv] = 0;
    if (value & (1 << 26)) ex.pending[EXCEPTION.sysTick] = 1;
    if (value & (1 << 25)) ex.pending[EXCEPTION.sysTick] = 0;
    this.host.attention();
  }

  private writeAircr(value: number): void {
    if (value >>> 16 !== 0x05fa) return;
    if (!this.v6) this.host.exceptions.prigroup = (value >> 8) & 7;
    if (value & 4) this.host.requestReset();
    this.host.attention();
  }

  private readShcsr(): number {
    const ex = this.host.exceptions;
    let value = 0;
    for (const [e, bit] of SHCSR_ENABLES) value |= ex.enabled[e] << bit;
    for (const [e, bit] of SHCSR_ACTIVE) value |= ex.active[e] << bit;
    for (const [e, bit] of SHCSR_PENDED) value |= ex.pending[e] << bit;
    return value;
  }

  private writeShcsr(value: number): void {
    const ex = this.host.exceptions;
    for (const [e, bit] of SHCSR_ENABLES) ex.enabled[e] = (value >>> bit) & 1;
    for (const [e, bit] of SHCSR_ACTIVE) ex.active[e] = (value >>> bit) & 1;
    for (const [e, bit] of SHCSR_PENDED) ex.pending[e] = (value >>> bit) & 1;
    this.host.attention();
  }

  private writeSystickControl(value: number): void {
    const wasEnabled = this.systickControl & 1;
    if (value & 1 && !wasEnabled) {
      const current = this.systickZeroAt;
      this.systickZeroAt = this.host.cycles + (current === 0 ? this.systickReload + 1 : current);
    } else if (!(value & 1) && wasEnabled) {
      this.systickZeroAt = this.systickCurrent();
    }
    this.systickControl = value;
    this.host.attention();
  }

  /** Everything needed to put the registers back (SysTick as its current count, so cycles may differ). */
  snapshot(): SystemControlSnapshot {
    return {
      vtor: this.vtor,
      ccr: this.ccr,
      scr: this.scr,
      cfsr: this.cfsr,
      hfsr: this.hfsr,
      mmfar: this.mmfar,
      bfar: this.bfar,
      systick: [this.systickControl, this.systickReload, this.systickCountFlag, this.systickCurrent()],
    };
  }

  restore(s: SystemControlSnapshot): void {
    Object.assign(this, { vtor: s.vtor, ccr: s.ccr, scr: s.scr, cfsr: s.cfsr, hfsr: s.hfsr, mmfar: s.mmfar, bfar: s.bfar });
    const [control, reload, countFlag, current] = s.systick;
    this.systickControl = control;
    this.systickReload = reload;
    this.systickCountFlag = countFlag;
    this.systickZeroAt = control & 1 ? this.host.cycles + current : current;
  }
}

export interface SystemControlSnapshot {
  vtor: number;
  ccr: number;
  scr: number;
  cfsr: number;
  hfsr: number;
  mmfar: number;
  bfar: number;
  systick: [number, number, number, number];
}
