/**
 * nRF52 RTC (nRF52840 PS v1.7 §6.22): a 24-bit counter of the 32.768 kHz LFCLK divided by PRESCALER + 1, with
 * compare registers CC[n] raising COMPARE[n] when COUNTER reaches them, and OVRFLW on wrap. Zephyr's system
 * timer runs on RTC1; its busy-wait reads COUNTER. The counter is computed from virtual time, never stepped.
 */
import { Peripheral, type ResetCause, type TimedPeripheral } from '../peripheral.ts';
import { raiseIfEnabled } from './nrf-interrupt.ts';

const TASKS_START = 0x000;
const TASKS_STOP = 0x004;
const TASKS_CLEAR = 0x008;
const TASKS_TRIGOVRFLW = 0x00c;
const EVENTS_TICK = 0x100;
const EVENTS_OVRFLW = 0x104;
const EVENTS_COMPARE0 = 0x140;
const EVENTS_COMPARE3 = 0x14c;
const INTEN = 0x300;
const INTENSET = 0x304;
const INTENCLR = 0x308;
const EVTEN = 0x340;
const EVTENSET = 0x344;
const EVTENCLR = 0x348;
const COUNTER = 0x504;
const PRESCALER = 0x508;
const CC0 = 0x540;
const CC3 = 0x54c;
const LFCLK_HZ = 32768;
const COUNTER_MASK = 0xffffff;
const TICK = 1;
const OVRFLW = 2;
const COMPARE = (n: number): number => 1 << (16 + n);
const CHANNELS = 4;

type RtcState = {
  running: number;
  /** COUNTER at `baseUs`; while stopped, the frozen COUNTER. */
  baseCounter: number;
  baseUs: number;
  /** Ticks since `baseUs` already turned into events. */
  checkedTicks: number;
  prescaler: number;
  events: number;
  inten: number;
  evten: number;
  cc0: number;
  cc1: number;
  cc2: number;
  cc3: number;
};

export class NrfRtc extends Peripheral<RtcState> implements TimedPeripheral {
  protected initialState(_cause: ResetCause): RtcState {
    return { running: 0, baseCounter: 0, baseUs: 0, checkedTicks: 0, prescaler: 0, events: 0, inten: 0, evten: 0, cc0: 0, cc1: 0, cc2: 0, cc3: 0 };
  }

