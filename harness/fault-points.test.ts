import { describe, expect, it } from 'vitest';
import type { FlashOp } from '../emulator/flash/types.ts';
import { formatPoints, type PhasedOp, parsePoints, sampledSelection, selectOps } from './fault-points.ts';

function op(index: number, kind: FlashOp['kind'], offset: number, length = 1024): PhasedOp {
  return { op: { index, kind, offset, length, startUs: 0, result: 'done' }, phase: 'install' };
}

// Sector 8 stands for a scratch area: `interesting` takes all of it, `systematic` only its status area.
const layout = {
  trailers: [{ offset: 0x7f00, size: 0x100 }, { offset: 0x8000, size: 0x1000 }],
  statusAreas: [{ offset: 0x7f00, size: 0x100 }, { offset: 0x8f00, size: 0x100 }],
  fields: [{ offset: 0x7fc0, size: 0x40 }, { offset: 0x8fc0, size: 0x40 }],
  sectorOf: (offset: number) => Math.floor(offset / 0x1000),
};
// Sector 0: erase, three writes; sector 7: a trailer write; a counter advance.
const OPS = [op(0, 'erase', 0), op(1, 'program', 0), op(2, 'program', 0x400), op(3, 'program', 0x800), op(4, 'program', 0x7f10, 8), op(5, 'counter', 0, 4)];

