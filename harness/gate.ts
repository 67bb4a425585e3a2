/**
 * The release gate: the checks that decide whether an update pair may ship to a fleet on a given board —
 * both images verify with the fleet key, the update is not a downgrade, it fits the slot for the strategy, and it
 * survives power loss and a revert. Every check reports; the gate passes only when all do.
 */
import { loadBoard } from '../boards/index.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { MAX_TEXT_FILE_BYTES, readInputFile } from '../emulator/common/files.ts';
import { compareVersions, formatVersion, loadPublicKey, type VerifyResult, verifyImage } from '../images/index.ts';
import { boardConfig } from './context.ts';
import { readImageFile } from './image-file.ts';
import { maxImageSize } from './image-fit.ts';
import { imageExtent } from './oracle.ts';
import type { Reporter } from './reporters/reporter.ts';
import { type CaseResult, exitCodeOf, type RunReport, summarize } from './results.ts';
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
  readonly report: RunReport | undefined;
  readonly passed: boolean;
}

/** The suites that matter for a release pair. */
export const GATE_SUITES = ['power-loss', 'revert'] as const;

export async function runGate(options: RunOptions, reporters: readonly Reporter[]): Promise<GateResult> {
  const { imageFrom, imageTo, key } = options;
  if (!imageFrom || !imageTo || !key) throw new UsageError('gate: --from, --to and --key are required');
  // A gate judges the whole release: a share of its cases could pass while the rest fail.
  if (options.shard !== undefined) throw new UsageError('gate: --shard is refused: a gate runs every case (shard `bootproof run` instead)');
  const board = loadBoard(options.board);
  const config = boardConfig(board, options);
  const slot = board.partitions.images[0].primary;
  const from = readImageFile(imageFrom, { what: '--from', verified: true, maxSpan: slot.size }).bytes;
  const to = readImageFile(imageTo, { what: '--to', verified: true, maxSpan: slot.size }).bytes;
  const trustKey = loadPublicKey(readInputFile(key, { what: '--key', maxBytes: MAX_TEXT_FILE_BYTES }), { source: key });
  const checks: GateCheck[] = [];

  const fromResult = verifyImage(from, { keys: [trustKey], slotSize: slot.size });
  const toResult = verifyImage(to, { keys: [trustKey], slotSize: slot.size });
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

  let report: RunReport | undefined;
  if (checks.every((c) => c.passed)) {
    report = await runSuites({ ...options, suites: GATE_SUITES }, reporters);
    for (const suite of GATE_SUITES) {
      const cases = report.cases.filter((c) => c.suite === suite);
      checks.push(suiteCheck(suite === 'power-loss' ? 'power loss safe' : 'revert safe', cases));
    }
  } else {
    checks.push({ name: 'power loss safe', passed: false, detail: 'not run: the checks above failed' });
    checks.push({ name: 'revert safe', passed: false, detail: 'not run: the checks above failed' });
  }
  const passed = checks.every((c) => c.passed) && (report === undefined || exitCodeOf(report) === 0);
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

function verdict(path: string, result: VerifyResult): string {
  const version = result.version ? ` ${formatVersion(result.version)}` : '';
  return `${path}${version}: ${result.valid ? 'valid' : result.message}`;
}
