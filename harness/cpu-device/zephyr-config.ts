/**
 * A Zephyr MCUboot build's `.config` (build/zephyr/.config, or build/mcuboot/zephyr/.config under sysbuild) read
 * as a `BuildConfig`. The symbols are MCUboot's boot/zephyr/Kconfig ones; a build option bootproof cannot sweep
 * (ram-load, encrypted images, direct-xip without revert) is refused by name rather than approximated.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { CpuCore, UpdateStrategy } from '../../boards/types.ts';
import type { DowngradePrevention } from '../../emulator/boot/index.ts';
import { type BuildConfig, BuildConfigError, DEFAULT_INSTRUCTION_BUDGET, type SignatureType } from './build-config.ts';

type Value = string | number | boolean;

/** `CONFIG_X=y`, `CONFIG_X=123`, `CONFIG_X=0x10`, `CONFIG_X="text"`, and `# CONFIG_X is not set`. */
export function parseKconfigLines(text: string, file: string): Map<string, Value> {
  const values = new Map<string, Value>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (unset) {
      values.set(unset[1]!, false);
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const match = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (!match) throw new BuildConfigError(file, `line ${index + 1}: expected CONFIG_NAME=value, found ${JSON.stringify(raw.slice(0, 60))}`);
    const value = match[2]!;
    if (value === 'y') values.set(match[1]!, true);
    else if (value === 'n') values.set(match[1]!, false);
    else if (/^"(?:[^"\\]|\\.)*"$/.test(value)) values.set(match[1]!, value.slice(1, -1).replace(/\\(.)/g, '$1'));
    else if (/^-?\d+$/.test(value)) values.set(match[1]!, Number(value));
    else if (/^0x[0-9a-fA-F]+$/.test(value)) values.set(match[1]!, Number.parseInt(value.slice(2), 16));
    else throw new BuildConfigError(file, `line ${index + 1}: ${match[1]}: cannot read the value ${JSON.stringify(value)}`);
  });
  return values;
}

const STRATEGY_SYMBOLS: readonly [string, UpdateStrategy][] = [
  ['CONFIG_BOOT_SWAP_USING_SCRATCH', 'swap-scratch'],
  ['CONFIG_BOOT_SWAP_USING_MOVE', 'swap-move'],
  ['CONFIG_BOOT_SWAP_USING_OFFSET', 'swap-offset'],
  ['CONFIG_BOOT_UPGRADE_ONLY', 'overwrite-only'],
  ['CONFIG_BOOT_DIRECT_XIP', 'direct-xip'],
];

const UNSUPPORTED: readonly [string, string][] = [
  ['CONFIG_BOOT_RAM_LOAD', 'ram-load is not modelled yet'],
  ['CONFIG_BOOT_FIRMWARE_LOADER', 'the firmware-loader mode has no update to sweep'],
  ['CONFIG_BOOT_ENCRYPT_IMAGE', 'encrypted images are not supported yet'],
  ['CONFIG_BOOT_ENCRYPT_RSA', 'encrypted images are not supported yet'],
  ['CONFIG_BOOT_ENCRYPT_EC256', 'encrypted images are not supported yet'],
  ['CONFIG_BOOT_ENCRYPT_X25519', 'encrypted images are not supported yet'],
];

const CORE_SYMBOLS: readonly [string, CpuCore][] = [
  ['CONFIG_CPU_CORTEX_M0', 'cortex-m0'],
  ['CONFIG_CPU_CORTEX_M0PLUS', 'cortex-m0plus'],
  ['CONFIG_CPU_CORTEX_M3', 'cortex-m3'],
  ['CONFIG_CPU_CORTEX_M4', 'cortex-m4'],
  ['CONFIG_CPU_CORTEX_M7', 'cortex-m7'],
  ['CONFIG_CPU_CORTEX_M33', 'cortex-m33'],
];

