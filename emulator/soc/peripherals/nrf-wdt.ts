/**
 * nRF52 WDT (nRF52840 PS v1.7 §6.36): once started it cannot be stopped; it times out after (CRV + 1) cycles of
 * the 32.768 kHz LFCLK unless every reload request enabled in RREN is written with 0x6E524635. CRV, RREN and
 * CONFIG are read-only while it runs.
 */
import { Peripheral, type ResetCause, type Watchdog } from '../peripheral.ts';

const TASKS_START = 0x000;
const EVENTS_TIMEOUT = 0x100;
const INTENSET = 0x304;
const INTENCLR = 0x308;
const RUNSTATUS = 0x400;
const REQSTATUS = 0x404;
const CRV = 0x504;
const RREN = 0x508;
const CONFIG = 0x50c;
const RR0 = 0x600;
const RR7 = 0x61c;
const RELOAD_VALUE = 0x6e524635;
const LFCLK_HZ = 32768;
const CONFIG_SLEEP_RUN = 1;

type WdtState = {
  running: number;
  expiresAtUs: number;
  crv: number;
  rren: number;
  config: number;
  intenset: number;
  /** Reload requests written since the last reload, one bit per RR[n]. */
  reloaded: number;
};

export class NrfWdt extends Peripheral<WdtState> implements Watchdog {
  protected initialState(_cause: ResetCause): WdtState {
    return { running: 0, expiresAtUs: 0, crv: 0xffffffff, rren: 1, config: 1, intenset: 0, reloaded: 0 };
  }

  /** CONFIG.SLEEP (bit 0) = 0 pauses the counter while the CPU sleeps. */
  expiresAtUs(coreAsleep = false): number | undefined {
    if (!this.state.running || (coreAsleep && (this.state.config & CONFIG_SLEEP_RUN) === 0)) return undefined;
    return this.state.expiresAtUs;
  }

  read(offset: number): number {
    const s = this.state;
    switch (offset) {
      case EVENTS_TIMEOUT:
        return 0;
      case INTENSET:
      case INTENCLR:
        return s.intenset;
      case RUNSTATUS:
        return s.running;
      case REQSTATUS:
        return (s.rren & ~s.reloaded) >>> 0;
      case CRV:
        return s.crv >>> 0;
      case RREN:
        return s.rren;
      case CONFIG:
        return s.config;
      default:
        return offset >= RR0 && offset <= RR7 ? 0 : this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    switch (offset) {
      case TASKS_START:
        if (value & 1 && !s.running) {
          s.running = 1;
          s.reloaded = 0;
          this.reload();
        }
        return;
      case EVENTS_TIMEOUT:
        return;
      case INTENSET:
        s.intenset |= value & 1;
        return;
      case INTENCLR:
        s.intenset &= ~value & 1;
        return;
      case CRV:
        if (!s.running) s.crv = value >>> 0;
        return;
      case RREN:
        if (!s.running) s.rren = value & 0xff;
        return;
      case CONFIG:
        if (!s.running) s.config = value & 0x9;
        return;
      default:
        if (offset >= RR0 && offset <= RR7 && (offset & 3) === 0) this.requestReload((offset - RR0) >> 2, value);
        else this.unknownWrite(offset);
    }
  }

  private requestReload(index: number, value: number): void {
    const s = this.state;
    if (!s.running || value >>> 0 !== RELOAD_VALUE || (s.rren & (1 << index)) === 0) return;
    s.reloaded |= 1 << index;
    if ((s.reloaded & s.rren) === s.rren) {
      s.reloaded = 0;
      this.reload();
    }
  }

  private reload(): void {
    this.state.expiresAtUs = this.context.nowUs() + ((this.state.crv + 1) * 1e6) / LFCLK_HZ;
  }
}
