import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { NoClock, ReferenceBootloader, setPending, writeUpdate } from '../../emulator/boot/index.ts';
import { NorFlash, PowerCut } from '../../emulator/flash/index.ts';
import { boardConfig } from '../context.ts';
import { Fixtures } from '../fixtures.ts';
import { ServedBoard } from './served-board.ts';

const board = loadBoard('nrf52840dk');
const config = boardConfig(board, {});
const fixtures = new Fixtures(board, config, 1);
const slots = board.partitions.images[0];

describe('ServedBoard', () => {
  let now = 0;
  let printed: string[];
  let served: ServedBoard;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
    printed = [];
    served = new ServedBoard({
      board,
      config,
      bootloader: new ReferenceBootloader(),
      trust: fixtures.trust(),
      send: (bytes) => printed.push(...Buffer.from(bytes).toString().split('\n').filter(Boolean)),
      now: () => now,
    });
    served.flash.load(slots.primary.offset, fixtures.pair.from);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The old image running, the new one downloaded and pending: the next boot swaps. */
  function pendingUpdate(): void {
    const app = { flash: served.flash, board, config };
    writeUpdate(app, 0, fixtures.pair.to);
    setPending(app, 0, false);
  }

  it('prints the banner once the boot has taken its flash time, then answers as the application', () => {
    served.powerOn();
    expect(served.state).toBe('booting');
    expect(printed).toEqual(['*** Booting MCUboot (bootproof reference) ***']);
    vi.advanceTimersByTime(25); // no flash work: only the 20 ms the bootloader needs besides
    expect(served.state).toBe('app');
    expect(printed.at(-1)).toBe('bootproof-app 1.0.0+0 slot=0');
  });

  it('leaves the flash as a cut at the operation in progress leaves it, when the power goes mid-swap', () => {
    pendingUpdate();
    const before = served.flash.snapshot();
    served.powerOn();
    const swapOps = served.flash.journal.filter((op) => op.index >= before.opCount);
    expect(swapOps.length).toBeGreaterThan(10);
    const victim = swapOps[Math.floor(swapOps.length / 2)];
    now = (victim.startUs - before.nowUs + 1) / 1000; // 1 µs into that operation, at speedup 1
    const cut = served.powerOff();
    expect(cut.landed).toMatchObject({ op: victim.index, outcome: 'torn' });
    expect(served.state).toBe('off');
    vi.runAllTimers();
    expect(printed.at(-1)).not.toMatch(/bootproof-app/); // the boot never finished

    const reference = new NorFlash(board.flash);
    reference.restore(before);
    reference.armPowerCut({ atOp: victim.index, outcome: 'torn', seed: cut.landed!.seed });
    expect(() => new ReferenceBootloader().boot({ flash: reference, board, config, trust: fixtures.trust(), clock: new NoClock() })).toThrow(PowerCut);
    expect(Buffer.compare(served.flash.peek(0, served.flash.size), reference.peek(0, reference.size))).toBe(0);

    served.powerOn(); // the swap resumes from what the cut left
    vi.runAllTimers();
    expect(printed.at(-1)).toBe('bootproof-app 2.0.0+0 slot=0');
  });

  it('tears an operation the same way whatever cuts it served before, so a replay of one case reproduces', () => {
    pendingUpdate();
    const factory = served.flash.snapshot();
    const cutMidSwap = (): { seed: number; flash: Uint8Array } => {
      served.flash.restore(factory);
      now = 0;
      served.powerOn();
      const ops = served.flash.journal.filter((op) => op.index >= factory.opCount);
      now = (ops[Math.floor(ops.length / 2)].startUs - factory.nowUs + 1) / 1000;
      const seed = served.powerOff().landed!.seed;
      return { seed, flash: served.flash.peek(0, served.flash.size) };
    };
    const first = cutMidSwap();
    const again = cutMidSwap(); // the same cut on a board that has served one before
    expect(again.seed).toBe(first.seed);
    expect(Buffer.compare(again.flash, first.flash)).toBe(0);
  });

  it('a cut after the boot finished its flash work changes nothing', () => {
    pendingUpdate();
    served.powerOn();
    const after = served.flash.peek(0, served.flash.size);
    now = 1e9;
    expect(served.powerOff().landed).toBeUndefined();
    expect(Buffer.compare(served.flash.peek(0, served.flash.size), after)).toBe(0);
  });

  it('halts and says why when no slot holds a bootable image', () => {
    served.program(slots.primary.offset, new Uint8Array(16).fill(0xff));
    served.powerOn();
    vi.runAllTimers();
    expect(served.state).toBe('halted');
    expect(printed.at(-1)).toMatch(/^bootproof-boot halted: .*primary/);
  });

  it('programs like a probe with sector erase: touched sectors erased, bytes written, the board left off', () => {
    served.powerOn();
    served.program(slots.secondary.offset + 8, Uint8Array.of(1, 2, 3));
    expect(served.state).toBe('off');
    const sector = served.flash.peek(slots.secondary.offset, 4096);
    expect([...sector.subarray(0, 12)]).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 1, 2, 3, 255]);
    expect(sector.subarray(12).every((b) => b === 0xff)).toBe(true);
    expect(() => served.program(served.flash.size - 2, Uint8Array.of(1, 2, 3))).toThrow(/lies outside the 1048576-byte flash/);
  });

  it('stops a bootloader that loops on flash operations, as a fault, instead of freezing the board', () => {
    const runaway = new ServedBoard({
      board,
      config,
      bootloader: { name: 'runaway', boot: (ctx) => { for (;;) ctx.flash.erase(slots.secondary.offset); } },
      trust: fixtures.trust(),
      send: (bytes) => printed.push(Buffer.from(bytes).toString().trim()),
      now: () => now,
    });
    runaway.powerOn();
    vi.runAllTimers();
    expect(runaway.state).toBe('fault');
    expect(printed.at(-1)).toMatch(/^bootproof-boot fault: BootBudgetExceeded: the bootloader performed more than \d+ flash operations in one boot/);
  });

  it('serves serial recovery instead of booting while the recovery button is held', () => {
    served.recoveryButton = true;
    served.powerOn();
    expect(served.state).toBe('recovery');
    expect(printed.at(-1)).toMatch(/^bootproof-recovery: /);
  });
});
