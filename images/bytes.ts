/** Small byte helpers shared by the image modules. */

/** `0x…` spelling of a number, as MCUboot's logs and imgtool's dumpinfo print them. */
export function hex(value: number, width = 0): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
