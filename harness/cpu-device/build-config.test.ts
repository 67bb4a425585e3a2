import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { type BuildConfig, BuildConfigError, checkBuildFitsBoard, imageConfigOf, loadBuildConfig, parseBuildConfigJson, parseZephyrConfig } from './index.ts';

const json = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    format: 'bootproof-bootloader/1',
    name: 'test',
    strategy: 'swap-move',
    maxImageSectors: 128,
    validatePrimary: true,
    signature: 'ecdsa-p256',
    ...fields,
  });

const errorOf = (fn: () => unknown): BuildConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof BuildConfigError) return error;
    throw error;
  }
  throw new Error('expected a BuildConfigError');
};

describe('the JSON form bootproof-bootloader/1', () => {
  it('reads every field, with MCUboot defaults for the optional ones', () => {
    const config = parseBuildConfigJson(
      json({ signingKey: 'keys/root.pem', console: { halt: 'Unable to find bootable image' }, headerSize: '0x200' }),
      join('some', 'dir', 'boot.json'),
    );
    expect(config).toMatchObject({ strategy: 'swap-move', maxAlign: 8, imageCount: 1, downgradePrevention: 'none', hardwareCounter: null, headerSize: 0x200 });
    expect(config.signingKey?.endsWith(join('some', 'dir', 'keys', 'root.pem'))).toBe(true);
    expect(config.console.halt?.test('E: Unable to find bootable image')).toBe(true);
  });

  it('names the field that is wrong', () => {
    expect(errorOf(() => parseBuildConfigJson(json({ strategy: 'swap-sideways' }), 'b.json')).message).toMatch(/b\.json: strategy:/);
    expect(errorOf(() => parseBuildConfigJson(json({ maxAlign: 12 }), 'b.json')).message).toMatch(/maxAlign/);
    expect(errorOf(() => parseBuildConfigJson(json({ console: { halt: '(' } }), 'b.json')).message).toMatch(/console\.halt: expected a regular expression/);
    expect(errorOf(() => parseBuildConfigJson(json({ colour: 'red' }), 'b.json')).message).toMatch(/colour/);
    expect(errorOf(() => parseBuildConfigJson('{"format": 1', 'b.json')).message).toMatch(/not valid JSON/);
    expect(errorOf(() => parseBuildConfigJson(json({ hardwareCounter: { address: '0xff000', size: 4 } }), 'b.json')).message).toMatch(
      /security-counter/,
    );
    expect(errorOf(() => parseBuildConfigJson(json({ hardwareCounter: { address: '0xff000', size: 4 } }), 'b.json')).exitCode).toBe(2);
  });
});