export function parseZephyrConfig(text: string, file: string): BuildConfig {
  const values = parseKconfigLines(text, file);
  const on = (symbol: string): boolean => values.get(symbol) === true;
  const int = (symbol: string): number | undefined => {
    const value = values.get(symbol);
    if (value === undefined || value === false) return undefined;
    if (typeof value !== 'number') throw new BuildConfigError(file, `${symbol}: expected a number, found ${JSON.stringify(value)}`);
    return value;
  };
  if (!on('CONFIG_MCUBOOT') && !values.has('CONFIG_BOOT_MAX_IMG_SECTORS')) {
    throw new BuildConfigError(file, 'not an MCUboot build: neither CONFIG_MCUBOOT=y nor CONFIG_BOOT_MAX_IMG_SECTORS is set');
  }
  for (const [symbol, why] of UNSUPPORTED) {
    if (on(symbol)) throw new BuildConfigError(file, `${symbol}=y: ${why}`);
  }
  const strategies = STRATEGY_SYMBOLS.filter(([symbol]) => on(symbol));
  if (strategies.length !== 1) {
    const found = strategies.length === 0 ? 'none is set' : `${strategies.map(([s]) => s).join(' and ')} are all set`;
    throw new BuildConfigError(file, `expected exactly one of ${STRATEGY_SYMBOLS.map(([s]) => s).join(', ')}: ${found}`);
  }
  const strategy = strategies[0]![1];
  if (strategy === 'direct-xip' && !on('CONFIG_BOOT_DIRECT_XIP_REVERT')) {
    throw new BuildConfigError(file, 'CONFIG_BOOT_DIRECT_XIP=y without CONFIG_BOOT_DIRECT_XIP_REVERT: only direct-xip with revert is modelled');
  }
  const maxAlign = int('CONFIG_BOOT_MAX_ALIGN') ?? int('CONFIG_MCUBOOT_BOOT_MAX_ALIGN') ?? 8;
  if (maxAlign !== 8 && maxAlign !== 16 && maxAlign !== 32) {
    throw new BuildConfigError(file, `CONFIG_BOOT_MAX_ALIGN=${maxAlign}: expected 8, 16 or 32`);
  }
  const maxImageSectors = int('CONFIG_BOOT_MAX_IMG_SECTORS');
  if (maxImageSectors === undefined || maxImageSectors < 1) {
    throw new BuildConfigError(file, 'CONFIG_BOOT_MAX_IMG_SECTORS: expected a positive number (it sizes the swap status)');
  }
  let downgradePrevention: DowngradePrevention = 'none';
  if (on('CONFIG_MCUBOOT_DOWNGRADE_PREVENTION')) {
    downgradePrevention = on('CONFIG_MCUBOOT_DOWNGRADE_PREVENTION_SECURITY_COUNTER') ? 'security-counter' : 'version';
  }
  if (on('CONFIG_MCUBOOT_HW_DOWNGRADE_PREVENTION')) {
    throw new BuildConfigError(
      file,
      'CONFIG_MCUBOOT_HW_DOWNGRADE_PREVENTION=y: where the hardware counter lives is not in .config; declare it in the JSON form (hardwareCounter)',
    );
  }
  const keyFile = values.get('CONFIG_BOOT_SIGNATURE_KEY_FILE');
  const cores = CORE_SYMBOLS.filter(([symbol]) => on(symbol)).map(([, core]) => core);
  const flashBase = int('CONFIG_FLASH_BASE_ADDRESS');
  const loadOffset = int('CONFIG_FLASH_LOAD_OFFSET') ?? 0;
  return {
    file,
    name: `zephyr-mcuboot (${strategy})`,
    strategy,
    maxAlign,
    maxImageSectors,
    imageCount: int('CONFIG_UPDATEABLE_IMAGE_NUMBER') ?? 1,
    validatePrimary: on('CONFIG_BOOT_VALIDATE_SLOT0'),
    downgradePrevention,
    hardwareCounter: null,
    signature: signatureType(values, file),
    // Zephyr resolves a relative key path against MCUboot's own folder, which a .config does not record: the
    // file next to the .config is the best guess, and --signing-key overrides it.
    ...(typeof keyFile === 'string' && keyFile !== ''
      ? { signingKey: isAbsolute(keyFile) ? keyFile : resolve(dirname(file), keyFile) }
      : {}),
    console: {},
    instructionBudget: DEFAULT_INSTRUCTION_BUDGET,
    ...(cores.length === 1 ? { core: cores[0] } : {}),
    ...(flashBase === undefined ? {} : { loadAddress: flashBase + loadOffset }),
  };
}

function signatureType(values: Map<string, Value>, file: string): SignatureType {
  const on = (symbol: string): boolean => values.get(symbol) === true;
  if (on('CONFIG_BOOT_SIGNATURE_TYPE_NONE')) return 'none';
  if (on('CONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P256') || on('CONFIG_BOOT_SIGNATURE_TYPE_EC256')) return 'ecdsa-p256';
  if (on('CONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P384')) return 'ecdsa-p384';
  if (on('CONFIG_BOOT_SIGNATURE_TYPE_ED25519')) return 'ed25519';
  if (on('CONFIG_BOOT_SIGNATURE_TYPE_RSA')) {
    const bits = values.get('CONFIG_BOOT_SIGNATURE_TYPE_RSA_LEN') ?? 2048;
    if (bits === 2048) return 'rsa-2048';
    if (bits === 3072) return 'rsa-3072';
    throw new BuildConfigError(file, `CONFIG_BOOT_SIGNATURE_TYPE_RSA_LEN=${String(bits)}: expected 2048 or 3072`);
  }
  throw new BuildConfigError(file, 'no CONFIG_BOOT_SIGNATURE_TYPE_* is set (expected ECDSA_P256, ECDSA_P384, ED25519, RSA or NONE)');
}
