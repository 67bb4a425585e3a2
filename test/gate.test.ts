/**
 * `bootproof gate` on the imgtool-signed interop pair, read in place from ../shared/interop (never copied into the
 * repository): 0.0.1 → 1.0.0 passes, the reverse is refused as a downgrade.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.ts';

const INTEROP = fileURLToPath(new URL('../../shared/interop/', import.meta.url));
const present = existsSync(`${INTEROP}s03-ed25519-basic.bin`) && existsSync(`${INTEROP}s15-ed25519-sigout.bin`);
const OLD = `${INTEROP}s03-ed25519-basic.bin`;
const NEW = `${INTEROP}s15-ed25519-sigout.bin`;
const KEY = `${INTEROP}root-ed25519.pem`;

describe.skipIf(!present)('bootproof gate on the shared imgtool interop images', () => {
  it('accepts s03-ed25519-basic (0.0.1) → s15-ed25519-sigout (1.0.0) with root-ed25519.pem', async () => {
    const result = await cli('gate', '--board', 'nrf52840dk', '--from', OLD, '--to', NEW, '--key', KEY, '--jobs', '0');
    expect(result.code).toBe(0);
    for (const check of ['images verify', 'not a downgrade: 0.0.1+0 → 1.0.0+0', 'fits the slot for swap-scratch', 'power loss safe', 'revert safe']) {
      expect(result.stdout).toContain(`ok   ${check}`);
    }
    expect(result.stdout).toContain('GATE PASSED');
  });

  it('refuses the reverse direction as a downgrade', async () => {
    const result = await cli('gate', '--board', 'nrf52840dk', '--from', NEW, '--to', OLD, '--key', KEY, '--jobs', '0');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL not a downgrade: 1.0.0+0 → 0.0.1+0 is a downgrade');
    expect(result.stdout).toContain('GATE FAILED');
  });
});

if (!present) {
  it.skip(`gate interop tests: ../shared/interop is absent (${INTEROP}), so the imgtool pair cannot be read`, () => {});
}
