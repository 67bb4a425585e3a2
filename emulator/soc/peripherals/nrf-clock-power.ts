/**
 * nRF52 CLOCK and POWER (nRF52840 PS v1.7 §5.3, §5.4), which share the block at 0x40000000. Clocks start at once
 * (the HFCLKSTARTED/LFCLKSTARTED events are what startup code waits for). RESETREAS records why the chip reset
 * (write 1 to clear) and, like GPREGRET, survives every reset but power-on.
 */
import { bit, Peripheral, type ResetCause } from '../peripheral.ts';
import { raiseIfEnabled } from './nrf-interrupt.ts';

const TASKS_HFCLKSTART = 0x000;
const TASKS_HFCLKSTOP = 0x004;
const TASKS_LFCLKSTART = 0x008;
const TASKS_LFCLKSTOP = 0x00c;
const EVENTS_HFCLKSTARTED = 0x100;
const EVENTS_LFCLKSTARTED = 0x104;
const RESETREAS = 0x400;
const HFCLKRUN = 0x408;
const HFCLKSTAT = 0x40c;
const LFCLKRUN = 0x414;
const LFCLKSTAT = 0x418;
const LFCLKSRC = 0x518;
const GPREGRET = 0x51c;
const GPREGRET2 = 0x520;
const INTENSET = 0x304;
const INTENCLR = 0x308;
const INTEN_HFCLKSTARTED = 1;
const INTEN_LFCLKSTARTED = 2;
/** POFCON, DCDCEN, DCDCEN0: configuration the model keeps but does not act on. */
const CONFIG_ONLY = [0x510, 0x578, 0x580];

const STAT_RUNNING = bit(16);
const STAT_SRC_XTAL = 1;

/** RESETREAS bits (§5.3.7.11). A power-on reset leaves the register 0. */
const RESETREAS_BIT: Record<ResetCause, number> = {
  'power-on': 0,
  pin: bit(0),
  watchdog: bit(1),
  software: bit(2),
  lockup: bit(3),
};

type ClockPowerState = {
  inten: number;
  hfclkStarted: number;
  lfclkStarted: number;
  hfclkRunning: number;
  lfclkRunning: number;
  lfclksrc: number;
  resetreas: number;
  gpregret: number;
  gpregret2: number;
};

export class NrfClockPower extends Peripheral<ClockPowerState> {
  protected initialState(cause: ResetCause): ClockPowerState {
    const kept = cause === 'power-on' || this.state === undefined ? undefined : this.state;
    return {
      inten: 0,
      hfclkStarted: 0,
      lfclkStarted: 0,
      hfclkRunning: 0,
      lfclkRunning: 0,
      lfclksrc: 0,
      resetreas: (kept?.resetreas ?? 0) | RESETREAS_BIT[cause],
      gpregret: kept?.gpregret ?? 0,
      gpregret2: kept?.gpregret2 ?? 0,
    };
  }

  read(offset: number): number {
    const s = this.state;
    switch (offset) {
      case INTENSET:
      case INTENCLR:
        return s.inten;
      case EVENTS_HFCLKSTARTED:
        return s.hfclkStarted;
      case EVENTS_LFCLKSTARTED:
        return s.lfclkStarted;
      case RESETREAS:
        return s.resetreas >>> 0;
      case HFCLKRUN:
        return s.hfclkRunning;
      case HFCLKSTAT:
        return s.hfclkRunning ? (STAT_RUNNING | STAT_SRC_XTAL) >>> 0 : 0;
      case LFCLKRUN:
        return s.lfclkRunning;
      case LFCLKSTAT:
        return s.lfclkRunning ? (STAT_RUNNING | (s.lfclksrc & 3)) >>> 0 : 0;
      case LFCLKSRC:
        return s.lfclksrc;
      case GPREGRET:
        return s.gpregret;
      case GPREGRET2:
        return s.gpregret2;
      default:
        return CONFIG_ONLY.includes(offset) ? this.readPlain(offset) : this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    switch (offset) {
      case TASKS_HFCLKSTART:
        if (value & 1) {
          s.hfclkRunning = 1;
          s.hfclkStarted = 1;
          raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_HFCLKSTARTED);
        }
        return;
      case TASKS_HFCLKSTOP:
        if (value & 1) s.hfclkRunning = 0;
        return;
      case TASKS_LFCLKSTART:
        if (value & 1) {
          s.lfclkRunning = 1;
          s.lfclkStarted = 1;
          raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_LFCLKSTARTED);
        }
        return;
      case INTENSET:
        s.inten |= value;
        return;
      case INTENCLR:
        s.inten &= ~value;
        return;
      case TASKS_LFCLKSTOP:
        if (value & 1) s.lfclkRunning = 0;
        return;
      case EVENTS_HFCLKSTARTED:
        s.hfclkStarted = value & 1;
        return;
      case EVENTS_LFCLKSTARTED:
        s.lfclkStarted = value & 1;
        return;
      case RESETREAS:
        s.resetreas = (s.resetreas & ~value) >>> 0;
        return;
      case LFCLKSRC:
        s.lfclksrc = value & 0x30003;
        return;
      case GPREGRET:
        s.gpregret = value & 0xff;
        return;
      case GPREGRET2:
        s.gpregret2 = value & 0xff;
        return;
      default:
        if (CONFIG_ONLY.includes(offset)) this.writePlain(offset, value);
        else this.unknownWrite(offset);
    }
  }

}
