/**
 * The ELF32 reader on hand-built files (System V gABI layout: a 52-byte header, program headers of 32 bytes or
 * more), so each field and each bound is exercised on its own: what is read from where, and what is refused.
 */
import { describe, expect, it } from 'vitest';
import { FirmwareFormatError } from '../errors.ts';
import { isElf, parseElf } from './elf.ts';

interface ProgramHeader {
  type?: number;
  offset: number;
  virtual?: number;
  physical: number;
  fileSize: number;
  memSize?: number;
}

/** An ELF32 file: header, program headers at `phoff`, then `bytes` of contents (offsets count from 0). */
function buildElf(options: {
  headers: readonly ProgramHeader[];
  size: number;
  phoff?: number;
  phentsize?: number;
  machine?: number;
  ident?: { cls?: number; data?: number };
}): Uint8Array {
  const phoff = options.phoff ?? 52;
  const phentsize = options.phentsize ?? 32;
  const out = new Uint8Array(options.size);
  for (let i = 52; i < out.length; i++) out[i] = i & 0xff;
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, options.ident?.cls ?? 1, options.ident?.data ?? 1, 1]);
  view.setUint16(16, 2, true);
  view.setUint16(18, options.machine ?? 40, true);
  view.setUint32(28, phoff, true);
  view.setUint16(40, 52, true);
  view.setUint16(42, phentsize, true);
  view.setUint16(44, options.headers.length, true);
  options.headers.forEach((h, i) => {
    const at = phoff + i * phentsize;
    if (at + 32 > out.length) return;
    view.setUint32(at, h.type ?? 1, true);
    view.setUint32(at + 4, h.offset, true);
    view.setUint32(at + 8, h.virtual ?? h.physical, true);
    view.setUint32(at + 12, h.physical, true);
    view.setUint32(at + 16, h.fileSize, true);
    view.setUint32(at + 20, h.memSize ?? h.fileSize, true);
  });
  return out;
}

