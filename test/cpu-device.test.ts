/**
 * `run --bootloader <binary>` end to end on the minboot test firmware (images/firmware/minboot): a hand-off passes,
 * each broken binary fails naming what it did, and every kind of bad input is exit 2 naming what and where.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generateKeyPair } from '../images/index.ts';
import { cli, tempDir } from './cli-helpers.ts';

const minboot = (variant: string): string => join('images', 'firmware', 'build', `minboot-nrf52840dk-${variant}.elf`);

function setup(fields: Record<string, unknown> = {}, keyType: 'ed25519' | 'ecdsa-p256' = 'ed25519') {
  const dir = tempDir();
  const config = join(dir, 'minboot.json');
  writeFileSync(
    config,
    JSON.stringify({
      format: 'bootproof-bootloader/1',
      name: 'minboot',
      strategy: 'overwrite-only',
      maxImageSectors: 128,
      validatePrimary: false,
      signature: 'ed25519',
      signingKey: 'key.pem',
      ...fields,
    }),
  );
  writeFileSync(join(dir, 'key.pem'), exportPrivateKeyPem(generateKeyPair(keyType, { seed: 'minboot' }).privateKey));
  return config;
}

const run = (variant: string, config: string, ...more: string[]) =>
  cli('run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', minboot(variant), '--bootloader-config', config, '--only', 'upgrade/clean', '--jobs', '0', ...more);

describe('run --bootloader <binary>', () => {
  it('passes an update on a binary that installs and hands off, naming the binary by its SHA-256', async () => {
    const result = await run('handoff', setup());
    expect(result.stdout).toMatch(/bootloader minboot-nrf52840dk-handoff\.elf \(sha256 [0-9a-f]{64}\)/);
    expect(result.stdout).toContain('PASS: every invariant held (1 passed');
    expect(result.code).toBe(0);
  });

  it.each([
    ['spin', /halted: a branch to itself at PC=0x[0-9a-f]{8}: no hand-off will come/],
    ['garbage', /halted: hand-off into garbage: slot primary of image 0 at PC=0x0000c000, which is not the image's reset handler/],
    ['sleep', /halted: asleep with no wake source/],
  ])('fails a binary that %s, with the replay line', async (variant, reason) => {
    const result = await run(variant, setup());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(reason);
    expect(result.stdout).toContain(`replay: npx bootproof run power-loss --board nrf52840dk --bootloader ${minboot(variant)} --bootloader-config`);
  });

  it('reports an exhausted budget as no hand-off, not a pass', async () => {
    const result = await run('handoff', setup({ instructionBudget: 50 }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/halted: no hand-off within 50 instructions/);
  });

  it.each([
    ['a binary for another flash base', ['wrongbase', {}], /bootloader .*wrongbase\.elf: bytes at 0x8000000\.\.0x8[0-9a-f]+ fall outside nrf52840dk's boot partition/],
    ['a config that contradicts the board', ['handoff', { maxImageSectors: 16 }], /minboot\.json: BOOT_MAX_IMG_SECTORS 16 is less than the 103 sectors of image 0's primary slot \(board nrf52840dk/],
    ['an alignment that is no BOOT_MAX_ALIGN', ['handoff', { maxAlign: 2 }], /minboot\.json: maxAlign: BOOT_MAX_ALIGN is 8, 16 or 32/],
    ['a key of another type than the build', ['handoff', { signature: 'ecdsa-p256' }], /signingKey in .*minboot\.json .*: a key of type ed25519, but the binary is built for ecdsa-p256 signatures/],
  ] as const)('refuses %s with exit 2', async (_, [variant, fields], message) => {
    const result = await run(variant, setup(fields));
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it.each([
    ['another core', 'nucleo_l552ze_q', /\.config: built for a cortex-m4, but the board has a cortex-m33 \(board nucleo_l552ze_q/],
    ['another link address', 'stm32f429zi', /\.config: linked at 0x0, but the board's boot partition starts at 0x8000000 \(board stm32f429zi/],
  ])("refuses a Zephyr .config that names %s than the board with exit 2, before reading the binary", async (_, board, message) => {
    const zephyr = join('test', 'fixtures', 'zephyr-mcuboot', '.config');
    const result = await cli('run', 'power-loss', '--board', board, '--bootloader', minboot('handoff'), '--bootloader-config', zephyr, '--jobs', '0');
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('needs the build configuration, and keeps binary options off model runs', async () => {
    const missing = await cli('run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', minboot('handoff'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is a binary: declare its build with --bootloader-config/);
    const stray = await cli('run', 'power-loss', '--board', 'nrf52840dk', '--signing-key', 'k.pem');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--bootloader-config and --signing-key go with a bootloader binary/);
  });

  it('a binary for another core is exit 2', async () => {
    const result = await cli(
      'run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', join('images', 'firmware', 'build', 'app-nucleo_l552ze_q-confirm-v1.0.0.elf'),
      '--bootloader-config', setup(), '--jobs', '0',
    );
    expect(result.stderr).toMatch(/built for ARMv8-M mainline, which a cortex-m4 \(board nrf52840dk\) cannot run/);
    expect(result.code).toBe(2);
  });

  it("gate checks the fit against the binary's strategy, not the board's", async () => {
    const config = setup({ strategy: 'swap-move' });
    const dir = dirname(config);
    // Fits nrf52840dk's primary under swap-scratch (420304 bytes), not under swap-move (a sector kept spare).
    writeFileSync(join(dir, 'payload.bin'), new Uint8Array(418_500));
    const key = join(dir, 'key.pem');
    const sign = (version: string, out: string) =>
      cli('image', 'sign', '-k', key, '-H', '0x200', '--pad-header', '-S', '0x67000', '--align', '4', '-v', version, join(dir, 'payload.bin'), join(dir, out));
    expect((await sign('1.0.0', 'v1.bin')).code).toBe(0);
    expect((await sign('2.0.0', 'v2.bin')).code).toBe(0);
    writeFileSync(join(dir, 'pub.pem'), (await cli('image', 'getpub', '-k', key, '-e', 'pem')).stdout);
    const result = await cli(
      'gate', '--board', 'nrf52840dk', '--bootloader', minboot('handoff'), '--bootloader-config', config,
      '--from', join(dir, 'v1.bin'), '--to', join(dir, 'v2.bin'), '--key', join(dir, 'pub.pem'), '--jobs', '0',
    );
    expect(result.stdout).toMatch(/FAIL fits the slot for swap-move: 419156 of 413696 bytes/);
    expect(result.stdout).not.toMatch(/swap-scratch/);
    expect(result.code).toBe(1);
  });

  it('refuses a build whose BOOT_MAX_ALIGN is below the board\'s flash write unit with exit 2, before reading the binary', async () => {
    const result = await cli(
      'run', 'power-loss', '--board', 'stm32h743zi', '--bootloader', minboot('handoff'), '--bootloader-config', setup({ maxAlign: 8 }), '--jobs', '0',
    );
    expect(result.stderr).toMatch(/minboot\.json: BOOT_MAX_ALIGN 8 is smaller than the flash write unit of 32 bytes \(board stm32h743zi/);
    expect(result.code).toBe(2);
  });
});
