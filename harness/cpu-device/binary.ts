/**
 * A bootloader binary as the CPU-level device takes it: an ELF, an Intel HEX or `file.bin@address` whose bytes
 * must all land in the board's boot partition and start with a vector table the board's core can boot from.
 * Anything else (a binary linked for another flash base, a file for another architecture) is bad input, exit 2,
 * told before anything runs. Reports name the bootloader by the SHA-256 of the file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Board } from '../../boards/types.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import { type FirmwareImage, readFirmware } from '../../emulator/soc/index.ts';

export class BootloaderBinaryError extends BootproofError {
  constructor(file: string, message: string) {
    super(`bootloader ${file}: ${message}`, { exitCode: 2 });
  }
}

export interface BootloaderBinary {
  readonly file: string;
  /** SHA-256 of the file as given (hex). */
  readonly sha256: string;
  /** The boot partition's contents: the binary's bytes over erased flash. */
  readonly bootPartition: Uint8Array;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function readBootloaderBinary(spec: string, board: Board): BootloaderBinary {
  const image: FirmwareImage = readFirmware(spec, board);
  const at = spec.lastIndexOf('@');
  const file = at > 0 ? spec.slice(0, at) : spec;
  const bytes = new Uint8Array(readFileSync(file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  checkArchitecture(file, bytes, board);
  const boot = board.partitions.bootloader;
  const start = board.memory.flash.base + boot.offset;
  const end = start + boot.size;
  const bootPartition = new Uint8Array(boot.size).fill(board.flash.erasedValue);
  for (const segment of image.segments) {
    const segmentEnd = segment.address + segment.bytes.length;
    if (segment.address < start || segmentEnd > end) {
      throw new BootloaderBinaryError(
        file,
        `bytes at ${hex(segment.address)}..${hex(segmentEnd)} fall outside ${board.name}'s boot partition ${hex(start)}..${hex(end)}: ` +
          `a binary linked for another flash base or board (${board.name}'s flash starts at ${hex(board.memory.flash.base)})`,
      );
    }
    bootPartition.set(segment.bytes, segment.address - start);
  }
  checkVectorTable(file, bootPartition, board, start, end);
  return { file, sha256, bootPartition };
}

/** Tag_CPU_arch values (ARM IHI 0045, Addenda to the ARM ABI) of the M profile, by what each core runs. */
const ARCH_NAMES: Record<number, string> = { 10: 'ARMv7(-M)', 11: 'ARMv6-M', 12: 'ARMv6S-M', 13: 'ARMv7E-M', 16: 'ARMv8-M baseline', 17: 'ARMv8-M mainline' };
const CORE_ARCHS: Record<Board['cpu'], readonly number[]> = {
  'cortex-m0': [11, 12],
  'cortex-m0plus': [11, 12],
  'cortex-m3': [10, 11, 12],
  'cortex-m4': [10, 11, 12, 13],
  'cortex-m7': [10, 11, 12, 13],
  'cortex-m33': [10, 11, 12, 13, 16, 17],
};

/** An ELF's build attributes name the architecture it was compiled for; other formats carry no such record. */
function checkArchitecture(file: string, bytes: Uint8Array, board: Board): void {
  const attributes = elfCpuAttributes(bytes);
  if (attributes === undefined) return;
  const { arch, profile } = attributes;
  const allowed = CORE_ARCHS[board.cpu];
  if (profile !== undefined && profile !== 0x4d && profile !== 0) {
    throw new BootloaderBinaryError(file, `built for the ${String.fromCharCode(profile)} profile, not a Cortex-M (board ${board.name} has a ${board.cpu})`);
  }
  if (arch !== undefined && !allowed.includes(arch)) {
    const name = ARCH_NAMES[arch] ?? `architecture ${arch} (not an M profile)`;
    throw new BootloaderBinaryError(file, `built for ${name}, which a ${board.cpu} (board ${board.name}) cannot run`);
  }
}

/** Tag_CPU_arch (6) and Tag_CPU_arch_profile (7) from the `.ARM.attributes` section, where present. */
function elfCpuAttributes(bytes: Uint8Array): { arch?: number; profile?: number } | undefined {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[4] !== 1) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = view.getUint32(32, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  const SHT_ARM_ATTRIBUTES = 0x70000003;
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (at + 40 > bytes.length || view.getUint32(at + 4, true) !== SHT_ARM_ATTRIBUTES) continue;
    const offset = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    if (offset + size > bytes.length || bytes[offset] !== 0x41) return undefined;
    return aeabiAttributes(bytes.subarray(offset + 1, offset + size));
  }
  return undefined;
}

function aeabiAttributes(section: Uint8Array): { arch?: number; profile?: number } {
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  let cursor = 0;
  const uleb = (): number => {
    let value = 0;
    let shift = 0;
    while (cursor < section.length) {
      const byte = section[cursor++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    return value;
  };
  const skipString = (): void => {
    while (cursor < section.length && section[cursor] !== 0) cursor++;
    cursor++;
  };
  const found: { arch?: number; profile?: number } = {};
  while (cursor + 4 <= section.length) {
    const start = cursor;
    const length = view.getUint32(cursor, true);
    cursor += 4;
    const vendorStart = cursor;
    skipString();
    const vendor = new TextDecoder().decode(section.subarray(vendorStart, cursor - 1));
    const end = Math.min(section.length, start + length);
    // The file-scope sub-subsection (tag 1) opens the aeabi subsection; its attributes come in tag order.
    if (vendor === 'aeabi' && section[cursor] === 1) {
      cursor += 5;
      while (cursor < end) {
        const tag = uleb();
        if (tag === 4 || tag === 5 || tag === 67 || (tag > 32 && tag % 2 === 1)) skipString();
        else if (tag === 32) {
          uleb();
          skipString();
        } else {
          const value = uleb();
          if (tag === 6) found.arch = value;
          if (tag === 7) found.profile = value;
        }
      }
    }
    if (length === 0) break;
    cursor = end;
  }
  return found;
}

/** The reset vector must be a Thumb address inside the binary, the initial stack pointer inside RAM. */
function checkVectorTable(file: string, bytes: Uint8Array, board: Board, start: number, end: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sp = view.getUint32(0, true);
  const reset = view.getUint32(4, true);
  const ram = board.memory.ram;
  if (sp < ram.base || sp > ram.base + ram.size) {
    throw new BootloaderBinaryError(
      file,
      `its initial stack pointer ${hex(sp)} (vector table word 0) is outside ${board.name}'s RAM ${hex(ram.base)}..${hex(ram.base + ram.size)}: built for another board?`,
    );
  }
  if ((reset & 1) === 0 || (reset & ~1) < start || (reset & ~1) >= end) {
    throw new BootloaderBinaryError(
      file,
      `its reset vector ${hex(reset)} (vector table word 1) is not a Thumb address inside the boot partition ${hex(start)}..${hex(end)}`,
    );
  }
}
