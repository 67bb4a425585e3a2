/**
 * The lab file: every real board of a lab by id — its serial port, the console lines that say what runs, how its
 * power is switched, how it is put back to its factory state, and how long to wait for it. JSON, validated with
 * zod; every mistake is a LabFileError (exit 2) naming the file, the field and what was expected.
 */
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BootproofError } from '../../emulator/common/errors.ts';
import { readInputText } from '../../emulator/common/files.ts';

export class LabFileError extends BootproofError {
  constructor(file: string, message: string) {
    super(`lab file ${file}: ${message}`, { exitCode: 2 });
  }
}

/** A regular expression as a string, checked to compile and, where asked, to name the groups a reader needs. */
function pattern(groups: readonly string[] = []) {
  return z.string().superRefine((text, ctx) => {
    let regex: RegExp;
    try {
      regex = new RegExp(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `expected a regular expression: ${(error as Error).message}` });
      return;
    }
    const named = new Set(Object.keys(new RegExp(`${regex.source}|`).exec('')?.groups ?? {}));
    for (const group of groups) {
      if (!named.has(group)) ctx.addIssue({ code: 'custom', message: `expected a named group (?<${group}>…) in ${JSON.stringify(text)}` });
    }
  });
}

const positiveMs = z.number().int().positive();

const CommandPower = z.strictObject({
  driver: z.literal('command'),
  /** Shell commands; `cycle` defaults to `off`, a pause, then `on`. */
  on: z.string().min(1),
  off: z.string().min(1),
  cycle: z.string().min(1).optional(),
  timeoutMs: positiveMs.default(10_000),
});

const UhubctlPower = z.strictObject({
  driver: z.literal('uhubctl'),
  /** The hub's location as `uhubctl` lists it (`1-1.4`). */
  location: z.string().regex(/^\d+(-\d+(\.\d+)*)?$/, 'expected a hub location such as 1-1.4'),
  port: z.number().int().min(1).max(255),
  /** The uhubctl executable (default `uhubctl` on the PATH). */
  command: z.string().min(1).default('uhubctl'),
  timeoutMs: positiveMs.default(10_000),
});

const DtrRtsPower = z.strictObject({
  driver: z.literal('dtr-rts'),
  /** The modem line wired to the board's reset (nRF DKs and ESP boards: DTR/RTS through a transistor). */
  line: z.enum(['dtr', 'rts']),
  /** True when asserting the line holds the board in reset (the usual wiring). */
  assertedIsReset: z.boolean().default(true),
});

const ManualPower = z.strictObject({ driver: z.literal('manual') });

const Power = z.discriminatedUnion('driver', [CommandPower, UhubctlPower, DtrRtsPower, ManualPower]);

/** Factory state by a debug probe: a command that programs an Intel HEX file (`{hex}` is replaced by its path). */
const ProbeFactory = z.strictObject({
  method: z.literal('probe'),
  command: z.string().includes('{hex}', { message: 'expected the command to name the file as {hex}' }),
  timeoutMs: positiveMs.default(60_000),
});

/**
 * Factory state through MCUboot serial recovery: `enter` holds the board in recovery (a button through a relay),
 * the power is cycled, the old image is uploaded into the primary slot, the secondary is erased, `leave` lets go.
 * Without `enter`, the board is taken to enter recovery by itself at every power-on (CONFIG_BOOT_SERIAL_WAIT_FOR_DFU).
 */
const RecoveryFactory = z.strictObject({
  method: z.literal('serial-recovery'),
  enter: z.string().min(1).optional(),
  leave: z.string().min(1).optional(),
  /** The line the bootloader prints in recovery (default: wait for it to answer an SMP echo). */
  banner: pattern().optional(),
  timeoutMs: positiveMs.default(10_000),
});