describe("a Zephyr MCUboot build's .config", () => {
  const base = ['CONFIG_MCUBOOT=y', 'CONFIG_BOOT_MAX_IMG_SECTORS=256', 'CONFIG_BOOT_SIGNATURE_TYPE_ED25519=y'];
  const parse = (...lines: string[]): BuildConfig => parseZephyrConfig([...base, ...lines].join('\n'), 'build/zephyr/.config');

  it('reads the committed example: swap-move, P-256, validate slot 0, the key next to it, core and link address', async () => {
    const file = join('test', 'fixtures', 'zephyr-mcuboot', '.config');
    const config = loadBuildConfig(file);
    expect(config).toMatchObject({
      strategy: 'swap-move',
      signature: 'ecdsa-p256',
      validatePrimary: true,
      maxImageSectors: 128,
      imageCount: 1,
      downgradePrevention: 'none',
      core: 'cortex-m4',
      loadAddress: 0,
    });
    expect(config.signingKey?.endsWith(join('zephyr-mcuboot', 'root-ec-p256.pem'))).toBe(true);
  });

  it.each([
    ['CONFIG_BOOT_SWAP_USING_SCRATCH=y', 'swap-scratch'],
    ['CONFIG_BOOT_UPGRADE_ONLY=y', 'overwrite-only'],
    ['CONFIG_BOOT_SWAP_USING_OFFSET=y', 'swap-offset'],
    ['CONFIG_BOOT_DIRECT_XIP=y\nCONFIG_BOOT_DIRECT_XIP_REVERT=y', 'direct-xip'],
  ])('%s is %s', (line, strategy) => {
    expect(parse(line).strategy).toBe(strategy);
  });

  it('reads downgrade prevention by version and by security counter, and RSA key sizes', () => {
    expect(parse('CONFIG_BOOT_UPGRADE_ONLY=y', 'CONFIG_MCUBOOT_DOWNGRADE_PREVENTION=y').downgradePrevention).toBe('version');
    expect(
      parse('CONFIG_BOOT_UPGRADE_ONLY=y', 'CONFIG_MCUBOOT_DOWNGRADE_PREVENTION=y', 'CONFIG_MCUBOOT_DOWNGRADE_PREVENTION_SECURITY_COUNTER=y')
        .downgradePrevention,
    ).toBe('security-counter');
    const rsa = parseZephyrConfig(
      ['CONFIG_MCUBOOT=y', 'CONFIG_BOOT_MAX_IMG_SECTORS=8', 'CONFIG_BOOT_SWAP_USING_MOVE=y', 'CONFIG_BOOT_SIGNATURE_TYPE_RSA=y', 'CONFIG_BOOT_SIGNATURE_TYPE_RSA_LEN=3072'].join('\n'),
      '.config',
    );
    expect(rsa.signature).toBe('rsa-3072');
  });

  it('refuses what it cannot sweep, naming the symbol', () => {
    expect(errorOf(() => parse('CONFIG_BOOT_RAM_LOAD=y', 'CONFIG_BOOT_SWAP_USING_MOVE=y')).message).toMatch(/CONFIG_BOOT_RAM_LOAD=y: ram-load/);
    expect(errorOf(() => parse('CONFIG_BOOT_SWAP_USING_MOVE=y', 'CONFIG_BOOT_ENCRYPT_EC256=y')).message).toMatch(/CONFIG_BOOT_ENCRYPT_EC256/);
    expect(errorOf(() => parse()).message).toMatch(/exactly one of .* none is set/);
    expect(errorOf(() => parse('CONFIG_BOOT_SWAP_USING_MOVE=y', 'CONFIG_BOOT_UPGRADE_ONLY=y')).message).toMatch(/are all set/);
    expect(errorOf(() => parse('CONFIG_BOOT_DIRECT_XIP=y')).message).toMatch(/DIRECT_XIP_REVERT/);
    expect(errorOf(() => parse('CONFIG_BOOT_SWAP_USING_MOVE=y', 'CONFIG_MCUBOOT_HW_DOWNGRADE_PREVENTION=y')).message).toMatch(/JSON form/);
    expect(errorOf(() => parseZephyrConfig('CONFIG_FOO=y\n', 'x/.config')).message).toMatch(/not an MCUboot build/);
    expect(errorOf(() => parseZephyrConfig('CONFIG_MCUBOOT=y\nwhat is this\n', 'x/.config')).message).toMatch(/x\/\.config: line 2/);
  });
});

describe('a build against a board', () => {
  const nrf = loadBoard('nrf52840dk');
  const config = (fields: Record<string, unknown>) => parseBuildConfigJson(json(fields), 'boot.json');

  it('fits when nothing contradicts, and maps onto the ImageConfig the suites use', () => {
    const build = config({ downgradePrevention: 'version' });
    expect(() => checkBuildFitsBoard(build, nrf)).not.toThrow();
    expect(imageConfigOf(build, nrf)).toEqual({
      strategy: 'swap-move',
      headerSize: 0x200,
      maxAlign: 8,
      maxImageSectors: 128,
      imageCount: 1,
      validatePrimaryAtBoot: true,
      downgradePrevention: 'version',
      hardwareRollback: false,
    });
  });

  it.each([
    [{ maxImageSectors: 64 }, /BOOT_MAX_IMG_SECTORS 64 is less than the 103 sectors of image 0's primary slot \(board nrf52840dk/],
    [{ imageCount: 2 }, /2 images, but the board has slots for 1/],
  ])('%o contradicts nrf52840dk', (fields, message) => {
    expect(errorOf(() => checkBuildFitsBoard(config(fields), nrf)).message).toMatch(message);
  });

  it('catches a wrong core, a wrong link address, an alignment below the write unit and a missing scratch', () => {
    const zephyr = loadBuildConfig(join('test', 'fixtures', 'zephyr-mcuboot', '.config'));
    expect(errorOf(() => checkBuildFitsBoard(zephyr, loadBoard('nucleo_l552ze_q'))).message).toMatch(/built for a cortex-m4, but the board has a cortex-m33/);
    expect(errorOf(() => checkBuildFitsBoard({ ...zephyr, loadAddress: 0x8000000 }, nrf)).message).toMatch(/linked at 0x8000000, but the board's boot partition starts at 0x0/);
    const l5 = loadBoard('nucleo_l552ze_q');
    expect(errorOf(() => checkBuildFitsBoard(config({ maxImageSectors: 512 }), { ...l5, flash: { ...l5.flash, writeUnit: 16 } })).message).toMatch(
      /BOOT_MAX_ALIGN 8 is smaller than the flash write unit of 16 bytes/,
    );
    const noScratch = { ...nrf, partitions: { ...nrf.partitions, scratch: undefined } };
    expect(errorOf(() => checkBuildFitsBoard(config({ strategy: 'swap-scratch' }), noScratch)).message).toMatch(/needs a scratch partition/);
  });
});
