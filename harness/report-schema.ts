/**
 * The JSON report's schema, in zod: merge validates shard files with it, and `scripts/report-schema.ts` turns it
 * into the JSON Schema kept in the repo (`harness/reporters/report.schema.json`). It must describe exactly the
 * model in `results.ts`; a test checks both against real reports.
 */
import { z } from 'zod';
import { INVARIANTS, type InvariantName } from './invariants.ts';
import { REPORT_FORMAT } from './results.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$|^unreadable$/).describe('SHA-256, lowercase hex');
const count = z.number().int().nonnegative();
const region = z.object({ offset: count, size: count }).strict();
const invariant = z.enum(Object.keys(INVARIANTS) as [InvariantName, ...InvariantName[]]);

export const violationSchema = z
  .object({ invariant, message: z.string().describe('what was seen, and where') })
  .strict();

export const flashOpSchema = z
  .object({ index: count, kind: z.string(), offset: count, length: count, startUs: z.number().nonnegative(), result: z.string() })
  .strict()
  .describe('one flash operation; offset from the start of the flash');

export const coverageLineSchema = z
  .object({
    what: z.string().describe('the space: TLVs × mutations, resting states × rot, cut points × torn variants, protections'),
    how: z.enum(['enumerated', 'sampled']).describe('every member ran, or members were drawn from the seed'),
    count,
  })
  .strict();

export const faultPointSchema = z
  .object({
    phase: z.string(),
    op: count.describe('index of the operation cut'),
    kind: z.string().describe('erase, program, counter'),
    offset: count,
    length: count,
    outcome: z.string().describe('not-started, completed or torn'),
    tear: z.string().optional().describe('an enumerated torn write: u<k>-<ones|weak|half|ecc>, k whole write units then the torn unit'),
    second: z.object({ op: count, outcome: z.string() }).strict().optional().describe('a second cut inside the recovery'),
  })
  .strict();

export const caseResultSchema = z
  .object({
    suite: z.string(),
    id: z.string().describe('unique within the suite'),
    title: z.string(),
    status: z.enum(['pass', 'fail', 'skip']),
    violations: z.array(violationSchema),
    seed: count,
    fault: faultPointSchema.optional(),
    trace: z.array(flashOpSchema).optional().describe('flash operations around the fault (failures only)'),
    journal: z.array(z.string()).describe('events around the fault on a device without a flash journal'),
    bootLog: z.array(z.string()).describe("the bootloader's log of each boot after the fault (failures only)"),
    replay: z.string().describe('the command line that replays this case alone'),
    note: z.string().optional(),
    boots: count,
    durationMs: z.number().nonnegative(),
  })
  .strict();

const dimensionCoverageSchema = z
  .object({
    suite: z.string(),
    profile: z.enum(['quick', 'full']),
    strength: z.string().describe('what the rows were asked to cover, in words'),
    dimensions: z.array(
      z
        .object({
          name: z.string(),
          title: z.string(),
          values: z.array(
            z.object({ value: z.string(), rows: count.describe('rows holding it'), reason: z.string().optional().describe('why no row can') }).strict(),
          ),
        })
        .strict(),
    ),
    combinations: z
      .array(
        z
          .object({
            dimensions: z.array(z.string()),
            total: count,
            covered: count,
            excluded: z.array(z.object({ values: z.array(z.string()), reason: z.string() }).strict()),
            missing: z.array(z.array(z.string())).describe('allowed by every constraint yet in no row'),
          })
          .strict(),
      )
      .describe('each pair of dimensions, then each group covered in full'),
    rows: z.array(z.object({ id: z.string().describe('the scenario id'), values: z.record(z.string(), z.string()) }).strict()),
  })
  .strict();

export const runInfoSchema = z
  .object({
    bootproof: z.string().describe('bootproof version'),
    command: z.string().describe('the command line that repeats the run'),
    board: z.object({ name: z.string(), sha256, target: z.string().optional() }).strict(),
    flash: z
      .object({
        size: count,
        sectors: count,
        writeUnit: count,
        partitions: z.array(z.object({ name: z.string(), offset: count, size: count }).strict()),
        trailers: z.array(region),
      })
      .strict(),
    strategy: z.string(),
    bootloader: z
      .object({
        name: z.string(),
        kind: z.enum(['model', 'module', 'device']),
        sha256: sha256.optional(),
        config: z.record(z.string(), z.unknown()),
      })
      .strict(),
    images: z.array(z.object({ role: z.enum(['from', 'to']), sha256, version: z.string(), size: count }).strict()),
    keys: z.array(z.object({ role: z.string(), fingerprint: sha256 }).strict()).describe('SHA-256 of each public key (SPKI DER)'),
    suites: z.array(z.string()),
    seed: count,
    points: z.string(),
    shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).strict().optional(),
    coverage: z
      .array(z.object({ suite: z.string(), lines: z.array(coverageLineSchema) }).strict())
      .optional()
      .describe('per suite, what the run enumerated and what it sampled'),
    dimensions: z.array(dimensionCoverageSchema).optional().describe('per suite that spans dimensions: its rows and their coverage'),
  })
  .strict();

export const runReportSchema = z
  .object({
    format: z.literal(REPORT_FORMAT),
    info: runInfoSchema,
    cases: z.array(caseResultSchema),
    durationMs: z.number().nonnegative(),
    stoppedEarly: z.string().optional().describe('why the run stopped before every case ran (--max-failures)'),
  })
  .strict()
  .describe('A bootproof run report (bootproof run/gate/merge --json)');

/** The JSON Schema (draft 2020-12) of the report, as kept in `harness/reporters/report.schema.json`. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    title: 'bootproof report',
    ...z.toJSONSchema(runReportSchema, { target: 'draft-2020-12' }),
  };
}
