/**
 * A reader for the part of ELF32 a loader needs (System V gABI, ARM ELF ABI): the PT_LOAD segments, each placed
 * at its physical (load) address, so initialised data linked `AT> FLASH` lands in flash as a debugger would
 * program it. Only 32-bit little-endian ARM executables are accepted.
 */
import { FirmwareFormatError } from '../errors.ts';
import type { FirmwareImage, FirmwareSegment } from './segments.ts';

const ELF_MAGIC = 0x464c457f;
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const EM_ARM = 40;
const PT_LOAD = 1;
const HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === ELF_MAGIC;
}

export function parseElf(file: string, bytes: Uint8Array): FirmwareImage {
  const fail = (detail: string): never => {
    throw new FirmwareFormatError(file, `not a loadable ELF file: ${detail}`);
  };
  if (!isElf(bytes)) fail('no ELF magic (7f 45 4c 46) at offset 0');
  if (bytes.length < HEADER_SIZE) fail(`truncated: ${bytes.length} bytes, the ELF32 header alone is ${HEADER_SIZE}`);
  if (bytes[4] !== ELFCLASS32) fail(`EI_CLASS is ${bytes[4]}, expected 1 (32-bit)`);
  if (bytes[5] !== ELFDATA2LSB) fail(`EI_DATA is ${bytes[5]}, expected 1 (little-endian)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(18, true);
  if (machine !== EM_ARM) fail(`e_machine is ${machine}, expected ${EM_ARM} (ARM)`);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) fail('it has no program headers');
  if (phentsize < PROGRAM_HEADER_SIZE) fail(`e_phentsize is ${phentsize}, expected at least ${PROGRAM_HEADER_SIZE}`);
  if (phoff + phnum * phentsize > bytes.length) {
    fail(`program headers (offset ${phoff}, ${phnum} x ${phentsize} bytes) run past the end of the file (${bytes.length} bytes)`);
  }
  const segments: FirmwareSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const physical = view.getUint32(at + 12, true);
    const fileSize = view.getUint32(at + 16, true);
    if (fileSize === 0) continue;
    if (offset + fileSize > bytes.length) {
      fail(`segment ${i} (offset ${offset}, ${fileSize} bytes) runs past the end of the file (${bytes.length} bytes)`);
    }
    segments.push({ address: physical, bytes: bytes.slice(offset, offset + fileSize) });
  }
  if (segments.length === 0) fail('no PT_LOAD segment with file contents');
  return { file, segments: segments.sort((a, b) => a.address - b.address) };
}
