/**
 * The release gate: the checks that decide whether an update pair may ship to a fleet on a given board —
 * both images verify with the fleet key, the update is not a downgrade, it fits the slot for the strategy, and it
 * survives power loss and a revert. Every check reports; the gate passes only when all do.
 */
import { loadBoard } from '../boards/index.ts';
import type { Board } from '../boards/types.ts';
import type { ImageConfig } from '../emulator/boot/index.ts';
import { BootproofError, UsageError } from '../emulator/common/errors.ts';
import { MAX_TEXT_FILE_BYTES, readInputFile } from '../emulator/common/files.ts';
import { buildOfImage, compareVersions, formatVersion, loadPublicKey, type VerifyResult, verifyImage } from '../images/index.ts';
import { boardConfig } from './context.ts';
import { checkBuildFitsBoard, imageConfigOf } from './cpu-device/board-fit.ts';
import { loadBuildConfig } from './cpu-device/load-config.ts';
import { isBootloaderBinary, runPoints } from './cpu-device/spec.ts';
import { parsePoints } from './fault-points.ts';
import { readImageFile } from './image-file.ts';
import { maxImageSize } from './image-fit.ts';
import { imageExtent } from './oracle.ts';
import { ConsoleReporter } from './reporters/console.ts';
import type { Reporter } from './reporters/reporter.ts';
import { type CaseResult, exitCodeOf, REPORT_FORMAT, type RunInfo, type RunReport, summarize } from './results.ts';
import { BOOTPROOF_VERSION, commandLine, describeRun } from './run-info.ts';
import type { RunOptions } from './run-options.ts';
import { runSuites } from './runner.ts';

export interface GateCheck {
  readonly name: string;
  readonly passed: boolean;
  /** Passed because it does not apply to this board and strategy; never shown as "ok". */
  readonly notApplicable?: boolean;
  readonly detail: string;
}

export interface GateResult {
  readonly checks: readonly GateCheck[];
  readonly report: RunReport;
  readonly passed: boolean;
}

/** The suites that matter for a release pair. */
export const GATE_SUITES = ['power-loss', 'revert'] as const;

export async function runGate(options: RunOptions, reporters: readonly Reporter[]): Promise<GateResult> {
  const gateOptions: RunOptions = { ...options, suites: GATE_SUITES, gate: true };
  const state: GateState = { ended: false };
  try {
    return await gate(gateOptions, reporters, state);
  } catch (error) {
    // Bad input ends the gate with exit 2; the reports asked for still say why, so CI shows the reason.
    if (error instanceof BootproofError && !state.ended) {
      const report = gateReport(state.info ?? inputInfo(gateOptions), [gateCase('input', 'bad input', gateOptions, error.message)], 0);
      for (const r of reporters) if (!(r instanceof ConsoleReporter)) await r.onRunEnd(report);
    }
    throw error;
  }
}

interface GateState {
  info?: RunInfo;
  /** Whether the reporters were handed the final report (so an error after that is not reported twice). */
  ended: boolean;
}

/** The update strategy and slots the gate checks the fit against: a binary's build, else the board's (or --strategy). */
function gateConfig(board: Board, options: RunOptions): ImageConfig {
  if (options.bootloader === undefined || !isBootloaderBinary(options.bootloader) || options.bootloaderConfig === undefined) {
    return boardConfig(board, options);
  }
  const build = loadBuildConfig(options.bootloaderConfig);
  checkBuildFitsBoard(build, board);
  return imageConfigOf(build, board);
}

