/** Intel HEX lines written by hand for the reader's tests. */

/** One record line with its checksum. */
export function rec(type: number, address: number, data: number[]): string {
  const fields = [data.length, (address >> 8) & 0xff, address & 0xff, type, ...data];
  const sum = (0x100 - (fields.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return `:${[...fields, sum].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

export const EOF_RECORD = ':00000001FF';

export const hex = (...lines: string[]): string => `${lines.join('\n')}\n`;
