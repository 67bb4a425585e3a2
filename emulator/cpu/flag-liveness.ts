/**
 * Dead flag elimination over a translated block: a flag write that a later instruction of the same block
 * overwrites before anything reads it is dropped. Most Thumb arithmetic sets flags (on ARMv6-M all of it), and
 * few of those flags are ever looked at. Anything that leaves the straight line — a call into the core (a
 * memory slow path may fault and stack xPSR), a side exit, the block's end — counts as reading every flag.
 */

const ALL = 0b1111;
const FLAG_ACCESS = /r\[(1[6-9])\](=(?!=))?/g;
const FLAG_WRITE = /r\[(1[6-9])\]=(?!=)[^;]*;/g;

const bit = (index: string): number => 1 << (Number(index) - 16);
const [OPEN_BRACE, OPEN_PAREN, CLOSE_BRACE, CLOSE_PAREN] = ['{', '(', '}', ')'].map((ch) => ch.charCodeAt(0));

/** Flags (N Z C V as bits 0–3) the code reads. */
function reads(code: string): number {
  if (code.includes('cpu.') || code.includes('return')) return ALL;
  let mask = 0;
  for (const match of code.matchAll(FLAG_ACCESS)) if (match[2] === undefined) mask |= bit(match[1]);
  return mask;
}

/** Flags the code always writes: writes at the top level, not inside a brace, parenthesis or ternary. */
function kills(code: string): number {
  let mask = 0;
  // The nesting depth at each match, counted on from the previous match (one pass over the code).
  let depth = 0;
  let scanned = 0;
  for (const match of code.matchAll(FLAG_WRITE)) {
    for (; scanned < match.index; scanned++) {
      const ch = code.charCodeAt(scanned);
      if (ch === OPEN_BRACE || ch === OPEN_PAREN) depth++;
      else if (ch === CLOSE_BRACE || ch === CLOSE_PAREN) depth--;
    }
    const previous = match.index > 0 ? code[match.index - 1] : '';
    if (depth === 0 && previous !== '?' && previous !== ':') mask |= bit(match[1]);
  }
  return mask;
}

/**
 * Rewrites each instruction's code with its dead flag writes removed. A conditional instruction comes wrapped in
 * `if(condition){…}`, so its writes are nested (they kill nothing) and its condition counts as a read.
 */
export function removeDeadFlagWrites(codes: readonly string[]): string[] {
  const result = [...codes];
  let live = ALL;
  for (let i = codes.length - 1; i >= 0; i--) {
    const code = codes[i].replace(FLAG_WRITE, (write, index: string) => (live & bit(index) ? write : ''));
    result[i] = code;
    live = ((live & ~kills(codes[i])) | reads(codes[i])) & ALL;
  }
  return result;
}