describe('fault points', () => {
  it('parses all, interesting and random:N, and refuses anything else', () => {
    expect(parsePoints('all')).toEqual({ kind: 'all' });
    expect(parsePoints('random:7')).toEqual({ kind: 'random', count: 7 });
    expect(() => parsePoints('random:0')).toThrow(/--points 'random:0'/);
    expect(parsePoints('systematic')).toEqual({ kind: 'systematic', samples: 8 });
    expect(parsePoints('systematic:0')).toEqual({ kind: 'systematic', samples: 0 });
    expect(parsePoints('systematic:3')).toEqual({ kind: 'systematic', samples: 3 });
    expect(() => parsePoints('systematic:')).toThrow(/--points 'systematic:'/);
    expect(parsePoints('trailer:2')).toEqual({ kind: 'trailer', count: 2 });
    expect(parsePoints('trailer:0')).toEqual({ kind: 'trailer', count: 0 });
    expect(formatPoints(parsePoints('trailer:2'))).toBe('trailer:2');
    expect(() => parsePoints('trailer')).toThrow(/--points 'trailer'/);
    expect(() => parsePoints('trailer:x')).toThrow(/--points 'trailer:x'/);
    expect(() => parsePoints('most')).toThrow(/all, interesting, systematic\[:N\], trailer:N or random:N/);
  });

  it('interesting keeps erases, counters, trailer writes and the first and last write of each sector', () => {
    const picked = selectOps(OPS, { kind: 'interesting' }, layout, 1).map((p) => p.op.index);
    expect(picked).toEqual([0, 1, 3, 4, 5]); // op 2 is a middle write of sector 0
  });

  it('systematic keeps erases, counters, both ends of each program run and every unit of a trailer field, plus N seeded others', () => {
    // A copy through the scratch (sector 8), byte by byte into its status area; then a 4-unit field, a status record.
    const copy = [0x8000, 0x8001, 0x8002, 0x8003].map((offset, i) => op(6 + i, 'program', offset, 1));
    const field = [0x7f10, 0x7f11, 0x7f12, 0x7f13].map((offset, i) => op(10 + i, 'program', offset, 1));
    const ops = [...OPS, ...copy, ...field, op(14, 'program', 0x8f00, 1)];
    const fullCopy = [...copy.slice(0, 3), op(9, 'program', 0x8003, 0xffd)];
    const withCopy = [...OPS, ...fullCopy, ...field, op(14, 'program', 0x8f00, 1)];
    // Sector 0's three contiguous writes are one run: its middle one is left out, as is the middle of the copy.
    expect(selectOps(ops, { kind: 'systematic', samples: 0 }, layout, 1).map((p) => p.op.index)).toEqual([0, 1, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14]);
    // The same copy reaching into the scratch's status area is a run longer than a field: its ends only.
    expect(selectOps(withCopy, { kind: 'systematic', samples: 0 }, layout, 1).map((p) => p.op.index)).toEqual([0, 1, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14]);
    expect(selectOps(withCopy, { kind: 'interesting' }, layout, 1).map((p) => p.op.index)).toContain(7);
    const sampled = selectOps(withCopy, { kind: 'systematic', samples: 1 }, layout, 1).map((p) => p.op.index);
    expect(sampled.filter((i) => [2, 7, 8].includes(i))).toHaveLength(1);
    expect(selectOps(withCopy, { kind: 'systematic', samples: 1 }, layout, 1).map((p) => p.op.index)).toEqual(sampled);
    expect(selectOps(withCopy, { kind: 'systematic', samples: 99 }, layout, 1)).toHaveLength(withCopy.length);
  });

  it('random:N draws N distinct operations, the same for the same seed, in operation order', () => {
    const a = selectOps(OPS, { kind: 'random', count: 3 }, layout, 9).map((p) => p.op.index);
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(selectOps(OPS, { kind: 'random', count: 3 }, layout, 9).map((p) => p.op.index)).toEqual(a);
    expect(selectOps(OPS, { kind: 'random', count: 99 }, layout, 9)).toHaveLength(OPS.length);
  });

  it('trailer:N keeps every trailer-field write and erase of a sector holding one, and draws N others per scenario', () => {
    // Six field writes (the magic and flags of two trailers) and an erase of sector 7 among a copy of 40 writes,
    // 4 other erases and a status record (in the status area, not a field).
    const copy = Array.from({ length: 40 }, (_, i) => op(i, 'program', 0x1000 + i * 0x40, 0x40));
    const erases = [0x1000, 0x2000, 0x3000, 0x4000].map((offset, i) => op(40 + i, 'erase', offset, 0x1000));
    const fields = [0x7fc0, 0x7fd0, 0x7ff0, 0x8fc0, 0x8fd0, 0x8ff0].map((offset, i) => op(44 + i, 'program', offset, 0x10));
    const ops = [...copy, ...erases, ...fields, op(50, 'program', 0x7f00, 8), op(51, 'erase', 0x7000, 0x1000)];
    const trailerOps = [44, 45, 46, 47, 48, 49, 51];
    const picks = (scenario: string, seed = 1) => selectOps(ops, { kind: 'trailer', count: 2 }, layout, seed, scenario).map((p) => p.op.index);
    const a = picks('row001');
    expect(a.filter((i) => trailerOps.includes(i))).toEqual(trailerOps);
    expect(a).toHaveLength(trailerOps.length + 2);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(picks('row001')).toEqual(a);
    // The others are drawn per scenario and per seed.
    const others = (id: string, seed = 1) => picks(id, seed).filter((i) => !trailerOps.includes(i)).join();
    expect(new Set(['row001', 'row002', 'row003', 'row004'].map((id) => others(id))).size).toBeGreaterThan(1);
    expect(new Set([1, 2, 3, 4].map((seed) => others('row001', seed))).size).toBeGreaterThan(1);
    expect(selectOps(ops, { kind: 'trailer', count: 0 }, layout, 1, 'x').map((p) => p.op.index)).toEqual(trailerOps);
    expect(selectOps(ops, { kind: 'trailer', count: 99 }, layout, 1, 'x')).toHaveLength(ops.length);
  });

  it('says which selections draw from the seed', () => {
    expect(sampledSelection(parsePoints('trailer:2'))).toBe(true);
    expect(sampledSelection(parsePoints('trailer:0'))).toBe(false);
    expect(sampledSelection(parsePoints('random:2'))).toBe(true);
    expect(sampledSelection(parsePoints('systematic:8'))).toBe(true);
    expect(sampledSelection(parsePoints('systematic:0'))).toBe(false);
    expect(sampledSelection(parsePoints('interesting'))).toBe(false);
    expect(sampledSelection(undefined)).toBe(false);
  });
});
