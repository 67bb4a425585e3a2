/**
 * The board file format: JSON, one board per file (boards/nrf52840dk.json is a typical one). The zod schema checks
 * each field on its own; boards/checks.ts then checks the layout as a whole.
 */
import { z } from 'zod';
import { parseJsonText } from '../emulator/common/json-text.ts';
import type { FlashGeometry } from '../emulator/flash/types.ts';
import { checkBoard } from './checks.ts';
import { BoardFileError, type BoardIssue } from './errors.ts';
import type { Board, CpuCore, FlashControllerKind, UpdateStrategy } from './types.ts';
import { BYTE_COUNT_PATTERN, hex, parseByteCount } from './units.ts';

const CPU_CORES = [
  'cortex-m0',
  'cortex-m0plus',
  'cortex-m3',
  'cortex-m4',
  'cortex-m7',
  'cortex-m33',
] as const satisfies readonly CpuCore[];

const FLASH_CONTROLLERS = [
  'nrf52-nvmc',
  'nrf53-nvmc',
  'stm32f4-flash',
  'stm32l4-flash',
  'stm32l5-flash',
  'stm32u5-flash',
  'stm32h7-flash',
  'kinetis-ftfe',
  'lpc55-flash',
  'rp2040-qspi',
  'cmsdk-ram',
  'sse200-ram',
] as const satisfies readonly FlashControllerKind[];

const STRATEGIES = [
  'overwrite-only',
  'swap-scratch',
  'swap-move',
  'swap-offset',
  'direct-xip',
] as const satisfies readonly UpdateStrategy[];

const WRITE_UNITS = [1, 2, 4, 8, 16, 32] as const;
const MAX_ALIGNS = [8, 16, 32] as const;
/** MCUboot's image header is 32 bytes; the header area (imgtool -H) can only be larger. */
const IMAGE_HEADER_BYTES = 32;
/** `ih_hdr_size` is a 16-bit field of the image header (FORMATS.md §1.1). */
const MAX_HEADER_BYTES = 0xffff;

/**
 * Limits that keep a board within what the emulator can hold and time (every sector is modelled, the flash and
 * RAM are allocated), far above any real part: a 64 MiB external flash of 4 KiB sectors has 16384 sectors.
 */
export const BOARD_LIMITS = {
  sectors: 16384,
  flashBytes: 128 * 1024 * 1024,
  ramBytes: 64 * 1024 * 1024,
  /** RAM a Cortex-M needs at least for its stack and a bootloader's data. */
  minRamBytes: 1024,
  imagePairs: 8,
  /** Operation times, in µs: from 1 ns to 100 s (a chip erase of a large part takes a few seconds). */
  minTimeUs: 0.001,
  maxTimeUs: 100_000_000,
  endurance: 1_000_000_000,
} as const;

const timeUs = z
  .number()
  .min(BOARD_LIMITS.minTimeUs, { error: `expected a time of at least ${BOARD_LIMITS.minTimeUs} µs` })
  .max(BOARD_LIMITS.maxTimeUs, { error: `expected a time of at most ${BOARD_LIMITS.maxTimeUs} µs (100 s)` });

function oneOf(what: string, values: readonly (string | number)[]) {
  return (issue: { input?: unknown }) =>
    `${issue.input === undefined ? `missing ${what}` : `unknown ${what} ${JSON.stringify(issue.input)}`}; expected one of ${values.join(', ')}`;
}

const BYTE_COUNT_EXPECTED = 'expected a byte count below 4 GiB: an integer, a hex string such as "0x8000", or "48K" / "1M"';

const byteCount = z.unknown().transform((value, context) => {
  const bytes =
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (typeof value === 'string' && BYTE_COUNT_PATTERN.test(value))
      ? parseByteCount(value)
      : undefined;
  if (bytes === undefined || bytes > 0xffff_ffff) {
    const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
    context.addIssue({ code: 'custom', message: `${BYTE_COUNT_EXPECTED}; ${got}` });
    return z.NEVER;
  }
  return bytes;
});

