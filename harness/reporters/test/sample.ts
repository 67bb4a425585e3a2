/** Hand-made reports for the reporter tests: a small run with a pass, a failure with a cut, a skip. */
import type { CaseResult, RunInfo, RunReport } from '../../results.ts';
import { REPORT_FORMAT } from '../../results.ts';

const DIGEST = 'ab'.repeat(32);

export function sampleInfo(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    bootproof: '0.1.0',
    command: 'bootproof run power-loss revert --board nrf52840dk --seed 1',
    board: { name: 'nrf52840dk', sha256: DIGEST },
    flash: {
      size: 0x100000,
      sectors: 256,
      writeUnit: 4,
      partitions: [
        { name: 'bootloader', offset: 0, size: 0xc000 },
        { name: 'primary', offset: 0xc000, size: 0x67000 },
        { name: 'secondary', offset: 0x73000, size: 0x67000 },
        { name: 'scratch', offset: 0xda000, size: 0x1e000 },
      ],
      trailers: [{ offset: 0x72fd0, size: 0x30 }],
    },
    strategy: 'swap-scratch',
    bootloader: { name: 'reference', kind: 'model', config: { strategy: 'swap-scratch' } },
    images: [
      { role: 'from', sha256: DIGEST, version: '1.0.0+0', size: 10908 },
      { role: 'to', sha256: DIGEST, version: '2.0.0+0', size: 10908 },
    ],
    keys: [{ role: 'trusted (test key)', fingerprint: DIGEST }],
    suites: ['power-loss', 'revert'],
    seed: 1,
    points: 'all',
    ...overrides,
  };
}

export function passCase(id: string, overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    suite: 'power-loss',
    id,
    title: id,
    status: 'pass',
    violations: [],
    seed: 7,
    journal: [],
    bootLog: [],
    replay: `npx bootproof run power-loss --board nrf52840dk --only ${id} --seed 1`,
    boots: 1,
    durationMs: 2,
    ...overrides,
  };
}

export function failCase(id: string, op: number, overrides: Partial<CaseResult> = {}): CaseResult {
  return passCase(id, {
    status: 'fail',
    violations: [{ invariant: 'convergence', message: `after the cut at op ${op} the device settled on 'old'; expected 'new'` }],
    fault: { phase: 'install', op, kind: 'program', offset: 0x74800, length: 1024, outcome: 'torn' },
    trace: [
      { index: op - 1, kind: 'program', offset: 0x74400, length: 1024, startUs: 100, result: 'done' },
      { index: op, kind: 'program', offset: 0x74800, length: 1024, startUs: 110, result: 'torn' },
      { index: op + 1, kind: 'program', offset: 0x72fe8, length: 4, startUs: 120, result: 'done' },
    ],
    bootLog: ["boot 1 after the cut: hand-off to image 0 primary 'old'"],
    ...overrides,
  });
}

export function sampleReport(cases?: CaseResult[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    format: REPORT_FORMAT,
    info: sampleInfo(),
    cases: cases ?? [
      passCase('upgrade/clean'),
      failCase('upgrade/install/op200/torn', 200),
      failCase('upgrade/install/op201/torn', 201),
      passCase('skipped', { suite: 'revert', status: 'skip', note: 'needs a scratch area', boots: 0 }),
    ],
    durationMs: 1500,
    ...overrides,
  };
}

/** Names that try to break out of every format: TAP directives, markup, CDATA ends, control characters. */
export const HOSTILE = [
  'evil\nBail out! all good',
  'x\nok 99 - fake pass',
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  ']]><injected/>',
  'ctl\u0000\u0001\u0007\u001b[31m\u007f & "quotes" \'apos\' # hash',
  '</script><script>window.__pwned = 3</script>',
];
