import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards/index.ts';
import { boardConfig } from './context.ts';
import { type BootState, compareBoots, type DifferentialCase, namedAreas, runDifferential } from './differential.ts';

const BUILDS = 'images/firmware/build';
const build = (name: string) => ({ bootloader: `${BUILDS}/${name}.elf`, bootloaderConfig: `${BUILDS}/${name}.json` });
const RUN = { board: 'nrf52840dk', seed: 1, jobs: 0, points: 'systematic:0' } as const;

const described = (results: readonly DifferentialCase[]) =>
  results.filter((r) => r.status === 'differs').map((r) => `${r.suite} ${r.id}: ${r.differences.join('; ')}\n  ${r.replay}`);

describe('the differential check of the reference model against our C bootloader', () => {
  it('finds them in the same state after every boot of power-loss, revert, corrupt-image and rollback cases', async () => {
    // Every 20th case of three suites on the swap-move build, every 64th of rollback on the build with a hardware
    // counter: cuts at every kind of systematic point (erases, trailer writes with their torn variants, payload ends).
    const swapMove = await runDifferential({ ...RUN, ...build('bootloader-nrf52840dk-swap-move'), suites: ['power-loss', 'revert', 'corrupt-image'], shard: { index: 1, count: 20 } });
    const counter = await runDifferential({ ...RUN, ...build('bootloader-nrf52840dk-swap-move-counter'), suites: ['rollback'], shard: { index: 1, count: 64 } });
    const results = [...swapMove, ...counter];
    expect(described(results)).toEqual([]);
    const compared = results.filter((r) => r.status === 'same');
    expect(compared.length).toBeGreaterThan(50);
    expect(new Set(compared.map((r) => r.suite))).toEqual(new Set(['power-loss', 'revert', 'corrupt-image', 'rollback']));
    const cuts = compared.filter((r) => /\/op\d+\//.test(r.id));
    expect(cuts.length).toBeGreaterThan(30);
    expect(cuts.some((r) => r.id.includes('/torn-u'))).toBe(true);
    expect(cuts.some((r) => /\/torn-e\d/.test(r.id))).toBe(true);
    // Every case compared at least one boot; most recoveries take two (the one that finishes, the one that settles).
    expect(compared.every((r) => r.boots >= 1)).toBe(true);
    expect(cuts.reduce((sum, r) => sum + r.boots, 0)).toBeGreaterThan(1.5 * cuts.length);
  }, 180_000);

  it("agrees from the model's cut points too: the binary recovers from the states the model's write order leaves", async () => {
    const results = await runDifferential({ ...RUN, ...build('bootloader-nrf52840dk-swap-move'), suites: ['power-loss'], cuts: 'model', shard: { index: 1, count: 24 } });
    expect(described(results)).toEqual([]);
    const cuts = results.filter((r) => r.status === 'same' && /\/op\d+\//.test(r.id));
    expect(cuts.length).toBeGreaterThan(10);
    // The model programs whole runs: a download of a few KiB is a handful of operations, not one per word.
    expect(Math.max(...cuts.map((r) => Number(/\/op(\d+)\//.exec(r.id)![1])))).toBeLessThan(1000);
    expect(results[0].replay).toContain('--cuts model');
  }, 120_000);

  it('names the field where a binary that never records its swap progress leaves other bytes than the model', async () => {
    const results = await runDifferential({
      ...RUN,
      ...build('bootloader-nrf52840dk-swap-move-mutant-no-progress'),
      suites: ['power-loss'],
      only: ['upgrade/install/op2167/not-started'],
    });
    expect(results.map((r) => r.status)).toEqual(['differs']);
    const [first] = results[0].differences;
    expect(first).toMatch(/^after the cut: boot 1: primary trailer status record 0 at 0x729d0: binary f{32}, model 01ffffff01ffffff01ffffff/);
    expect(results[0].replay).toContain('--only upgrade/install/op2167/not-started');
  }, 60_000);
});

describe('compareBoots', () => {
  const board = loadBoard('nrf52840dk');
  const config = { ...boardConfig(board, { strategy: 'swap-move' }) };
  const areas = namedAreas(board, config);
  const erased = () => areas.map((a) => new Uint8Array(a.region.size).fill(0xff));
  const state = (outcome: string, change?: (areas: Uint8Array[]) => void): BootState => {
    const bytes = erased();
    change?.(bytes);
    return { outcome, areas: bytes, counters: [0], detail: outcome === 'halt' ? 'no bootable image' : '' };
  };
  const running = "hand-off to image 0 primary 'new'";

  it('finds nothing in two equal sequences', () => {
    expect(compareBoots([state(running), state(running)], [state(running), state(running)], areas)).toEqual([]);
  });

  it('names the trailer field and its flash address where the bytes differ first, and counts the other fields', () => {
    const secondary = areas[1];
    const size = secondary.region.size;
    const swapInfo = size - 16 - 8 * 3; // the magic write, image_ok, copy_done, then swap_info (BOOT_MAX_ALIGN 8)
    const lines = compareBoots(
      [state(running, (a) => a[1].set([0x02], swapInfo))],
      [
        state(running, (a) => {
          a[1].set([0x04], swapInfo);
          a[1].set([0x01], swapInfo + 8);
        }),
      ],
      areas,
    );
    expect(lines).toEqual([
      `boot 1: secondary trailer swap_info at 0x${(secondary.region.offset + swapInfo).toString(16)}: binary 02${'ff'.repeat(15)}, model 04${'ff'.repeat(7)}01${'ff'.repeat(7)} (and 1 more field: copy_done)`,
    ]);
  });

  it('reports an outcome, a counter and a number of boots that differ', () => {
    const binary = [state('halt'), { ...state(running), counters: [2] }];
    const model = [state(running), state(running), state(running)];
    expect(compareBoots(binary, model, areas)).toEqual([
      `boot 1: binary halt (no bootable image), model ${running}`,
      'boot 2: security counter of image 0: binary 2, model 0',
      `boot 3: the binary had settled; the other booted again (${running})`,
    ]);
  });

  it('names the status records below the trailer fields', () => {
    const lines = compareBoots([state(running, (a) => a[0].set([0x01], 8))], [state(running)], areas);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^boot 1: primary trailer status record 2 at /);
  });
});