const LabBoardSchema = z.strictObject({
  /** The board name or board file (relative to the lab file) that gives the flash layout. */
  board: z.string().min(1),
  port: z.string().min(1),
  baud: z.number().int().positive().default(115_200),
  flowControl: z.enum(['none', 'rtscts', 'xonxoff']).default('none'),
  console: z.strictObject({
    /** The application's banner: what runs, as `version` and `slot` (0 primary, 1 secondary). */
    running: pattern(['version', 'slot']),
    /** The bootloader giving up (no bootable image); an optional `reason` group. */
    halt: pattern().optional(),
  }),
  power: Power,
  factory: z.discriminatedUnion('method', [ProbeFactory, RecoveryFactory]),
  /** What the board's MCUboot was built with; scenarios that need another build are skipped. */
  bootloader: z
    .strictObject({
      strategy: z.enum(['overwrite-only', 'swap-scratch', 'swap-move', 'swap-offset', 'direct-xip']).optional(),
      downgradePrevention: z.enum(['none', 'version', 'security-counter']).default('none'),
      hardwareRollback: z.boolean().default(false),
    })
    .prefault({}),
  timeouts: z
    .strictObject({
      /** From power-on to the application's banner (a full swap of a large slot takes a while). */
      bootMs: positiveMs.default(30_000),
      /** One SMP request. */
      smpMs: positiveMs.default(3_000),
      /** Pause between off and on when a driver has no cycle of its own. */
      offMs: z.number().int().nonnegative().default(500),
    })
    .prefault({}),
  /** Where a sweep cuts: `points` offsets spread over each upload and times spread over each boot that swaps. */
  sweep: z.strictObject({ points: z.number().int().positive().max(1000).default(4) }).prefault({}),
});

const LabFileSchema = z.strictObject({
  boards: z.record(z.string(), LabBoardSchema).superRefine((boards, ctx) => {
    const ids = Object.keys(boards);
    if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one board' });
    for (const id of ids.filter((id) => !/^[\w.-]+$/.test(id))) {
      ctx.addIssue({ code: 'custom', path: [id], message: 'expected a board id of letters, digits, _ . -' });
    }
  }),
});

export type LabBoard = z.infer<typeof LabBoardSchema>;
export type PowerSettings = LabBoard['power'];
export type FactorySettings = LabBoard['factory'];

/** One board of a lab file, with where it came from (for messages and for paths relative to the file). */
export interface LabEntry {
  readonly id: string;
  readonly file: string;
  readonly settings: LabBoard;
  /** The board name, or the board file resolved against the lab file's folder. */
  readonly board: string;
}

/** A lab file's text, JSON or YAML (by extension: `.yaml`/`.yml`, as twister's hardware maps are written). */
export function parseLabFile(text: string, file: string): Record<string, LabBoard> {
  const yaml = /\.ya?ml$/i.test(file);
  const { value, lineOf } = yaml ? readYaml(text, file) : readJson(text, file);
  const parsed = LabFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length === 0 ? '(top level)' : issue.path.join('.');
    const line = lineOf(issue.path);
    throw new LabFileError(file, `${where}${line === undefined ? '' : ` (line ${line})`}: ${issue.message}`);
  }
  return parsed.data.boards;
}

interface ReadText {
  readonly value: unknown;
  /** The line a field (or its nearest present parent) starts on, when the format keeps positions. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

function readJson(text: string, file: string): ReadText {
  try {
    return { value: JSON.parse(text), lineOf: () => undefined };
  } catch (error) {
    throw new LabFileError(file, `not valid JSON: ${(error as Error).message}`);
  }
}

function readYaml(text: string, file: string): ReadText {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [error] = document.errors;
  if (error) {
    const at = lines.linePos(error.pos[0]);
    throw new LabFileError(file, `not valid YAML: line ${at.line}, column ${at.col}: ${error.message.split('\n')[0]}`);
  }
  const lineOf = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { value: document.toJS({ maxAliasCount: 100 }), lineOf };
}

export function loadLabEntry(file: string, id: string): LabEntry {
  let text: string;
  try {
    text = readInputText(file);
  } catch (error) {
    throw new LabFileError(file, (error as Error).message.slice(file.length + 2));
  }
  const boards = parseLabFile(text, file);
  // Own properties only: `--board-id toString` must not find Object.prototype.toString.
  const settings = Object.hasOwn(boards, id) ? boards[id] : undefined;
  if (!settings) throw new LabFileError(file, `no board '${id}'; it has ${Object.keys(boards).join(', ')}`);
  const isPath = /[\\/]|\.json$/.test(settings.board);
  return { id, file, settings, board: isPath ? resolve(dirname(file), settings.board) : settings.board };
}
