import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../boards/index.ts';
import { TEST_RAM_BASE, testContext } from '../test/peripheral-context.ts';
import { NrfClockPower } from './nrf-clock-power.ts';
import { NrfNvmc } from './nrf-nvmc.ts';
import { NrfRtc } from './nrf-rtc.ts';
import { NrfUarte } from './nrf-uarte.ts';
import { NrfWdt } from './nrf-wdt.ts';

const board = loadBoard('nrf52840dk');
const CONFIG = 0x504;
const ERASEPAGE = 0x508;

function nvmc() {
  const t = testContext(board);
  const controller = new NrfNvmc('NVMC', 0x4001e000, 0x1000, t.context);
  controller.reset('power-on');
  return { ...t, controller };
}

describe('nRF52 NVMC', () => {
  it('programs one word per aligned 32-bit write, only while CONFIG.WEN = Wen', () => {
    const { controller, flash, reports } = nvmc();
    controller.flashWrite(0x1000, 0x12345678, 4);
    expect(flash.opCount).toBe(0);
    controller.write(CONFIG, 1);
    controller.flashWrite(0x1000, 0x12345678, 4);
    controller.flashWrite(0x1006, 0xabcd, 2);
    expect(flash.journal.map((op) => [op.kind, op.offset, op.length])).toEqual([['program', 0x1000, 4]]);
    expect([...flash.peek(0x1000, 4)]).toEqual([0x78, 0x56, 0x34, 0x12]);
    expect(controller.read(0x400)).toBe(1);
    expect(reports.join('\n')).toMatch(/CONFIG.WEN != Wen is ignored[\s\S]*only aligned 32-bit words/);
  });

  it('erases the page written to ERASEPAGE, only while CONFIG.WEN = Een and only at a page start', () => {
    const { controller, flash } = nvmc();
    controller.write(ERASEPAGE, 0x3000);
    controller.write(CONFIG, 2);
    controller.write(ERASEPAGE, 0x3004);
    controller.write(ERASEPAGE, 0x3000);
    expect(flash.journal.map((op) => [op.kind, op.offset, op.length])).toEqual([['erase', 0x3000, 0x1000]]);
  });

  it('writes the UICR page through CONFIG.WEN, keeps it over power-on, and erases it with ERASEUICR', () => {
    const { controller, reports } = nvmc();
    const PSELRESET0 = 0x200;
    expect(controller.uicr.read(PSELRESET0) >>> 0).toBe(0xffffffff);
    controller.uicr.write(PSELRESET0, 18);
    expect(controller.uicr.read(PSELRESET0) >>> 0).toBe(0xffffffff);
    controller.write(CONFIG, 1);
    controller.uicr.write(PSELRESET0, 0x7fffffd2);
    controller.reset('power-on');
    expect(controller.uicr.read(PSELRESET0)).toBe(0x7fffffd2);
    controller.write(CONFIG, 2);
    controller.write(0x514, 1);
    expect(controller.uicr.read(PSELRESET0) >>> 0).toBe(0xffffffff);
    expect(reports[0]).toContain('UICR+0x200 with CONFIG.WEN != Wen is ignored');
  });

  it('reads an unknown register as 0 and reports it', () => {
    const { controller, reports } = nvmc();
    expect(controller.read(0x600)).toBe(0);
    expect(reports).toEqual(['read NVMC+0x600']);
  });
});

describe('nRF52 UARTE0 / UART0', () => {
  function uarte() {
    const t = testContext(board);
    const uart = new NrfUarte('UARTE0', 0x40002000, 0x1000, t.context);
    uart.reset('power-on');
    return { ...t, uart };
  }

  it('sends TXD.MAXCNT bytes from Data RAM by EasyDMA and raises ENDTX with TXD.AMOUNT', () => {
    const { uart, ram, output } = uarte();
    ram.set(new TextEncoder().encode('hi!'), 0x10);
    uart.write(0x500, 8);
    uart.write(0x544, TEST_RAM_BASE + 0x10);
    uart.write(0x548, 3);
    uart.write(0x008, 1);
    expect(String.fromCharCode(...output)).toBe('hi!');
    expect([uart.read(0x120), uart.read(0x150), uart.read(0x54c)]).toEqual([1, 1, 3]);
  });

  it('sends nothing when TXD.PTR is not in Data RAM (EasyDMA cannot read flash)', () => {
    const { uart, output, reports } = uarte();
    uart.write(0x500, 8);
    uart.write(0x544, 0xc200);
    uart.write(0x548, 4);
    uart.write(0x008, 1);
    expect(output).toEqual([]);
    expect(uart.read(0x54c)).toBe(0);
    expect(reports[0]).toContain('not in Data RAM');
  });

  it('sends each byte written to TXD in legacy UART mode after STARTTX, raising TXDRDY', () => {
    const { uart, output } = uarte();
    uart.write(0x500, 4);
    uart.write(0x51c, 0x41);
    uart.write(0x008, 1);
    uart.write(0x51c, 0x42);
    expect(output).toEqual([0x42]);
    expect(uart.read(0x11c)).toBe(1);
  });
});

