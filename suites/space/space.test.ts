/**
 * scenario-space on a bootloader binary: its rows keep to the build's configuration (strategy, image count,
 * downgrade prevention, counters, its one built-in key), so every row runs on the binary instead of being skipped,
 * and the combinations the build cannot take are listed with the reason.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../../harness/context.ts';
import scenarioSpace from '../scenario-space.ts';

const build = (name: string, ext: string): string => join('images', 'firmware', 'build', `${name}.${ext}`);

async function binaryContext(board: string, name: string) {
  return buildRunContext({
    suites: ['power-loss'],
    board,
    bootloader: build(name, 'elf'),
    bootloaderConfig: build(name, 'json'),
    seed: 1,
    jobs: 0,
    profile: 'quick',
  });
}

describe('scenario-space rows on a bootloader binary', () => {
  it("keeps every row to the build's configuration, so the binary takes each one", async () => {
    const ctx = await binaryContext('nrf52840dk', 'bootloader-nrf52840dk-swap-move');
    const rows = scenarioSpace.scenarios(ctx.suiteContext);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      expect(row.config).toMatchObject({ strategy: 'swap-move', imageCount: 1, downgradePrevention: 'version', hardwareRollback: false });
      expect(ctx.scenarioSkip?.(row), row.id).toBeUndefined();
      expect(row.factory.counters).toBeUndefined();
    }
    const excluded = scenarioSpace.dimensions!(ctx.suiteContext).combinations.flatMap((c) => c.excluded.map((e) => e.reason));
    expect(excluded).toContain('the binary is built for swap-move');
    expect(excluded).toContain('the binary manages 1 image(s)');
    expect(excluded).toContain('needs a second key with a validity window or revocation; the binary trusts only its built-in key');
  }, 120_000);

  it("expects what the build's downgrade prevention decides: a lower security counter installs under a version-only build", async () => {
    const ctx = await binaryContext('nrf52840dk', 'bootloader-nrf52840dk-swap-move');
    const rows = scenarioSpace.scenarios(ctx.suiteContext);
    const lowerCounter = rows.filter((r) => /counter=lower/.test(r.title) && /version=(major|minor|revision)-higher/.test(r.title));
    const installs = lowerCounter.filter((r) => /signature=valid/.test(r.title) && /sequence=one-update/.test(r.title) && /app=confirms,/.test(r.title));
    expect(installs.length).toBeGreaterThan(0);
    for (const row of installs) expect(row.expect, row.title).toEqual(['new']);
  }, 120_000);

  it('keeps a security-counter build with a hardware counter to it, counters set at the factory', async () => {
    const ctx = await binaryContext('nrf52840dk', 'bootloader-nrf52840dk-swap-move-counter');
    for (const row of scenarioSpace.scenarios(ctx.suiteContext)) {
      expect(row.config).toMatchObject({ downgradePrevention: 'security-counter', hardwareRollback: true });
      expect(ctx.scenarioSkip?.(row), row.id).toBeUndefined();
      expect(row.factory.counters?.size).toBe(1);
    }
  }, 120_000);

  it('still spans every strategy on the reference model', async () => {
    const ctx = await buildRunContext({ suites: ['power-loss'], board: 'nrf52840dk', seed: 1, jobs: 0, profile: 'quick' });
    const strategies = new Set(scenarioSpace.scenarios(ctx.suiteContext).map((r) => r.config.strategy));
    expect([...strategies].sort()).toEqual(['direct-xip', 'overwrite-only', 'swap-move', 'swap-offset', 'swap-scratch']);
  }, 120_000);
});
