import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../../boards/index.ts';
import { NorFlash } from '../../flash/index.ts';
import { FirmwareFormatError } from '../errors.ts';
import { firmwareFile } from '../test/firmware-files.ts';
import { parseElf } from './elf.ts';
import { programFirmware, readFirmware } from './load.ts';

const nrf = loadBoard('nrf52840dk');
const scratch = mkdtempSync(join(tmpdir(), 'bootproof-loaders-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const message = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FirmwareFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a FirmwareFormatError');
};

describe('ELF loader', () => {
  const elfPath = firmwareFile('app-nrf52840dk-confirm-v1.0.0.elf');
  const elf = new Uint8Array(readFileSync(elfPath));

  it('places the PT_LOAD segments at their load addresses: the same bytes objcopy puts in the .bin', () => {
    const image = parseElf('app.elf', elf);
    expect(image.segments.map((s) => s.address)).toEqual([0xc200]);
    expect(Buffer.from(image.segments[0]!.bytes)).toEqual(readFileSync(firmwareFile('app-nrf52840dk-confirm-v1.0.0.bin')));
  });

  it('names what is wrong with a file that is not a 32-bit little-endian ARM executable', () => {
    const patched = (at: number, value: number) => {
      const copy = elf.slice();
      copy[at] = value;
      return copy;
    };
    expect(message(() => parseElf('x.elf', new Uint8Array(16)))).toBe('x.elf: not a loadable ELF file: no ELF magic (7f 45 4c 46) at offset 0');
    expect(message(() => parseElf('x.elf', elf.slice(0, 40)))).toContain('truncated: 40 bytes');
    expect(message(() => parseElf('x.elf', patched(4, 2)))).toContain('EI_CLASS is 2, expected 1 (32-bit)');
    expect(message(() => parseElf('x.elf', patched(18, 62)))).toContain('e_machine is 62, expected 40 (ARM)');
    expect(message(() => parseElf('x.elf', elf.slice(0, 100)))).toContain('run past the end of the file');
  });
});

describe('firmware files', () => {
  it('puts a raw binary at the primary slot when it starts with an MCUboot header, else at the flash base or @address', () => {
    const signed = join(scratch, 'signed.bin');
    writeFileSync(signed, Uint8Array.of(0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0));
    const plain = join(scratch, 'plain.bin');
    writeFileSync(plain, Uint8Array.of(1, 2, 3, 4));
    expect(readFirmware(signed, nrf).segments[0]!.address).toBe(0xc000);
    expect(readFirmware(plain, nrf).segments[0]!.address).toBe(0);
    expect(readFirmware(`${plain}@0x73000`, nrf).segments[0]!.address).toBe(0x73000);
    expect(message(() => readFirmware(`${plain}@here`, nrf))).toContain("'@here' is not an address");
  });

  it('programs whole write units, keeping bytes another segment already put in a shared unit', () => {
    const l5 = loadBoard('nucleo_l552ze_q');
    const flash = new NorFlash(l5.flash);
    programFirmware(flash, l5, {
      file: 'two.hex',
      segments: [
        { address: 0x08000001, bytes: Uint8Array.of(1, 2) },
        { address: 0x08000005, bytes: Uint8Array.of(3, 4, 5, 6) },
      ],
    });
    expect([...flash.peek(0, 16)]).toEqual([0xff, 1, 2, 0xff, 0xff, 3, 4, 5, 6, ...Array(7).fill(0xff)]);
  });

  it('refuses bytes outside the board flash', () => {
    const flash = new NorFlash(nrf.flash);
    const image = { file: 'big.bin', segments: [{ address: 0xfff00, bytes: new Uint8Array(0x200) }] };
    expect(message(() => programFirmware(flash, nrf, image))).toBe(
      "big.bin: bytes at 0xfff00..0x100100 fall outside nrf52840dk's flash 0x0..0x100000",
    );
  });
});