function refusal(bytes: Uint8Array): string {
  try {
    parseElf('fw.elf', bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(FirmwareFormatError);
    expect((error as FirmwareFormatError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a FirmwareFormatError');
}

const expected = (file: Uint8Array, offset: number, length: number) => [...file.subarray(offset, offset + length)];

describe('ELF32 reader', () => {
  it('recognises the magic in the first four bytes, wherever the view starts', () => {
    expect(isElf(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46))).toBe(true);
    expect(isElf(Uint8Array.of(0x7f, 0x45, 0x4c))).toBe(false);
    expect(isElf(Uint8Array.of(0x7f, 0x45, 0x4c, 0x47))).toBe(false);
    expect(isElf(Uint8Array.of(0, 0x7f, 0x45, 0x4c, 0x46).subarray(1))).toBe(true);
  });

  it('places each PT_LOAD segment at its physical address, sorted by address, skipping other and empty ones', () => {
    const file = buildElf({
      size: 0x200,
      headers: [
        { offset: 0x100, virtual: 0x20000000, physical: 0x8000, fileSize: 0x10 },
        { type: 6, offset: 0x80, physical: 0x100, fileSize: 0x20 },
        { offset: 0xc0, physical: 0x4000, fileSize: 0x40 },
        { offset: 0x1f0, physical: 0x20001000, fileSize: 0, memSize: 0x100 },
        { offset: 0x1f0, physical: 0x9000, fileSize: 0x10 },
      ],
    });
    const image = parseElf('fw.elf', file);
    expect(image.file).toBe('fw.elf');
    expect(image.segments.map((s) => [s.address, [...s.bytes]])).toEqual([
      [0x4000, expected(file, 0xc0, 0x40)],
      [0x8000, expected(file, 0x100, 0x10)],
      [0x9000, expected(file, 0x1f0, 0x10)],
    ]);
  });

  it('steps through program headers larger than 32 bytes, found anywhere in the file, in a view that starts mid-buffer', () => {
    const file = buildElf({
      size: 0x180,
      phoff: 0x100,
      phentsize: 40,
      headers: [
        { offset: 0x40, physical: 0x1000, fileSize: 8 },
        { offset: 0x48, physical: 0x2000, fileSize: 8 },
      ],
    });
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const image = parseElf('fw.elf', shifted.subarray(3));
    expect(image.segments.map((s) => [s.address, [...s.bytes]])).toEqual([
      [0x1000, expected(file, 0x40, 8)],
      [0x2000, expected(file, 0x48, 8)],
    ]);
  });

  it('refuses what is not a 32-bit little-endian ARM file, saying which field and what it holds', () => {
    const good = { size: 0x100, headers: [{ offset: 0x80, physical: 0, fileSize: 0x10 }] };
    expect(refusal(Uint8Array.of(1, 2, 3, 4, 5))).toBe('fw.elf: not a loadable ELF file: no ELF magic (7f 45 4c 46) at offset 0');
    expect(refusal(buildElf(good).slice(0, 51))).toBe('fw.elf: not a loadable ELF file: truncated: 51 bytes, the ELF32 header alone is 52');
    expect(refusal(buildElf({ ...good, ident: { cls: 2 } }))).toBe('fw.elf: not a loadable ELF file: EI_CLASS is 2, expected 1 (32-bit)');
    expect(refusal(buildElf({ ...good, ident: { data: 2 } }))).toBe('fw.elf: not a loadable ELF file: EI_DATA is 2, expected 1 (little-endian)');
    expect(refusal(buildElf({ ...good, machine: 0xf3 }))).toBe('fw.elf: not a loadable ELF file: e_machine is 243, expected 40 (ARM)');
  });

  it('refuses program headers that are missing, too small or past the end of the file', () => {
    expect(refusal(buildElf({ size: 52, headers: [] }))).toBe('fw.elf: not a loadable ELF file: it has no program headers');
    const small = buildElf({ size: 0x100, phentsize: 31, headers: [{ offset: 0x80, physical: 0, fileSize: 4 }] });
    expect(refusal(small)).toBe('fw.elf: not a loadable ELF file: e_phentsize is 31, expected at least 32');
    // Two headers from 0x60 end at 0xa0: one byte fewer is past the end, exactly there is not.
    const two = [
      { offset: 0x40, physical: 0, fileSize: 4 },
      { offset: 0x44, physical: 4, fileSize: 4 },
    ];
    expect(refusal(buildElf({ size: 0x9f, phoff: 0x60, headers: two }))).toBe(
      'fw.elf: not a loadable ELF file: program headers (offset 96, 2 x 32 bytes) run past the end of the file (159 bytes)',
    );
    expect(parseElf('fw.elf', buildElf({ size: 0xa0, phoff: 0x60, headers: two })).segments).toHaveLength(2);
  });

  it('refuses a segment whose contents run past the end of the file, naming it; one that ends there is read', () => {
    const headers = (fileSize: number) => [
      { type: 4, offset: 0x1000, physical: 0, fileSize: 0x1000 },
      { offset: 0x90, physical: 0x100, fileSize },
    ];
    expect(refusal(buildElf({ size: 0x100, headers: headers(0x71) }))).toBe(
      'fw.elf: not a loadable ELF file: segment 1 (offset 144, 113 bytes) runs past the end of the file (256 bytes)',
    );
    const file = buildElf({ size: 0x100, headers: headers(0x70) });
    expect(parseElf('fw.elf', file).segments.map((s) => [...s.bytes])).toEqual([expected(file, 0x90, 0x70)]);
  });

  it('refuses a file with no PT_LOAD contents at all', () => {
    const file = buildElf({
      size: 0x100,
      headers: [
        { type: 2, offset: 0x80, physical: 0, fileSize: 0x10 },
        { offset: 0x80, physical: 0x20000000, fileSize: 0, memSize: 0x400 },
      ],
    });
    expect(refusal(file)).toBe('fw.elf: not a loadable ELF file: no PT_LOAD segment with file contents');
  });

  it('copies the segment bytes: changing the file afterwards leaves the image as read', () => {
    const file = buildElf({ size: 0x100, headers: [{ offset: 0x80, physical: 0, fileSize: 4 }] });
    const image = parseElf('fw.elf', file);
    file.fill(0, 0x80, 0x84);
    expect([...image.segments[0]!.bytes]).toEqual([0x80, 0x81, 0x82, 0x83]);
  });
});
