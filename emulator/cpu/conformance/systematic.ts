/**
 * Systematic conformance: for every encoding of the tables, every value of each of its single-bit fields (S, W,
 * P, U, J1, J2, H, ...), every allowed value of its choice fields (the condition, the operation), and each
 * register class a register field may take (low, high, SP, PC) where the table allows it, at least one case.
 * Branches with a `backward` form run both ways, which is what sets S, J1 and J2 of B<cond>.W; B.W and BL also
 * go to code pages 6 and 12 MiB away and back, the offsets that make their J1 or J2 0. The random corpus
 * draws from the same tables; this makes sure no field value of any row is left to chance.
 */
import type { Encoding } from './encodings.ts';
import { type ConformanceCase, LAYOUT, type Profile, SequenceGenerator } from './generator.ts';
import { type Fields, parsePattern } from './pattern.ts';

/** One thing to cover: a field with a value (or a register class), as "field=value". */
export interface Requirement {
  encoding: string;
  label: string;
  /** Undefined when no valid instruction of the row can have it (the table rules it out). */
  testCase?: ConformanceCase;
}

const REGISTER_CLASSES: readonly { name: string; registers: readonly number[] }[] = [
  { name: 'low', registers: [0, 1, 2, 3, 4, 5, 6, 7] },
  { name: 'high', registers: [8, 9, 10, 11, 12, 14] },
  { name: 'SP', registers: [13] },
  { name: 'PC', registers: [15] },
];

/** The field values one row must be seen with, each as the forced fields that produce it. */
function wanted(encoding: Encoding): { label: string; forced: Fields[]; backward?: boolean; farPage?: number }[] {
  const out: { label: string; forced: Fields[]; backward?: boolean; farPage?: number }[] = [];
  const parsed = parsePattern(encoding.pattern);
  const branchFields = new Set(Object.keys(encoding.branch?.(0) ?? {}));
  for (const field of parsed.fields) {
    if (branchFields.has(field.name)) continue;
    const choices = encoding.choices?.[field.name];
    if (choices) {
      const isRegister = field.name.startsWith('R') && field.width === 4;
      const name = (value: number): string => (isRegister && value === 13 ? 'SP' : isRegister && value === 15 ? 'PC' : String(value));
      for (const value of choices) out.push({ label: `${field.name}=${name(value)}`, forced: [{ [field.name]: value }] });
    } else if (field.name.startsWith('R') && field.width === 4) {
      for (const kind of REGISTER_CLASSES) out.push({ label: `${field.name}:${kind.name}`, forced: kind.registers.map((r) => ({ [field.name]: r })) });
    } else if (field.width === 1) {
      for (const value of [0, 1]) out.push({ label: `${field.name}=${value}`, forced: [{ [field.name]: value }] });
    }
  }
  if (encoding.backward !== undefined) {
    out.push({ label: 'forward', forced: [{}] });
    out.push({ label: 'backward', forced: [{}], backward: true });
    // The offset's single-bit fields, as a forward and a backward branch set them.
    for (const name of ['S', 'J1', 'J2']) {
      if (!parsed.fields.some((f) => f.name === name)) continue;
      for (const [direction, backward] of [
        ['forward', false],
        ['backward', true],
      ] as const) {
        const value = backward ? encoding.backward(-8)[name] : encoding.branch!(0)[name];
        out.push({ label: `${name}=${value} (${direction})`, forced: [{}], backward });
      }
    }
    // J1 = 0 or J2 = 0 takes an offset of megabytes: a branch to a far page and one back. The branch sits a few
    // bytes past codeStart, near enough for the offset's bits 23 and 22 (the same both ways for these pages).
    for (const farPage of encoding.far ? LAYOUT.farPages : []) {
      const fields = encoding.backward(farPage - LAYOUT.codeStart);
      out.push({ label: `J1=${fields.J1} J2=${fields.J2} (±${farPage / (1 << 20)} MiB)`, forced: [{}], farPage });
    }
  }
  if (out.length === 0) out.push({ label: 'any', forced: [{}] });
  return out;
}

/** Every requirement of every encoding, each with a case where one exists (deterministic from `seed`). */
export function systematicCases(profile: Profile, encodings: readonly Encoding[], seed: number): Requirement[] {
  const generator = new SequenceGenerator(seed, encodings, profile);
  // Random neighbours come from the profile's whole table, not just the row under test.
  const neighbours = new SequenceGenerator(seed, undefined, profile);
  return encodings.flatMap((encoding) =>
    wanted(encoding).map(({ label, forced, backward, farPage }) => {
      for (const fields of forced) {
        try {
          neighbours.fields(encoding, fields);
        } catch {
          continue;
        }
        return { encoding: encoding.name, label, testCase: generator.single(encoding, fields, backward, farPage) };
      }
      return { encoding: encoding.name, label };
    }),
  );
}

/** The coverage table: one line per encoding, its covered field values and those the table rules out. */
export function coverageTable(requirements: readonly Requirement[]): string {
  const rows = new Map<string, Requirement[]>();
  for (const r of requirements) rows.set(r.encoding, [...(rows.get(r.encoding) ?? []), r]);
  const width = Math.max(...[...rows.keys()].map((name) => name.length));
  return [...rows]
    .map(([name, list]) => {
      const covered = list.filter((r) => r.testCase !== undefined);
      const ruledOut = list.filter((r) => r.testCase === undefined).map((r) => r.label);
      const outText = ruledOut.length > 0 ? `; not valid in this row: ${ruledOut.join(' ')}` : '';
      return `${name.padEnd(width)}  ${String(covered.length).padStart(3)}/${String(list.length).padEnd(3)} ${covered.map((r) => r.label).join(' ')}${outText}`;
    })
    .join('\n');
}
