/**
 * STM32 RCC, the part startup code waits on: every oscillator or PLL switched on reports ready at once, the
 * system clock switch (CFGR.SW) is mirrored in CFGR.SWS, and CSR holds the reset flags (RMVF clears them). The
 * many enable and configuration registers simply hold what is written. Family differences are data (RccMap).
 */
import { bit, Peripheral, type PeripheralContext, type ResetCause } from '../peripheral.ts';

export interface RccMap {
  readonly cr: number;
  readonly crReset: number;
  readonly cfgr: number;
  readonly csr: number;
  /** CSR right after a power-on reset (flags and any non-flag reset bits). */
  readonly csrPowerOn: number;
  /** The flag bits a reset of each cause sets (internal resets also pulse NRST, so PINRSTF comes along). */
  readonly csrFlags: Record<ResetCause, number>;
  readonly csrRemoveFlags: number;
  /** Every oscillator enable bit and the ready bit that follows it, per register offset. */
  readonly ready: readonly { readonly register: number; readonly on: number; readonly ready: number }[];
}

const RESET_FLAGS = 0xfe000000;

/** RM0090 rev 19 §6.3 (STM32F42x/43x). */
export const STM32F4_RCC: RccMap = {
  cr: 0x00,
  crReset: 0x00000083,
  cfgr: 0x08,
  csr: 0x74,
  csrPowerOn: bit(27) | bit(26) | bit(25),
  csrFlags: {
    'power-on': bit(27) | bit(26) | bit(25),
    pin: bit(26),
    software: bit(28) | bit(26),
    watchdog: bit(29) | bit(26),
    lockup: bit(28) | bit(26),
  },
  csrRemoveFlags: bit(24),
  ready: [
    { register: 0x00, on: bit(0), ready: bit(1) },
    { register: 0x00, on: bit(16), ready: bit(17) },
    { register: 0x00, on: bit(24), ready: bit(25) },
    { register: 0x00, on: bit(26), ready: bit(27) },
    { register: 0x00, on: bit(28), ready: bit(29) },
    { register: 0x70, on: bit(0), ready: bit(1) },
    { register: 0x74, on: bit(0), ready: bit(1) },
  ],
};

/** RM0351 §6.4 (STM32L4) and RM0438 §9.8 (STM32L5): the same layout for what is modelled here. */
export const STM32L4_L5_RCC: RccMap = {
  cr: 0x00,
  crReset: 0x00000063,
  cfgr: 0x08,
  csr: 0x94,
  csrPowerOn: bit(27) | bit(26) | 0x600,
  csrFlags: {
    'power-on': bit(27) | bit(26),
    pin: bit(26),
    software: bit(28) | bit(26),
    watchdog: bit(29) | bit(26),
    lockup: bit(28) | bit(26),
  },
  csrRemoveFlags: bit(23),
  ready: [
    { register: 0x00, on: bit(0), ready: bit(1) },
    { register: 0x00, on: bit(8), ready: bit(10) },
    { register: 0x00, on: bit(16), ready: bit(17) },
    { register: 0x00, on: bit(24), ready: bit(25) },
    { register: 0x00, on: bit(26), ready: bit(27) },
    { register: 0x90, on: bit(0), ready: bit(1) },
    { register: 0x94, on: bit(0), ready: bit(1) },
    { register: 0x98, on: bit(0), ready: bit(1) },
  ],
};

export class Stm32Rcc extends Peripheral {
  private readonly map: RccMap;

  constructor(name: string, base: number, context: PeripheralContext, map: RccMap) {
    super(name, base, 0x400, context);
    this.map = map;
  }

  protected initialState(cause: ResetCause): Record<string, number> {
    const previousFlags = cause === 'power-on' || this.state === undefined ? 0 : this.readPlain(this.map.csr) & RESET_FLAGS;
    const csr = cause === 'power-on' ? this.map.csrPowerOn : (previousFlags | this.map.csrFlags[cause]) >>> 0;
    return { [`@${this.map.cr}`]: this.map.crReset, [`@${this.map.csr}`]: csr >>> 0 };
  }

  read(offset: number): number {
    return this.readPlain(offset);
  }

  write(offset: number, value: number): void {
    let stored = value >>> 0;
    if (offset === this.map.cfgr) {
      stored = ((stored & ~0xc) | ((stored & 3) << 2)) >>> 0;
    } else if (offset === this.map.csr) {
      const flags = (stored & this.map.csrRemoveFlags) !== 0 ? 0 : this.readPlain(offset) & RESET_FLAGS;
      stored = ((stored & ~RESET_FLAGS & ~this.map.csrRemoveFlags) | flags) >>> 0;
    }
    for (const pair of this.map.ready) {
      if (pair.register !== offset) continue;
      stored = (stored & pair.on ? stored | pair.ready : stored & ~pair.ready) >>> 0;
    }
    this.writePlain(offset, stored);
  }
}
