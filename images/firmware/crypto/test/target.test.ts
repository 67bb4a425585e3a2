import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../emulator/common/prng.ts';
import { type CryptoCase, ed25519Cases, hashCases, p256Cases, wycheproofCases } from './cases.ts';
import { CryptoTarget, targetFirmware } from './target.ts';

const CORES = ['cortex-m4', 'cortex-m33'] as const;
const missing = CORES.map(targetFirmware).filter((url) => !existsSync(url));

/**
 * A few seconds of emulated Cortex-M per core: every full verification costs millions of instructions, so this
 * takes two random keys per algorithm and the Wycheproof vectors that stress the parser, the range checks and
 * Shamir's trick; the host test runs the thousands.
 */
function targetCases(): CryptoCase[] {
  const prng = new Prng(1313);
  const pick = (cases: CryptoCase[], labels: string[]) => cases.filter((c) => labels.some((l) => c.label.endsWith(l)));
  const cheapOrSharp = ['InvalidEncoding', 'BerEncodedSignature', 'InvalidTypesInSignature', 'RangeCheck', 'IntegerOverflow', 'MissingZero'];
  const wycheproof = wycheproofCases().filter(
    (c) =>
      (c.kind === 'p256' && c.flags?.some((f) => cheapOrSharp.includes(f) || f === 'EdgeCaseShamirMultiplication')) ||
      (c.kind === 'ed25519' && c.flags?.includes('SignatureMalleability')),
  );
  return [
    ...hashCases(prng, [0, 55, 56, 64, 111, 112, 128, 1000]),
    ...pick(p256Cases(prng, 2), ['as signed', 'n - s (ECDSA has no low-s rule)', 'hash bit flipped', 's + n', 'r = 0']),
    ...pick(ed25519Cases(prng, 2), ['as signed', 'signature bit flipped', 'S + L (malleability)']),
    ...wycheproof,
  ];
}

describe.skipIf(missing.length > 0)(
  `the C crypto built for Cortex-M, on the emulated core${missing.length > 0 ? ` (skipped: no ${missing.join(', ')}; bash images/firmware/build.sh builds it)` : ''}`,
  () => {
    const cases = targetCases();
    for (const core of CORES) {
      it(`gives node:crypto's and Wycheproof's answers on ${core} (${cases.length} cases)`, () => {
        expect(cases.filter((c) => c.kind === 'p256' && c.expected === '1').length).toBeGreaterThanOrEqual(4);
        const { answers } = new CryptoTarget(core).run(cases);
        const wrong = cases.flatMap((c, i) => (answers[i] === c.expected ? [] : [`${c.label}: got ${answers[i]}, want ${c.expected}`]));
        expect(answers).toHaveLength(cases.length);
        expect(wrong).toEqual([]);
      });
    }
  },
);
