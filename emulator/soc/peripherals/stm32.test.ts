import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../boards/index.ts';
import { BusError } from '../../cpu/index.ts';
import { testContext } from '../test/peripheral-context.ts';
import { Stm32Iwdg } from './stm32-iwdg.ts';
import { STM32F4_PWR, Stm32Pwr } from './stm32-pwr.ts';
import { STM32F4_RCC, Stm32Rcc } from './stm32-rcc.ts';
import { STM32F4_USART, Stm32Usart } from './stm32-usart.ts';
import { Stm32f4Flash } from './stm32f4-flash.ts';
import { STM32L5_FLASH, StmLFlash } from './stm32l-flash.ts';

const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;
const ops = (journal: readonly { kind: string; offset: number; length: number }[]) =>
  journal.map((op) => [op.kind, op.offset, op.length]);

describe('STM32F4 FLASH', () => {
  const KEYR = 0x04;
  const SR = 0x0c;
  const CR = 0x10;
  const PG = 1;
  const SER = 2;
  const STRT = 1 << 16;
  const PSIZE_X32 = 2 << 8;
  const PGPERR = 1 << 6;
  const PGSERR = 1 << 7;

  function f4() {
    const t = testContext(loadBoard('stm32f429zi'));
    const controller = new Stm32f4Flash('FLASH', 0x40023c00, 0x400, t.context);
    controller.reset('power-on');
    return { ...t, controller };
  }

  it('keeps CR locked until KEY1 then KEY2; a wrong key is a bus error and locks it until reset', () => {
    const { controller } = f4();
    controller.write(CR, PG);
    expect(controller.read(CR) >>> 0).toBe(0x80000000);
    expect(() => controller.write(KEYR, KEY2)).toThrow(BusError);
    expect(() => controller.write(KEYR, KEY1)).toThrow(BusError);
    expect(controller.read(CR) >>> 31).toBe(1);
    controller.reset('pin');
    controller.write(KEYR, KEY1);
    controller.write(KEYR, KEY2);
    expect(controller.read(CR)).toBe(0);
  });

  it('programs one PSIZE-wide unit per write with PG set; a size other than PSIZE is PGPERR, no PG is PGSERR', () => {
    const { controller, flash } = f4();
    controller.flashWrite(0x8000, 0x11, 1);
    expect(controller.read(SR)).toBe(PGSERR);
    controller.write(SR, PGSERR);
    controller.write(KEYR, KEY1);
    controller.write(KEYR, KEY2);
    controller.write(CR, PG | PSIZE_X32);
    controller.flashWrite(0x8000, 0xa5a55a5a, 4);
    controller.flashWrite(0x8004, 0x11, 1);
    expect(ops(flash.journal)).toEqual([['program', 0x8000, 4]]);
    expect([...flash.peek(0x8000, 4)]).toEqual([0x5a, 0x5a, 0xa5, 0xa5]);
    expect(controller.read(SR)).toBe(PGPERR);
  });

  it('erases sector SNB with SER + STRT, numbering bank 2 from SNB 16 (F42x dual bank)', () => {
    const { controller, flash } = f4();
    controller.write(KEYR, KEY1);
    controller.write(KEYR, KEY2);
    controller.write(CR, SER | (5 << 3) | STRT);
    controller.write(CR, SER | (16 << 3) | STRT);
    controller.write(CR, SER | (12 << 3) | STRT);
    expect(ops(flash.journal)).toEqual([
      ['erase', 0x20000, 0x20000],
      ['erase', 0x100000, 0x4000],
    ]);
    expect(controller.read(SR)).not.toBe(0);
    expect(controller.read(CR) & STRT).toBe(0);
  });
});

