/**
 * A bootloader binary's build configuration, declared by whoever built it (never guessed from the binary): the
 * update strategy, BOOT_MAX_ALIGN, the sector limit, primary validation, downgrade prevention and its hardware
 * counter, the number of images, the signature type and the private key to sign test images with.
 *
 * Two sources give the same `BuildConfig`: the JSON file `bootproof-bootloader/1` (the C bootloader's build writes
 * one next to each binary) and a Zephyr MCUboot build's `.config` (zephyr-config.ts). Every mistake is a
 * `BuildConfigError` (exit 2) naming the file and the field.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { CpuCore, UpdateStrategy } from '../../boards/types.ts';
import type { DowngradePrevention } from '../../emulator/boot/index.ts';
import { BootproofError } from '../../emulator/common/errors.ts';

export const BUILD_CONFIG_FORMAT = 'bootproof-bootloader/1';

export class BuildConfigError extends BootproofError {
  constructor(file: string, message: string) {
    super(`bootloader config ${file}: ${message}`, { exitCode: 2 });
  }
}

/** Signature types MCUboot can be built with (CONFIG_BOOT_SIGNATURE_TYPE_*); `none` checks the hash TLV only. */
export const SIGNATURE_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048', 'rsa-3072', 'none'] as const;
export type SignatureType = (typeof SIGNATURE_TYPES)[number];

export interface HardwareCounter {
  /** Bus address of the counter, in flash or OTP (it is the bootloader's, so its changes are no collateral damage). */
  readonly address: number;
  readonly size: number;
}

export interface BuildConfig {
  /** Where the configuration was read from, for messages. */
  readonly file: string;
  readonly name: string;
  readonly strategy: UpdateStrategy;
  readonly maxAlign: 8 | 16 | 32;
  readonly maxImageSectors: number;
  readonly imageCount: number;
  /** Image header size the builds for this bootloader use; undefined takes the board's. */
  readonly headerSize?: number;
  readonly validatePrimary: boolean;
  readonly downgradePrevention: DowngradePrevention;
  readonly hardwareCounter: HardwareCounter | null;
  readonly signature: SignatureType;
  /** Absolute path of the private PEM the binary's public key belongs to; undefined until given (--signing-key). */
  readonly signingKey?: string;
  /** Console lines that mean a hand-off or a halt (regular expressions), for bootloaders that say so. */
  readonly console: { readonly handoff?: RegExp; readonly halt?: RegExp };
  /** Per-boot instruction budget: a boot that has not handed off by then is reported as such. */
  readonly instructionBudget: number;
  /** The core the binary was built for, where the configuration says (Zephyr: CONFIG_CPU_CORTEX_M*). */
  readonly core?: CpuCore;
  /** The bus address the binary was linked to start at, where the configuration says (Zephyr: CONFIG_FLASH_*). */
  readonly loadAddress?: number;
}

/** Enough for a P-256 verify of a full slot plus a whole swap on a Cortex-M4 build (issue measurements: 28 M). */
export const DEFAULT_INSTRUCTION_BUDGET = 200_000_000;

const regex = z.string().superRefine((text, ctx) => {
  try {
    new RegExp(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `expected a regular expression: ${(error as Error).message}` });
  }
});

const hexOrNumber = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a number or a hex string such as "0xfe000"'),
]);

const BuildConfigFile = z.strictObject({
  format: z.literal(BUILD_CONFIG_FORMAT),
  name: z.string().min(1),
  strategy: z.enum(['overwrite-only', 'swap-scratch', 'swap-move', 'swap-offset', 'direct-xip']),
  maxAlign: z.union([z.literal(8), z.literal(16), z.literal(32)], { error: 'BOOT_MAX_ALIGN is 8, 16 or 32' }).default(8),
  maxImageSectors: z.number().int().positive().max(4096),
  imageCount: z.number().int().min(1).max(2).default(1),
  headerSize: hexOrNumber.optional(),
  validatePrimary: z.boolean(),
  downgradePrevention: z.enum(['none', 'version', 'security-counter']).default('none'),
  hardwareCounter: z.strictObject({ address: hexOrNumber, size: z.number().int().positive() }).nullable().default(null),
  signature: z.enum(SIGNATURE_TYPES),
  signingKey: z.string().min(1).optional(),
  console: z.strictObject({ handoff: regex.optional(), halt: regex.optional() }).default({}),
  instructionBudget: z.number().int().positive().optional(),
});

export type BuildConfigJson = z.input<typeof BuildConfigFile>;

const numberOf = (value: number | string): number => (typeof value === 'number' ? value : Number.parseInt(value.slice(2), 16));

/** Parses the JSON form. `file` names it in messages; the signing key is resolved relative to it. */
export function parseBuildConfigJson(text: string, file: string): BuildConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BuildConfigError(file, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = BuildConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length === 0 ? '(top level)' : issue.path.join('.');
    throw new BuildConfigError(file, `${where}: ${issue.message}`);
  }
  const data = parsed.data;
  if (data.hardwareCounter !== null && data.downgradePrevention !== 'security-counter') {
    throw new BuildConfigError(file, 'hardwareCounter: a hardware counter needs downgradePrevention "security-counter"');
  }
  return {
    file,
    name: data.name,
    strategy: data.strategy,
    maxAlign: data.maxAlign,
    maxImageSectors: data.maxImageSectors,
    imageCount: data.imageCount,
    ...(data.headerSize === undefined ? {} : { headerSize: numberOf(data.headerSize) }),
    validatePrimary: data.validatePrimary,
    downgradePrevention: data.downgradePrevention,
    hardwareCounter:
      data.hardwareCounter === null ? null : { address: numberOf(data.hardwareCounter.address), size: data.hardwareCounter.size },
    signature: data.signature,
    ...(data.signingKey === undefined ? {} : { signingKey: resolve(dirname(file), data.signingKey) }),
    console: {
      ...(data.console.handoff === undefined ? {} : { handoff: new RegExp(data.console.handoff) }),
      ...(data.console.halt === undefined ? {} : { halt: new RegExp(data.console.halt) }),
    },
    instructionBudget: data.instructionBudget ?? DEFAULT_INSTRUCTION_BUDGET,
  };
}