  read(offset: number): number {
    const s = this.state;
    this.advanceTo(this.context.nowUs());
    if (offset >= EVENTS_COMPARE0 && offset <= EVENTS_COMPARE3) return (s.events & COMPARE((offset - EVENTS_COMPARE0) >> 2)) !== 0 ? 1 : 0;
    if (offset >= CC0 && offset <= CC3) return this.cc((offset - CC0) >> 2);
    switch (offset) {
      case EVENTS_TICK:
        return s.events & TICK;
      case EVENTS_OVRFLW:
        return (s.events & OVRFLW) >> 1;
      case INTEN:
      case INTENSET:
      case INTENCLR:
        return s.inten >>> 0;
      case EVTEN:
      case EVTENSET:
      case EVTENCLR:
        return s.evten >>> 0;
      case COUNTER:
        return this.counterAt(this.context.nowUs());
      case PRESCALER:
        return s.prescaler;
      default:
        return this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    const now = this.context.nowUs();
    this.advanceTo(now);
    if (offset >= EVENTS_COMPARE0 && offset <= EVENTS_COMPARE3) {
      this.writeEvent(COMPARE((offset - EVENTS_COMPARE0) >> 2), value);
      return;
    }
    if (offset >= CC0 && offset <= CC3) {
      (s as Record<string, number>)[`cc${(offset - CC0) >> 2}`] = value & COUNTER_MASK;
      return;
    }
    switch (offset) {
      case TASKS_START:
        if (value & 1 && !s.running) this.rebase(now, s.baseCounter, 1);
        return;
      case TASKS_STOP:
        if (value & 1 && s.running) this.rebase(now, this.counterAt(now), 0);
        return;
      case TASKS_CLEAR:
        if (value & 1) this.rebase(now, 0, s.running);
        return;
      case TASKS_TRIGOVRFLW:
        if (value & 1) this.rebase(now, 0xfffff0, s.running);
        return;
      case EVENTS_TICK:
        this.writeEvent(TICK, value);
        return;
      case EVENTS_OVRFLW:
        this.writeEvent(OVRFLW, value);
        return;
      case INTEN:
        s.inten = value >>> 0;
        this.interruptIfPending();
        return;
      case INTENSET:
        s.inten = (s.inten | value) >>> 0;
        this.interruptIfPending();
        return;
      case INTENCLR:
        s.inten = (s.inten & ~value) >>> 0;
        return;
      case EVTEN:
        s.evten = value >>> 0;
        return;
      case EVTENSET:
        s.evten = (s.evten | value) >>> 0;
        return;
      case EVTENCLR:
        s.evten = (s.evten & ~value) >>> 0;
        return;
      case PRESCALER:
        // §6.22.10: PRESCALER can only be written while the RTC is stopped.
        if (!s.running) s.prescaler = value & 0xfff;
        return;
      default:
        this.unknownWrite(offset);
    }
  }

  nextEventAtUs(): number | undefined {
    const s = this.state;
    if (!s.running) return undefined;
    let nextTick = Number.POSITIVE_INFINITY;
    if (s.inten & TICK) nextTick = s.checkedTicks + 1;
    if (s.inten & OVRFLW) nextTick = Math.min(nextTick, this.nextTickReaching(0));
    for (let n = 0; n < CHANNELS; n++) if (s.inten & COMPARE(n)) nextTick = Math.min(nextTick, this.nextTickReaching(this.cc(n)));
    if (nextTick === Number.POSITIVE_INFINITY) return undefined;
    // A hair past the tick, so that `ticksAt` of the returned time counts it despite rounding.
    return s.baseUs + nextTick * this.tickUs() + 1e-6;
  }

  advanceTo(nowUs: number): void {
    const s = this.state;
    if (!s.running) return;
    const to = this.ticksAt(nowUs);
    if (to <= s.checkedTicks) return;
    let fired = TICK;
    if (this.nextTickReaching(0) <= to) fired |= OVRFLW;
    for (let n = 0; n < CHANNELS; n++) if (this.nextTickReaching(this.cc(n)) <= to) fired |= COMPARE(n);
    s.checkedTicks = to;
    s.events = (s.events | fired) >>> 0;
    raiseIfEnabled(this.context, this.base, s.inten, fired);
  }

  private cc(n: number): number {
    return (this.state as Record<string, number>)[`cc${n}`]!;
  }

  private tickUs(): number {
    return ((this.state.prescaler + 1) * 1e6) / LFCLK_HZ;
  }

  private ticksAt(nowUs: number): number {
    return Math.floor((nowUs - this.state.baseUs) / this.tickUs());
  }

  private counterAt(nowUs: number): number {
    const s = this.state;
    return s.running ? (s.baseCounter + this.ticksAt(nowUs)) & COUNTER_MASK : s.baseCounter;
  }

  /** The first tick after the ones already checked at which COUNTER becomes `value`. */
  private nextTickReaching(value: number): number {
    const s = this.state;
    return ((value - s.baseCounter - s.checkedTicks - 1) & COUNTER_MASK) + s.checkedTicks + 1;
  }

  private rebase(nowUs: number, counter: number, running: number): void {
    Object.assign(this.state, { baseUs: nowUs, baseCounter: counter, checkedTicks: 0, running });
  }

  private writeEvent(mask: number, value: number): void {
    this.state.events = (value & 1 ? this.state.events | mask : this.state.events & ~mask) >>> 0;
  }

  /** nRF interrupts are levels: enabling one whose event is already set raises it at once. */
  private interruptIfPending(): void {
    raiseIfEnabled(this.context, this.base, this.state.inten, this.state.events);
  }
}
