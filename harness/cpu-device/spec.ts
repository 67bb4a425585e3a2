/**
 * What `--bootloader` names and which points a run sweeps, told from the options alone: a model run never loads the
 * CPU emulator (the SoC, the core and the binary's tooling are half the harness's modules, and every worker thread
 * loads what the run context imports).
 */

/** Whether `--bootloader` names a binary (by extension or `@address`) rather than a TypeScript model module. */
export function isBootloaderBinary(spec: string): boolean {
  return /\.(elf|axf|hex|ihex|bin)(@[^@/\\]+)?$/i.test(spec);
}

/**
 * The fault points of a binary run when `--points` is not given: the suites' own choices (`all`, `interesting`)
 * count every word or byte a binary programs, hundreds of thousands of cases per update on byte-wide parts.
 * `systematic` is bounded by the layout: every erase, trailer and status write (each torn variant), the first and
 * last write into each sector of each phase, and 8 seeded others.
 */
export const BINARY_DEFAULT_POINTS = 'systematic:8';

/** The points of the quick profile (pull requests): every trailer-field write and erase, and 2 seeded others per scenario. */
export const QUICK_POINTS = 'trailer:2';

/**
 * The points a run sweeps: `--points`; else the quick profile's; else a bootloader binary's default; else undefined
 * (the full profile: each suite's own).
 */
export function runPoints(options: {
  readonly points?: string;
  readonly bootloader?: string;
  readonly profile?: string;
}): string | undefined {
  if (options.points !== undefined) return options.points;
  if (options.profile === 'quick') return QUICK_POINTS;
  return options.bootloader !== undefined && isBootloaderBinary(options.bootloader) ? BINARY_DEFAULT_POINTS : undefined;
}
