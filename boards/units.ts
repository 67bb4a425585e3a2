/**
 * Byte counts as board files write them and as bootproof prints them. Devicetree writes offsets in hex and
 * sizes as DT_SIZE_K(n); board files accept the same spellings so a layout can be copied without arithmetic.
 */

/** `4096`, `"0x1000"` or `"4K"` / `"1M"` (binary units). */
export const BYTE_COUNT_PATTERN = /^(0x[0-9a-fA-F]+|[0-9]+[KM]?)$/;

export function parseByteCount(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value.startsWith('0x') || value.startsWith('0X')) return Number.parseInt(value.slice(2), 16);
  const unit = value.at(-1);
  if (unit === 'K') return Number(value.slice(0, -1)) * 1024;
  if (unit === 'M') return Number(value.slice(0, -1)) * 1024 * 1024;
  return Number(value);
}

export function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

/** A bus address, always eight hex digits (`0x08000000`), as reference manuals print them. */
export function address(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** `512 B`, `4 KiB`, `1.5 MiB`: the largest binary unit that keeps the number readable. */
export function humanSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (64 * 1024) === 0) return `${trim(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024 && bytes % 256 === 0) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '');
}
