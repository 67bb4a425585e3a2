import { describe, expect, it } from 'vitest';
import { runEachWithTimeLimit, TimeLimitExceeded } from './user-code.ts';

/** Busy for `ms` by the clock, as a slow synchronous bootloader is: only the vm watchdog can stop it. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

type Item = { readonly name: string; readonly ms: number };
type Seen = { name: string; outcome: string };

function runAll(items: readonly Item[], limitMs: number, stopAt?: string, pauseAt?: string) {
  const runs: string[] = [];
  const seen: Seen[] = [];
  runEachWithTimeLimit(
    items,
    (item) => {
      runs.push(item.name);
      busy(item.ms);
      return item.name;
    },
    limitMs,
    (item, result) => {
      seen.push({ name: item.name, outcome: result instanceof TimeLimitExceeded ? 'timed out' : result });
      return item.name !== stopAt;
    },
    (result) => result === pauseAt,
  );
  return { runs, seen };
}

describe('runEachWithTimeLimit', () => {
  it('gives each item its whole limit: one struck late in a shared call runs again first of the next', () => {
    // b starts about 150 ms into the call and needs 300 ms: the call's 400 ms strike it, alone it finishes.
    const { runs, seen } = runAll(
      [
        { name: 'a', ms: 150 },
        { name: 'b', ms: 300 },
        { name: 'c', ms: 0 },
      ],
      400,
    );
    expect(seen).toEqual([
      { name: 'a', outcome: 'a' },
      { name: 'b', outcome: 'b' },
      { name: 'c', outcome: 'c' },
    ]);
    expect(runs).toEqual(['a', 'b', 'b', 'c']);
  });

  it('reports an item that runs past its limit alone as timed out, once, and goes on with the next', () => {
    const { runs, seen } = runAll(
      [
        { name: 'a', ms: 0 },
        { name: 'loops', ms: 60_000 },
        { name: 'c', ms: 0 },
      ],
      200,
    );
    expect(seen).toEqual([
      { name: 'a', outcome: 'a' },
      { name: 'loops', outcome: 'timed out' },
      { name: 'c', outcome: 'c' },
    ]);
    expect(runs).toEqual(['a', 'loops', 'loops', 'c']);
  });

  it('runs no item after the one whose result stops it, even inside one call', () => {
    const items = ['a', 'b', 'c', 'd'].map((name) => ({ name, ms: 0 }));
    const { runs, seen } = runAll(items, 1_000, 'b', 'b');
    expect(seen.map((s) => s.name)).toEqual(['a', 'b']);
    expect(runs).toEqual(['a', 'b']);
  });

  it('hands results over in order, many per call', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ name: `i${i}`, ms: 0 }));
    const { runs, seen } = runAll(items, 1_000);
    expect(seen.map((s) => s.outcome)).toEqual(items.map((i) => i.name));
    expect(runs).toHaveLength(500);
  });
});
