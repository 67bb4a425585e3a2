/**
 * nRF52840 FICR (PS v1.7 §4.4): factory information the startup code reads (nrfx SystemInit picks its errata
 * workarounds from the words at 0x130/0x134). Words the factory did not program read as erased flash.
 */
import { Peripheral, type ResetCause } from '../peripheral.ts';

const ERASED_WORD = 0xffffffff;

/** INFO.* of an nRF52840-QIAA rev. 2 part, 4 KiB pages x 256, and the errata identification words. */
const NRF52840_FICR: Readonly<Record<number, number>> = {
  16: 4096, // CODEPAGESIZE
  20: 256, // CODESIZE (pages)
  96: 0x12345678, // DEVICEID[0]: any fixed value, so runs are reproducible
  100: 0x9abcdef0, // DEVICEID[1]
  256: 0x52840, // INFO.PART
  260: 0x41414430, // INFO.VARIANT 'AAD0'
  264: 0x2004, // INFO.PACKAGE QI
  268: 0x100, // INFO.RAM (KiB)
  272: 0x400, // INFO.FLASH (KiB)
  304: 0x08, // part family word nrfx errata checks (nRF52840)
  308: 0x02, // revision word nrfx errata checks
};

export class NrfFicr extends Peripheral {
  protected initialState(_cause: ResetCause): Record<string, number> {
    return {};
  }

  read(offset: number): number {
    return NRF52840_FICR[offset] ?? ERASED_WORD;
  }

  write(offset: number, _value: number): void {
    this.unknownWrite(offset);
  }
}