async function gate(options: RunOptions, reporters: readonly Reporter[], state: GateState): Promise<GateResult> {
  const started = performance.now();
  const { imageFrom, imageTo, key } = options;
  if (!imageFrom || !imageTo || !key) throw new UsageError('gate: --from, --to and --key are required');
  // A gate judges the whole release: a share of its cases could pass while the rest fail.
  if (options.shard !== undefined) throw new UsageError('gate: --shard is refused: a gate runs every case (shard `bootproof run` instead)');
  const board = loadBoard(options.board);
  const config = gateConfig(board, options);
  const slot = board.partitions.images[0].primary;
  const from = readImageFile(imageFrom, { what: '--from', verified: true, maxSpan: slot.size }).bytes;
  const to = readImageFile(imageTo, { what: '--to', verified: true, maxSpan: slot.size }).bytes;
  const trustKey = loadPublicKey(readInputFile(key, { what: '--key', maxBytes: MAX_TEXT_FILE_BYTES }), { source: key });
  const points = runPoints(options);
  const info = describeRun({
    options,
    board,
    config,
    bootloaderName: options.bootloader ?? 'reference',
    pair: { from, to, trustKey, fromUser: true },
    suites: ['gate', ...GATE_SUITES],
    points: points === undefined ? undefined : parsePoints(points),
  });
  state.info = info;
  const checks: GateCheck[] = [];

  const fromResult = verifyImage(from, { keys: [trustKey], slotSize: slot.size, ...buildOfImage(from) });
  const toResult = verifyImage(to, { keys: [trustKey], slotSize: slot.size, ...buildOfImage(to) });
  checks.push({
    name: 'images verify',
    passed: fromResult.valid && toResult.valid,
    detail: [verdict(imageFrom, fromResult), verdict(imageTo, toResult)].join('; '),
  });

  if (fromResult.version && toResult.version) {
    const versionOk = compareVersions(toResult.version, fromResult.version) >= 0;
    const counterOk = (toResult.securityCounter ?? 0) >= (fromResult.securityCounter ?? 0);
    checks.push({
      name: 'not a downgrade',
      passed: versionOk && counterOk,
      detail:
        `${formatVersion(fromResult.version)} → ${formatVersion(toResult.version)}` +
        (versionOk ? '' : ' is a downgrade') +
        (counterOk ? '' : `; security counter ${fromResult.securityCounter} → ${toResult.securityCounter} goes down`),
    });
  }

  const limit = maxImageSize(board, config);
  const size = imageExtent(to);
  checks.push({
    name: `fits the slot for ${config.strategy}`,
    passed: typeof limit === 'number' && size <= limit,
    detail: typeof limit === 'number' ? `${size} of ${limit} bytes` : limit,
  });

  const staticCases = checks.map((c) => gateCase(slug(c.name), c.name, options, c.passed ? undefined : c.detail));
  let report: RunReport;
  if (checks.every((c) => c.passed)) {
    // The suites' progress goes to every reporter; the report they end with also holds the static checks.
    const progress = reporters.map((r) => ({ onRunStart: r.onRunStart?.bind(r), onCase: r.onCase?.bind(r), onRunEnd() {} }));
    const suites = await runSuites(options, progress);
    for (const suite of GATE_SUITES) {
      const cases = suites.cases.filter((c) => c.suite === suite);
      checks.push(suiteCheck(suite === 'power-loss' ? 'power loss safe' : 'revert safe', cases));
    }
    report = { ...suites, info, cases: [...staticCases, ...suites.cases] };
  } else {
    const note = 'not run: the checks above failed';
    checks.push({ name: 'power loss safe', passed: false, detail: note });
    checks.push({ name: 'revert safe', passed: false, detail: note });
    const skipped = GATE_SUITES.map((suite): CaseResult => ({ ...gateCase('not-run', suite, options, undefined), suite, status: 'skip', note }));
    report = gateReport(info, [...staticCases, ...skipped], performance.now() - started);
    for (const r of reporters) r.onRunStart?.(info, report.cases.length);
    for (const c of report.cases) for (const r of reporters) r.onCase?.(c);
  }
  state.ended = true;
  for (const r of reporters) await r.onRunEnd(report);
  const passed = checks.every((c) => c.passed) && exitCodeOf(report) === 0;
  return { checks, report, passed };
}

/**
 * A suite's check passes only when it ran cases and none failed. A suite the strategy rules out as a whole (one
 * skipped case with the reason) is not applicable: shown as such, it does not block the gate.
 */
export function suiteCheck(name: string, cases: readonly CaseResult[]): GateCheck {
  const s = summarize(cases);
  if (cases.length === 1 && cases[0]!.id === 'skipped' && cases[0]!.status === 'skip') {
    return { name, passed: true, notApplicable: true, detail: `not applicable: ${cases[0]!.note}` };
  }
  if (s.passed + s.failed === 0) return { name, passed: false, detail: `ran no case (${s.skipped} skipped): nothing was checked` };
  return { name, passed: s.failed === 0, detail: `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` };
}

/** A static check of the gate as a case of the suite `gate`: failed with the reason, or passed. */
function gateCase(id: string, title: string, options: RunOptions, failure: string | undefined): CaseResult {
  return {
    suite: 'gate',
    id,
    title,
    status: failure === undefined ? 'pass' : 'fail',
    violations: [],
    seed: options.seed,
    journal: [],
    bootLog: [],
    replay: commandLine(options),
    ...(failure === undefined ? {} : { note: `${title}: ${failure}` }),
    boots: 0,
    durationMs: 0,
  };
}

function gateReport(info: RunInfo, cases: CaseResult[], durationMs: number): RunReport {
  return { format: REPORT_FORMAT, info, cases, durationMs };
}

/** What can be said of a gate whose input could not even be read. */
function inputInfo(options: RunOptions): RunInfo {
  return {
    bootproof: BOOTPROOF_VERSION,
    command: commandLine(options),
    board: { name: options.board, sha256: 'unreadable' },
    flash: { size: 0, sectors: 0, writeUnit: 0, partitions: [], trailers: [] },
    strategy: options.strategy ?? 'board default',
    bootloader: { name: options.bootloader ?? 'reference', kind: options.bootloader ? 'module' : 'model', config: {} },
    images: [],
    keys: [],
    suites: ['gate', ...GATE_SUITES],
    seed: options.seed,
    points: runPoints(options) ?? 'per suite',
  };
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

function verdict(path: string, result: VerifyResult): string {
  const version = result.version ? ` ${formatVersion(result.version)}` : '';
  return `${path}${version}: ${result.valid ? 'valid' : result.message}`;
}
