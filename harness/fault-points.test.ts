import { describe, expect, it } from 'vitest';
import type { FlashOp } from '../emulator/flash/types.ts';
import { type PhasedOp, parsePoints, selectOps } from './fault-points.ts';

function op(index: number, kind: FlashOp['kind'], offset: number, length = 1024): PhasedOp {
  return { op: { index, kind, offset, length, startUs: 0, result: 'done' }, phase: 'install' };
}

const layout = { trailers: [{ offset: 0x7f00, size: 0x100 }], sectorOf: (offset: number) => Math.floor(offset / 0x1000) };
// Sector 0: erase, three writes; sector 7: a trailer write; a counter advance.
const OPS = [op(0, 'erase', 0), op(1, 'program', 0), op(2, 'program', 0x400), op(3, 'program', 0x800), op(4, 'program', 0x7f10, 8), op(5, 'counter', 0, 4)];

describe('fault points', () => {
  it('parses all, interesting and random:N, and refuses anything else', () => {
    expect(parsePoints('all')).toEqual({ kind: 'all' });
    expect(parsePoints('random:7')).toEqual({ kind: 'random', count: 7 });
    expect(() => parsePoints('random:0')).toThrow(/--points 'random:0'/);
    expect(() => parsePoints('most')).toThrow(/all, interesting or random:N/);
  });

  it('interesting keeps erases, counters, trailer writes and the first and last write of each sector', () => {
    const picked = selectOps(OPS, { kind: 'interesting' }, layout, 1).map((p) => p.op.index);
    expect(picked).toEqual([0, 1, 3, 4, 5]); // op 2 is a middle write of sector 0
  });

  it('random:N draws N distinct operations, the same for the same seed, in operation order', () => {
    const a = selectOps(OPS, { kind: 'random', count: 3 }, layout, 9).map((p) => p.op.index);
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(selectOps(OPS, { kind: 'random', count: 3 }, layout, 9).map((p) => p.op.index)).toEqual(a);
    expect(selectOps(OPS, { kind: 'random', count: 99 }, layout, 9)).toHaveLength(OPS.length);
  });
});