describe('STM32L5 FLASH (non-secure registers)', () => {
  const NSKEYR = 0x08;
  const NSSR = 0x20;
  const NSCR = 0x28;
  const PG = 1;
  const PER = 2;
  const BKER = 1 << 11;
  const STRT = 1 << 16;
  const PROGERR = 1 << 3;
  const PGAERR = 1 << 5;
  const SIZERR = 1 << 6;
  const PGSERR = 1 << 7;

  function l5() {
    const t = testContext(loadBoard('nucleo_l552ze_q'));
    const controller = new StmLFlash('FLASH', 0x40022000, t.context, STM32L5_FLASH);
    controller.reset('power-on');
    controller.write(NSKEYR, KEY1);
    controller.write(NSKEYR, KEY2);
    return { ...t, controller };
  }

  it('programs a double word as one operation when its second word is written', () => {
    const { controller, flash } = l5();
    controller.write(NSCR, PG);
    controller.flashWrite(0x800, 0x03020100, 4);
    expect(flash.opCount).toBe(0);
    controller.flashWrite(0x804, 0x07060504, 4);
    expect(ops(flash.journal)).toEqual([['program', 0x800, 8]]);
    expect([...flash.peek(0x800, 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(controller.read(NSSR)).toBe(0);
  });

  it('flags SIZERR, PGAERR and PROGERR and programs nothing for them', () => {
    const { controller, flash } = l5();
    controller.write(NSCR, PG);
    controller.flashWrite(0x800, 0x12, 1);
    expect(controller.read(NSSR)).toBe(SIZERR);
    controller.write(NSSR, SIZERR);
    controller.flashWrite(0x804, 0x12345678, 4);
    expect(controller.read(NSSR)).toBe(PGAERR);
    controller.write(NSSR, PGAERR);
    controller.flashWrite(0x808, 1, 4);
    controller.flashWrite(0x810, 2, 4);
    expect(controller.read(NSSR)).toBe(PGAERR);
    controller.write(NSSR, PGAERR);
    controller.flashWrite(0x818, 0xffff0000, 4);
    controller.flashWrite(0x81c, 0xffffffff, 4);
    controller.flashWrite(0x818, 0x12345678, 4);
    controller.flashWrite(0x81c, 0x12345678, 4);
    expect(controller.read(NSSR)).toBe(PROGERR);
    expect(ops(flash.journal)).toEqual([['program', 0x818, 8]]);
  });

  it('erases page PNB of the bank BKER selects, and refuses to start while an error flag is set', () => {
    const { controller, flash } = l5();
    controller.write(NSCR, PER | (3 << 3) | BKER | STRT);
    expect(ops(flash.journal)).toEqual([['erase', (128 + 3) * 2048, 2048]]);
    controller.write(NSCR, PG);
    controller.flashWrite(0x4, 0, 4);
    controller.write(NSCR, PER | (3 << 3) | STRT);
    expect(controller.read(NSSR)).toBe(PGAERR | PGSERR);
    expect(flash.opCount).toBe(1);
  });
});

describe('STM32F4 RCC, USART and IWDG', () => {
  it('reports oscillators ready as soon as they are switched on, mirrors SW in SWS, and keeps reset flags until RMVF', () => {
    const t = testContext(loadBoard('stm32f429zi'));
    const rcc = new Stm32Rcc('RCC', 0x40023800, t.context, STM32F4_RCC);
    rcc.reset('power-on');
    expect(rcc.read(0x74) >>> 0).toBe(0x0e000000);
    rcc.write(0x00, rcc.read(0x00) | (1 << 16));
    expect(rcc.read(0x00) & (1 << 17)).not.toBe(0);
    rcc.write(0x08, 1);
    expect(rcc.read(0x08)).toBe(0b0101);
    rcc.write(0x74, 1 << 24);
    rcc.reset('watchdog');
    expect(rcc.read(0x74) >>> 0).toBe(0x24000000);
  });

  it('PWR: VOSRDY reads 1 and the over-drive ready flags follow their enables', () => {
    const t = testContext(loadBoard('stm32f429zi'));
    const pwr = new Stm32Pwr('PWR', 0x40007000, t.context, STM32F4_PWR);
    pwr.reset('power-on');
    expect(pwr.read(0x04)).toBe(1 << 14);
    pwr.write(0x00, 1 << 16);
    expect(pwr.read(0x04)).toBe((1 << 14) | (1 << 16));
    pwr.write(0x00, (1 << 16) | (1 << 17));
    expect(pwr.read(0x04)).toBe((1 << 14) | (1 << 16) | (1 << 17));
  });

  it('sends a byte written to DR only with UE and TE set; SR always shows TXE and TC', () => {
    const t = testContext(loadBoard('stm32f429zi'));
    const usart = new Stm32Usart('USART3', 0x40004800, t.context, STM32F4_USART);
    usart.reset('power-on');
    usart.write(0x04, 0x41);
    usart.write(0x0c, (1 << 13) | (1 << 3));
    usart.write(0x04, 0x42);
    expect(t.output).toEqual([0x42]);
    expect(usart.read(0x00) & 0xc0).toBe(0xc0);
    expect(t.reports[0]).toContain('UE/TE');
  });

  it('times out after 4 << PR x (RLR + 1) LSI cycles; PR and RLR change only after the 0x5555 key', () => {
    const t = testContext(loadBoard('stm32f429zi'));
    const iwdg = new Stm32Iwdg('IWDG', 0x40003000, 0x400, t.context);
    iwdg.reset('power-on');
    iwdg.write(0x08, 799);
    expect(iwdg.read(0x08)).toBe(0xfff);
    iwdg.write(0x00, 0x5555);
    iwdg.write(0x04, 1);
    iwdg.write(0x08, 799);
    iwdg.write(0x00, 0xcccc);
    expect(iwdg.expiresAtUs()).toBe(200_000);
    t.clock.nowUs = 150_000;
    iwdg.write(0x00, 0xaaaa);
    expect(iwdg.expiresAtUs()).toBe(350_000);
  });
});
