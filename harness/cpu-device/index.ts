/**
 * The CPU-level device: a bootloader binary (ELF, Intel HEX or `file.bin@address`) booted on the board's emulated
 * SoC. Public surface:
 * - the build configuration (build-config.ts, zephyr-config.ts): `loadBuildConfig(file)` reads the JSON form
 *   `bootproof-bootloader/1` or a Zephyr MCUboot `.config`; `checkBuildFitsBoard`, `imageConfigOf`;
 * - `BINARY_DEFAULT_POINTS`: the fault points a binary run sweeps unless `--points` says otherwise.
 */
export { checkBuildFitsBoard, imageConfigOf } from './board-fit.ts';
export {
  BUILD_CONFIG_FORMAT,
  type BuildConfig,
  BuildConfigError,
  type BuildConfigJson,
  DEFAULT_INSTRUCTION_BUDGET,
  type HardwareCounter,
  parseBuildConfigJson,
  SIGNATURE_TYPES,
  type SignatureType,
} from './build-config.ts';
export { loadBuildConfig } from './load-config.ts';
export { BINARY_DEFAULT_POINTS } from './spec.ts';
export { parseKconfigLines, parseZephyrConfig } from './zephyr-config.ts';
