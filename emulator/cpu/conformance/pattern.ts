/**
 * Encoding patterns as the architecture manual draws them: space-separated tokens, each either literal bits
 * (`0001110`) or a field `name:width`, most significant first, 16 or 32 bits in all. Shared by the test
 * assembler and the random instruction generator, so both build opcodes from the same tables.
 */

export type Fields = Record<string, number>;

export interface PatternField {
  name: string;
  width: number;
  /** Bit position of the field's least significant bit within the whole (16- or 32-bit) encoding. */
  shift: number;
}

export interface ParsedPattern {
  bits: 16 | 32;
  fixed: number;
  fields: PatternField[];
}

const cache = new Map<string, ParsedPattern>();

export function parsePattern(pattern: string): ParsedPattern {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const tokens = pattern.split(/\s+/).filter(Boolean);
  const widths = tokens.map((token) => (token.includes(':') ? Number(token.split(':')[1]) : token.length));
  const bits = widths.reduce((a, b) => a + b, 0);
  if (bits !== 16 && bits !== 32) throw new Error(`pattern "${pattern}" has ${bits} bits, not 16 or 32`);
  let position = bits;
  let fixed = 0;
  const fields: PatternField[] = [];
  tokens.forEach((token, i) => {
    position -= widths[i];
    if (token.includes(':')) fields.push({ name: token.split(':')[0], width: widths[i], shift: position });
    else if (!/^[01]+$/.test(token)) throw new Error(`pattern "${pattern}": "${token}" is neither bits nor name:width`);
    else fixed += Number.parseInt(token, 2) * 2 ** position;
  });
  const parsed: ParsedPattern = { bits, fixed, fields };
  cache.set(pattern, parsed);
  return parsed;
}

/** The halfwords of the encoding, in memory order (first halfword first). */
export function assemble(pattern: string, values: Fields): number[] {
  const { bits, fixed, fields } = parsePattern(pattern);
  let word = fixed;
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`pattern "${pattern}": no value for field ${field.name}`);
    if (value < 0 || value >= 2 ** field.width) throw new Error(`field ${field.name}=${value} does not fit ${field.width} bits`);
    word += value * 2 ** field.shift;
  }
  return bits === 16 ? [word] : [Math.floor(word / 0x10000), word % 0x10000];
}