const region = z.strictObject({ offset: byteCount, size: byteCount });

const sectorRun = z.strictObject({
  count: z.int().positive().max(BOARD_LIMITS.sectors, { error: `expected at most ${BOARD_LIMITS.sectors} sectors` }),
  size: byteCount.refine((bytes) => bytes > 0, { error: 'a sector cannot be empty' }),
  /** Erase time of each sector of this run, when sizes differ in erase time (STM32F4: 16/64/128 KiB). */
  eraseTimeUs: timeUs.optional(),
});

const flashFields = z
  .strictObject({
    /** Runs of equal sectors in address order: `[{ "count": 4, "size": "16K" }, { "count": 1, "size": "64K" }]`. */
    sectors: z.array(sectorRun).min(1).max(BOARD_LIMITS.sectors),
    writeUnit: z.literal(WRITE_UNITS, { error: oneOf('write unit', WRITE_UNITS) }),
    erasedValue: z.literal(['0xff', '0x00', 255, 0], { error: 'expected "0xff" or "0x00"' }),
    programRule: z.enum(['and', 'once', 'ecc'], { error: oneOf('program rule', ['and', 'once', 'ecc']) }),
    writeBudget: z.strictObject({ wordSize: z.int().positive(), count: z.int().positive() }).optional(),
    /** Erase time of every sector without its own. */
    eraseTimeUs: timeUs.optional(),
    programTimeUs: timeUs,
    endurance: z.int().positive().max(BOARD_LIMITS.endurance),
  })
  .superRefine((flash, context) => {
    flash.sectors.forEach((run, index) => {
      if (run.size % flash.writeUnit !== 0) {
        context.addIssue({
          code: 'custom',
          path: ['sectors', index, 'size'],
          message: `${hex(run.size)} is not a multiple of the write unit (${flash.writeUnit})`,
        });
      }
      if (run.eraseTimeUs === undefined && flash.eraseTimeUs === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['sectors', index, 'eraseTimeUs'],
          message: 'no erase time: give flash.eraseTimeUs, or eraseTimeUs on this run',
        });
      }
    });
    const total = flash.sectors.reduce((sum, run) => sum + run.count, 0);
    if (total > BOARD_LIMITS.sectors) {
      context.addIssue({ code: 'custom', path: ['sectors'], message: `${total} sectors in all, more than the ${BOARD_LIMITS.sectors} a board may have` });
    }
    const word = flash.writeBudget?.wordSize;
    if (word !== undefined && (word % flash.writeUnit !== 0 || (word & (word - 1)) !== 0 || flash.sectors.some((run) => run.size % word !== 0))) {
      context.addIssue({
        code: 'custom',
        path: ['writeBudget', 'wordSize'],
        message: `${word} must be a power of two, a multiple of the write unit (${flash.writeUnit}) and divide every sector`,
      });
    }
  });

const boardFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'expected lower-case letters, digits, "_" or "-"' }),
  title: z.string().min(1),
  cpu: z.enum(CPU_CORES, { error: oneOf('core', CPU_CORES) }),
  memory: z.strictObject({
    flash: busRange('flash', 1, BOARD_LIMITS.flashBytes),
    ram: busRange('RAM', BOARD_LIMITS.minRamBytes, BOARD_LIMITS.ramBytes),
  }),
  flash: flashFields,
  flashController: z.enum(FLASH_CONTROLLERS, { error: oneOf('flash controller', FLASH_CONTROLLERS) }),
  partitions: z.strictObject({
    bootloader: region,
    images: z
      .array(z.strictObject({ primary: region, secondary: region }))
      .min(1)
      .max(BOARD_LIMITS.imagePairs, { error: `expected at most ${BOARD_LIMITS.imagePairs} image pairs` }),
    scratch: region.optional(),
    storage: region.optional(),
  }),
  bootloader: z.strictObject({
    strategy: z.enum(STRATEGIES, { error: oneOf('strategy', STRATEGIES) }),
    headerSize: byteCount
      .refine((bytes) => bytes >= IMAGE_HEADER_BYTES, { error: `must hold the ${IMAGE_HEADER_BYTES}-byte image header` })
      .refine((bytes) => bytes <= MAX_HEADER_BYTES, { error: `must fit the 16-bit ih_hdr_size field (at most ${hex(MAX_HEADER_BYTES)})` }),
    maxAlign: z.literal(MAX_ALIGNS, { error: oneOf('BOOT_MAX_ALIGN', MAX_ALIGNS) }),
    maxImageSectors: z.int().positive().max(BOARD_LIMITS.sectors, { error: `expected at most ${BOARD_LIMITS.sectors} (the most sectors a board may have)` }),
  }),
  /** Where the numbers come from; a file without sources is not accepted. */
  sources: z.array(z.string().min(1)).min(1),
});

type BoardFile = z.infer<typeof boardFile>;

/** A memory on the bus: a size within limits, and an end that does not wrap the 32-bit address space. */
function busRange(what: string, minBytes: number, maxBytes: number) {
  return z.strictObject({ base: byteCount, size: byteCount }).superRefine((range, context) => {
    if (range.size < minBytes || range.size > maxBytes) {
      context.addIssue({ code: 'custom', path: ['size'], message: `${what} of ${hex(range.size)} bytes: expected ${hex(minBytes)}..${hex(maxBytes)}` });
    } else if (range.base + range.size > 0x1_0000_0000) {
      context.addIssue({
        code: 'custom',
        path: ['base'],
        message: `${what} at ${hex(range.base)} + ${hex(range.size)} ends past 0xffffffff: it would wrap the 32-bit address space`,
      });
    }
  });
}

/** Parses and validates one board file's text. Throws BoardFileError naming `file`, the field and what was expected. */
export function parseBoardFile(text: string, file: string): Board {
  const json = parseJson(text, file);
  const parsed = boardFile.safeParse(json);
  if (!parsed.success) {
    throw new BoardFileError(
      file,
      parsed.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message })),
    );
  }
  const board = toBoard(parsed.data, file);
  const issues = checkBoard(board);
  if (issues.length > 0) throw new BoardFileError(file, issues);
  return board;
}

function parseJson(text: string, file: string): unknown {
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed.value;
  const issue: BoardIssue = { path: '', message: `not valid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.reason}` };
  throw new BoardFileError(file, [issue]);
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function toBoard(data: BoardFile, file: string): Board {
  return {
    name: data.name,
    title: data.title,
    file,
    cpu: data.cpu,
    memory: data.memory,
    flash: toGeometry(data.flash),
    flashController: data.flashController,
    partitions: data.partitions,
    bootloader: data.bootloader,
    sources: data.sources,
  };
}

function toGeometry(flash: BoardFile['flash']): FlashGeometry {
  const sectors: number[] = [];
  const eraseTimes: number[] = [];
  for (const run of flash.sectors) {
    for (let i = 0; i < run.count; i++) {
      sectors.push(run.size);
      // Both undefined was refused by the schema.
      eraseTimes.push(run.eraseTimeUs ?? flash.eraseTimeUs ?? 0);
    }
  }
  const uniformErase = eraseTimes.every((time) => time === eraseTimes[0]);
  return {
    sectors,
    writeUnit: flash.writeUnit,
    erasedValue: flash.erasedValue === '0xff' || flash.erasedValue === 255 ? 0xff : 0x00,
    programRule: flash.programRule,
    ...(flash.writeBudget === undefined ? {} : { writeBudget: flash.writeBudget }),
    eraseTimeUs: uniformErase ? eraseTimes[0] : eraseTimes,
    programTimeUs: flash.programTimeUs,
    endurance: flash.endurance,
  };
}