describe('nRF52 WDT', () => {
  it('expires (CRV + 1) / 32768 s after START unless every enabled RR is reloaded; CRV is frozen while running', () => {
    const t = testContext(board);
    const wdt = new NrfWdt('WDT', 0x40010000, 0x1000, t.context);
    wdt.reset('power-on');
    expect(wdt.expiresAtUs()).toBeUndefined();
    wdt.write(0x504, 32767);
    wdt.write(0x508, 0b11);
    wdt.write(0x000, 1);
    expect(wdt.expiresAtUs()).toBe(1_000_000);
    wdt.write(0x504, 1);
    expect(wdt.read(0x504)).toBe(32767);
    t.clock.nowUs = 500_000;
    wdt.write(0x600, 0x6e524635);
    wdt.write(0x604, 0x12345678);
    expect(wdt.expiresAtUs()).toBe(1_000_000);
    wdt.write(0x604, 0x6e524635);
    expect(wdt.expiresAtUs()).toBe(1_500_000);
    expect(wdt.expiresAtUs(true)).toBe(1_500_000);
  });

  it('pauses while the CPU sleeps when CONFIG.SLEEP = Pause', () => {
    const t = testContext(board);
    const wdt = new NrfWdt('WDT', 0x40010000, 0x1000, t.context);
    wdt.reset('power-on');
    wdt.write(0x50c, 0);
    wdt.write(0x000, 1);
    expect(wdt.expiresAtUs(false)).toBeDefined();
    expect(wdt.expiresAtUs(true)).toBeUndefined();
  });
});

describe('nRF52 CLOCK/POWER', () => {
  it('starts HFCLK at once, and keeps RESETREAS and GPREGRET over warm resets but not power-on', () => {
    const t = testContext(board);
    const power = new NrfClockPower('CLOCK/POWER', 0x40000000, 0x1000, t.context);
    power.reset('power-on');
    power.write(0x000, 1);
    expect([power.read(0x100), power.read(0x40c)]).toEqual([1, 0x10001]);
    power.write(0x51c, 0xb1);
    power.reset('watchdog');
    power.reset('software');
    expect([power.read(0x400), power.read(0x51c), power.read(0x100)]).toEqual([0b110, 0xb1, 0]);
    power.write(0x400, 0b010);
    expect(power.read(0x400)).toBe(0b100);
    power.reset('power-on');
    expect([power.read(0x400), power.read(0x51c)]).toEqual([0, 0]);
  });
});

describe('nRF52 RTC', () => {
  const TICK_US = 1e6 / 32768;
  function rtc() {
    const t = testContext(board);
    const counter = new NrfRtc('RTC1', 0x40011000, 0x1000, t.context);
    counter.reset('power-on');
    return { ...t, counter };
  }

  it('counts LFCLK ticks divided by PRESCALER + 1 from START; STOP freezes, CLEAR zeroes, PRESCALER is frozen while running', () => {
    const { counter, clock } = rtc();
    counter.write(0x508, 1);
    counter.write(0x000, 1);
    counter.write(0x508, 7);
    clock.nowUs = 100 * TICK_US + 0.5;
    expect(counter.read(0x504)).toBe(50);
    counter.write(0x004, 1);
    clock.nowUs += 1000;
    expect(counter.read(0x504)).toBe(50);
    counter.write(0x008, 1);
    expect(counter.read(0x504)).toBe(0);
    expect(counter.read(0x508)).toBe(1);
  });

  it('raises COMPARE[n] when COUNTER reaches CC[n], and interrupt 17 only when INTEN enables it', () => {
    const { counter, clock, interrupts } = rtc();
    counter.write(0x540, 10);
    counter.write(0x544, 20);
    counter.write(0x304, 1 << 17);
    counter.write(0x000, 1);
    expect(counter.nextEventAtUs()).toBeCloseTo(20 * TICK_US, 3);
    clock.nowUs = 15 * TICK_US + 0.5;
    counter.advanceTo(clock.nowUs);
    expect([counter.read(0x140), counter.read(0x144), interrupts]).toEqual([1, 0, []]);
    clock.nowUs = counter.nextEventAtUs()!;
    counter.advanceTo(clock.nowUs);
    expect([counter.read(0x144), interrupts]).toEqual([1, [17]]);
  });

  it('raises OVRFLW when the 24-bit counter wraps (TRIGOVRFLW sets it to 0xFFFFF0)', () => {
    const { counter, clock, interrupts } = rtc();
    counter.write(0x304, 2);
    counter.write(0x000, 1);
    counter.write(0x00c, 1);
    clock.nowUs = 16 * TICK_US + 0.5;
    expect([counter.read(0x504), counter.read(0x104)]).toEqual([0, 1]);
    expect(interrupts).toEqual([17]);
  });
});
