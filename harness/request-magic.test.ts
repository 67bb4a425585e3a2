import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards/index.ts';
import type { FlashOp } from '../emulator/flash/types.ts';
import { boardConfig } from './context.ts';
import { requestMagicWhole } from './request-magic.ts';

const nrf = loadBoard('nrf52840dk');
const stm = loadBoard('stm32f429zi');

/** The request's one magic program (16 bytes at the secondary's end) as operation `index`, after a payload write. */
function requestJournal(board: typeof nrf, index: number): FlashOp[] {
  const { secondary } = board.partitions.images[0];
  const end = secondary.offset + secondary.size;
  return [
    { index: index - 1, kind: 'program', offset: secondary.offset, length: 4096, startUs: 0, result: 'done' },
    { index, kind: 'program', offset: end - 16, length: 16, startUs: 1, result: 'done' },
  ];
}

const action = { opStart: 10, opEnd: 12 };

describe('requestMagicWhole: whether a cut in the upgrade request left its magic whole', () => {
  const scenario = { config: boardConfig(nrf, {}) };
  const journal = requestJournal(nrf, 11);

  it('is whole once the magic write completed, or when the cut came after it', () => {
    expect(requestMagicWhole(nrf, scenario, journal, action, { atOp: 11, outcome: 'completed' })).toBe(true);
    expect(requestMagicWhole(nrf, scenario, [...journal, { ...journal[1], index: 12, offset: 0x1000 }], { opStart: 10, opEnd: 13 }, { atOp: 12, outcome: 'not-started' })).toBe(true);
  });

  it('is not whole when the cut came before or on the magic write, not started', () => {
    expect(requestMagicWhole(nrf, scenario, journal, action, { atOp: 10, outcome: 'torn' })).toBe(false);
    expect(requestMagicWhole(nrf, scenario, journal, action, { atOp: 11, outcome: 'not-started' })).toBe(false);
  });

  it('is not whole after a tear that left only the first words of the magic (what a first-word check reads as GOOD)', () => {
    for (const units of [0, 1, 2, 3]) {
      for (const unit of ['ones', 'weak', 'half'] as const) {
        expect(requestMagicWhole(nrf, scenario, journal, action, { atOp: 11, outcome: 'torn', tear: { units, unit } }), `u${units}-${unit}`).toBe(false);
      }
    }
  });

  it('is whole when a byte-wide unit torn "half" landed whole (STM32F4 programs byte by byte)', () => {
    const stmScenario = { config: boardConfig(stm, {}) };
    const stmJournal = requestJournal(stm, 11);
    expect(requestMagicWhole(stm, stmScenario, stmJournal, action, { atOp: 11, outcome: 'torn', tear: { units: 15, unit: 'half' } })).toBe(true);
    expect(requestMagicWhole(stm, stmScenario, stmJournal, action, { atOp: 11, outcome: 'torn', tear: { units: 15, unit: 'ones' } })).toBe(false);
    expect(requestMagicWhole(stm, stmScenario, stmJournal, action, { atOp: 11, outcome: 'torn', tear: { units: 14, unit: 'half' } })).toBe(false);
  });

  it('always counts as whole under direct-xip (the newest valid slot boots whatever its magic) and without a magic write', () => {
    const xip = { config: { ...scenario.config, strategy: 'direct-xip' as const } };
    expect(requestMagicWhole(nrf, xip, journal, action, { atOp: 11, outcome: 'not-started' })).toBe(true);
    expect(requestMagicWhole(nrf, scenario, journal.slice(0, 1), action, { atOp: 10, outcome: 'not-started' })).toBe(true);
  });
});
