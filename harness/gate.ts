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
import { exitCodeOf, type RunReport, summarize } from './results.ts';
import type { RunOptions } from './run-options.ts';
import { runSuites } from './runner.ts';

export interface GateCheck {
  readonly name: string;
  readonly passed: boolean;
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
      const s = summarize(cases);
      checks.push({
        name: suite === 'power-loss' ? 'power loss safe' : 'revert safe',
        passed: s.failed === 0,
        detail: `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`,
      });
    }
  } else {
    checks.push({ name: 'power loss safe', passed: false, detail: 'not run: the checks above failed' });
    checks.push({ name: 'revert safe', passed: false, detail: 'not run: the checks above failed' });
  }
  const passed = checks.every((c) => c.passed) && (report === undefined || exitCodeOf(report) === 0);
  return { checks, report, passed };
}

function verdict(path: string, result: VerifyResult): string {
  const version = result.version ? ` ${formatVersion(result.version)}` : '';
  return `${path}${version}: ${result.valid ? 'valid' : result.message}`;
}
