/**
 * STM32F4 flash interface (RM0090 rev 19 §3.9): FLASH_CR is locked until KEY1 then KEY2 are written to KEYR (a
 * wrong key locks it until reset and raises a bus error). With CR.PG set, each write to the flash is one program
 * operation of PSIZE bytes; CR.SER + SNB + STRT erases one sector (F42x dual bank: SNB 16..27 are sectors
 * 12..23); MER/MER1 + STRT erase a bank. Operations finish before the CPU can poll, so SR.BSY reads 0.
 */
import { bit, type FlashWriteHandler, Peripheral, type ResetCause } from '../peripheral.ts';
import { FLASH_CR_LOCK, writeFlashKey } from './stm32-flash-key.ts';

const ACR = 0x00;
const KEYR = 0x04;
const OPTKEYR = 0x08;
const SR = 0x0c;
const CR = 0x10;
const OPTCR = 0x14;
const OPTCR1 = 0x18;

const SR_EOP = bit(0);
const SR_WRPERR = bit(4);
const SR_PGAERR = bit(5);
const SR_PGPERR = bit(6);
const SR_PGSERR = bit(7);
const SR_CLEARABLE = 0x1f3;
const CR_PG = bit(0);
const CR_SER = bit(1);
const CR_MER = bit(2);
const CR_MER1 = bit(15);
const CR_STRT = bit(16);
const CR_EOPIE = bit(24);
const CR_LOCK = FLASH_CR_LOCK;

type F4FlashState = { cr: number; sr: number; keyStage: number; lockedUntilReset: number; acr: number; optcr: number; optcr1: number };

export class Stm32f4Flash extends Peripheral<F4FlashState> implements FlashWriteHandler {
  protected initialState(_cause: ResetCause): F4FlashState {
    return { cr: CR_LOCK, sr: 0, keyStage: 0, lockedUntilReset: 0, acr: 0, optcr: 0x0fffaaed, optcr1: 0x0fff0000 };
  }

  read(offset: number): number {
    const s = this.state;
    switch (offset) {
      case ACR:
        return s.acr;
      case KEYR:
      case OPTKEYR:
        return 0;
      case SR:
        return s.sr;
      case CR:
        return s.cr >>> 0;
      case OPTCR:
        return s.optcr;
      case OPTCR1:
        return s.optcr1;
      default:
        return this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    switch (offset) {
      case ACR:
        s.acr = value & 0x1f0f;
        return;
      case KEYR:
        this.key(value >>> 0);
        return;
      case OPTKEYR:
        // Option bytes are not modelled: a bootloader test never reprograms them.
        return;
      case SR:
        s.sr = (s.sr & ~(value & SR_CLEARABLE)) >>> 0;
        return;
      case CR:
        this.control(value >>> 0);
        return;
      default:
        this.unknownWrite(offset);
    }
  }

  flashWrite(offset: number, value: number, size: 1 | 2 | 4): void {
    const s = this.state;
    if ((s.cr & CR_PG) === 0 || (s.cr & CR_LOCK) !== 0) {
      s.sr |= SR_PGSERR;
      return;
    }
    const parallelism = 1 << ((s.cr >>> 8) & 3);
    if (parallelism !== size) {
      s.sr |= SR_PGPERR;
      return;
    }
    if (offset % size !== 0) {
      s.sr |= SR_PGAERR;
      return;
    }
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (value >>> (8 * i)) & 0xff;
    this.context.flash.program(offset, bytes);
    this.endOfOperation();
  }

  private key(value: number): void {
    writeFlashKey(this.state, value, this.base + KEYR, 'FLASH_KEYR');
  }


  private control(value: number): void {
    const s = this.state;
    if (s.cr & CR_LOCK) return;
    s.cr = (value & ~CR_STRT) >>> 0;
    if (value & CR_STRT) this.start(value);
  }

  private start(cr: number): void {
    const s = this.state;
    const flash = this.context.flash;
    if (cr & CR_PG || !(cr & (CR_SER | CR_MER | CR_MER1))) {
      s.sr |= SR_PGSERR;
      return;
    }
    const bankSectors = flash.sectorCount > 12 ? flash.sectorCount / 2 : flash.sectorCount;
    const sectors: number[] = [];
    if (cr & CR_SER) {
      const snb = (cr >>> 3) & 0x1f;
      const index = snb < 12 ? snb : snb >= 16 ? snb - 4 : -1;
      if (index < 0 || index >= flash.sectorCount) {
        s.sr |= SR_WRPERR;
        return;
      }
      sectors.push(index);
    } else {
      for (let i = 0; i < bankSectors; i++) {
        if (cr & CR_MER) sectors.push(i);
        if (cr & CR_MER1 && bankSectors + i < flash.sectorCount) sectors.push(bankSectors + i);
      }
    }
    for (const index of sectors) flash.erase(flash.sectorOffset(index)!);
    this.endOfOperation();
  }

  /** EOP is only set when its interrupt is enabled (RM0090 §3.9.12). */
  private endOfOperation(): void {
    if (this.state.cr & CR_EOPIE) this.state.sr |= SR_EOP;
  }
}
