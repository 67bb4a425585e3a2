/**
 * Arithmetic the translated code calls for instructions too wide for one JavaScript expression: 64-bit
 * multiplies, the DSP extension's saturating and SIMD operations, bit reversal. They write the register file `r`
 * (laid out as in emit.ts: r[20] = Q, r[21] = GE) directly so nothing is allocated.
 */

/** High 32 bits of the unsigned 64-bit product of two 32-bit values (16-bit limbs keep every step exact). */
function unsignedMultiplyHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const middle1 = a1 * b0;
  const middle2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (middle1 & 0xffff) + (middle2 & 0xffff)) >>> 16;
  return (a1 * b1 + (middle1 >>> 16) + (middle2 >>> 16) + carry) | 0;
}

/** High 32 bits of the signed product. */
const signedMultiplyHigh = (a: number, b: number): number =>
  (unsignedMultiplyHigh(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;

/** (r[hi]:r[lo]) = a*b (+ r[hi]:r[lo] when accumulating); UMULL, SMULL, UMLAL, SMLAL. */
export function multiplyLong(r: Int32Array, lo: number, hi: number, a: number, b: number, signed: boolean, accumulate: boolean): void {
  let low = Math.imul(a, b);
  let high = signed ? signedMultiplyHigh(a, b) : unsignedMultiplyHigh(a, b);
  if (accumulate) {
    const sum = (low >>> 0) + (r[lo] >>> 0);
    low = sum | 0;
    high = (high + r[hi] + (sum > 0xffffffff ? 1 : 0)) | 0;
  }
  r[lo] = low;
  r[hi] = high;
}

/** UMAAL: (hi:lo) = a*b + lo + hi, which cannot overflow 64 bits. */
export function multiplyAccumulateAccumulate(r: Int32Array, lo: number, hi: number, a: number, b: number): void {
  const low = (Math.imul(a, b) >>> 0) + (r[lo] >>> 0) + (r[hi] >>> 0);
  const high = (unsignedMultiplyHigh(a, b) + Math.floor(low / 0x100000000)) | 0;
  r[lo] = low | 0;
  r[hi] = high;
}

/** (r[hi]:r[lo]) += delta, for a delta small enough to be exact in a double (the DSP long accumulates). */
export function accumulate64(r: Int32Array, lo: number, hi: number, delta: number): void {
  const low = (r[lo] >>> 0) + delta;
  const carry = Math.floor(low / 0x100000000);
  r[lo] = low - carry * 0x100000000;
  r[hi] = (r[hi] + carry) | 0;
}

/** SMMLA / SMMLS / SMMUL: the top 32 bits of (acc << 32) ± a*b, rounded when `round`. */
export function mostSignificantMultiply(a: number, b: number, acc: number, subtract: boolean, round: boolean): number {
  const product = BigInt(a) * BigInt(b);
  let result = (BigInt(acc) << 32n) + (subtract ? -product : product);
  if (round) result += 0x80000000n;
  return Number(BigInt.asIntN(32, result >> 32n));
}

/** Signed saturation of a (double) value to 32 bits; sets Q when it clips. */
export function saturate32(r: Int32Array, value: number): number {
  if (value > 0x7fffffff) {
    r[20] = 1;
    return 0x7fffffff;
  }
  if (value < -0x80000000) {
    r[20] = 1;
    return -0x80000000;
  }
  return value;
}

/** A signed sum that sets Q on 32-bit overflow but keeps the wrapped result (SMLAxy, SMLAD, SMLAW, SMUAD). */
export function addSettingQ(r: Int32Array, value: number): number {
  const wrapped = value | 0;
  if (wrapped !== value) r[20] = 1;
  return wrapped;
}

export function reverseBits(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

/** USAD8 (+ acc for USADA8): sum of absolute differences of the four bytes. */
export function sumAbsoluteDifferences(a: number, b: number, acc: number): number {
  let sum = acc;
  for (let shift = 0; shift < 32; shift += 8) sum += Math.abs(((a >>> shift) & 0xff) - ((b >>> shift) & 0xff));
  return sum | 0;
}

/** SEL: each byte from `a` where its GE bit is set, else from `b`. */
export function selectBytes(r: Int32Array, a: number, b: number): number {
  let mask = 0;
  for (let i = 0; i < 4; i++) if ((r[21] >> i) & 1) mask |= 0xff << (i * 8);
  return (a & mask) | (b & ~mask);
}

/**
 * The parallel add/subtract family (SADD16 … UHSUB8). `op` is h1[6:4] (which lanes and whether add or sub),
 * `kind` is h2[6:4] (0 signed with GE, 1 signed saturating, 2 signed halving, 4 unsigned with GE, 5 unsigned
 * saturating, 6 unsigned halving).
 */
export function parallelAddSubtract(r: Int32Array, op: number, kind: number, a: number, b: number): number {
  const bytes = op === 0 || op === 4;
  const lanes = bytes ? 4 : 2;
  const width = bytes ? 8 : 16;
  const unsigned = kind >= 4;
  const mode = kind & 3;
  let result = 0;
  let ge = 0;
  for (let lane = 0; lane < lanes; lane++) {
    const shift = lane * width;
    const take = (v: number, at: number): number => {
      const raw = (v >>> at) & ((1 << width) - 1);
      return unsigned ? raw : (raw << (32 - width)) >> (32 - width);
    };
    // ASX: lane 0 = a.lo - b.hi, lane 1 = a.hi + b.lo; SAX the other way round.
    const crossed = op === 2 || op === 6;
    const subtract = op === 4 || op === 5 || (op === 2 && lane === 0) || (op === 6 && lane === 1);
    const x = take(a, shift);
    const y = take(b, crossed ? (lane === 0 ? 16 : 0) : shift);
    const exact = subtract ? x - y : x + y;
    let value: number;
    if (mode === 1) {
      const [low, high] = unsigned ? [0, 2 ** width - 1] : [-(2 ** (width - 1)), 2 ** (width - 1) - 1];
      value = Math.min(high, Math.max(low, exact));
    } else if (mode === 2) {
      value = Math.floor(exact / 2);
    } else {
      value = exact;
      const geSet = unsigned ? (subtract ? exact >= 0 : exact >= 2 ** width) : exact >= 0;
      if (geSet) ge |= (bytes ? 1 : 3) << (lane * (bytes ? 1 : 2));
    }
    result |= (value & ((1 << width) - 1)) << shift;
  }
  if (mode === 0) r[21] = ge;
  return result | 0;
}
