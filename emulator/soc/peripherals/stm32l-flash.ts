/**
 * STM32L4 / L5 flash interface (RM0351 §3.3.6-3.7, RM0438 §6.3.6-6.3.7; L5 without TrustZone uses the
 * non-secure NSKEYR/NSSR/NSCR). Programming is by 64-bit double word: with CR.PG set the firmware writes two
 * 32-bit words, the first 8-byte aligned, and the second write starts one program operation of 8 bytes. A byte
 * or halfword write raises SIZERR, a misplaced word PGAERR, a double word not erased PROGERR, a write without PG
 * PGSERR. CR.PER + PNB (+ BKER) + STRT erases one page. The layouts differ only in offsets and PNB width.
 */
import { bit, type FlashWriteHandler, Peripheral, type PeripheralContext, type ResetCause } from '../peripheral.ts';
import { FLASH_CR_LOCK, writeFlashKey } from './stm32-flash-key.ts';

export interface StmLFlashMap {
  readonly keyr: number;
  readonly sr: number;
  readonly cr: number;
  /** Registers kept as written (ACR, option bytes...). */
  readonly configOnly: readonly number[];
  readonly pnbBits: number;
  /** Banks the pages are split into (DBANK = 1 on L5, dual-bank L4): BKER selects the upper one. */
  readonly banks: number;
}

export const STM32L4_FLASH: StmLFlashMap = { keyr: 0x08, sr: 0x10, cr: 0x14, configOnly: [0x00, 0x20], pnbBits: 8, banks: 2 };
export const STM32L5_FLASH: StmLFlashMap = { keyr: 0x08, sr: 0x20, cr: 0x28, configOnly: [0x00, 0x40], pnbBits: 7, banks: 2 };

const SR_EOP = bit(0);
const SR_PROGERR = bit(3);
const SR_PGAERR = bit(5);
const SR_SIZERR = bit(6);
const SR_PGSERR = bit(7);
const SR_ERRORS = 0xc3fa;
const SR_CLEARABLE = SR_EOP | SR_ERRORS;
const CR_PG = bit(0);
const CR_PER = bit(1);
const CR_MER1 = bit(2);
const CR_BKER = bit(11);
const CR_MER2 = bit(15);
const CR_STRT = bit(16);
const CR_EOPIE = bit(24);
const CR_LOCK = FLASH_CR_LOCK;
const CR_OPTLOCK = bit(30);
const NO_PENDING_WORD = -1;

type LFlashState = { cr: number; sr: number; keyStage: number; lockedUntilReset: number; pendingOffset: number; pendingWord: number };

export class StmLFlash extends Peripheral<LFlashState> implements FlashWriteHandler {
  private readonly map: StmLFlashMap;

  constructor(name: string, base: number, context: PeripheralContext, map: StmLFlashMap) {
    super(name, base, 0x400, context);
    this.map = map;
  }

  protected initialState(_cause: ResetCause): LFlashState {
    return { cr: (CR_LOCK | CR_OPTLOCK) >>> 0, sr: 0, keyStage: 0, lockedUntilReset: 0, pendingOffset: NO_PENDING_WORD, pendingWord: 0 };
  }

  read(offset: number): number {
    const s = this.state;
    if (offset === this.map.sr) return s.sr;
    if (offset === this.map.cr) return s.cr >>> 0;
    if (offset === this.map.keyr) return 0;
    return this.map.configOnly.includes(offset) ? this.readPlain(offset) : this.unknownRead(offset);
  }

  write(offset: number, value: number): void {
    const s = this.state;
    if (offset === this.map.keyr) this.key(value >>> 0);
    else if (offset === this.map.sr) s.sr = (s.sr & ~(value & SR_CLEARABLE)) >>> 0;
    else if (offset === this.map.cr) this.control(value >>> 0);
    else if (this.map.configOnly.includes(offset)) this.writePlain(offset, value);
    else this.unknownWrite(offset);
  }

  flashWrite(offset: number, value: number, size: 1 | 2 | 4): void {
    const s = this.state;
    if ((s.cr & CR_PG) === 0 || (s.cr & CR_LOCK) !== 0) {
      this.fail(SR_PGSERR);
      return;
    }
    if (size !== 4) {
      this.fail(SR_SIZERR);
      return;
    }
    if (s.pendingOffset === NO_PENDING_WORD) {
      if (offset % 8 !== 0) {
      this.fail(SR_PGAERR);
      return;
    }
      s.pendingOffset = offset;
      s.pendingWord = value >>> 0;
      return;
    }
    if (offset !== s.pendingOffset + 4) {
      this.fail(SR_PGAERR);
      return;
    }
    const doubleWord = new Uint8Array(8);
    const view = new DataView(doubleWord.buffer);
    view.setUint32(0, s.pendingWord, true);
    view.setUint32(4, value >>> 0, true);
    const target = s.pendingOffset;
    s.pendingOffset = NO_PENDING_WORD;
    const allZero = s.pendingWord === 0 && value >>> 0 === 0;
    if (!allZero && !this.isErased(target)) {
      this.fail(SR_PROGERR);
      return;
    }
    this.context.flash.program(target, doubleWord);
    this.endOfOperation();
  }

  private isErased(offset: number): boolean {
    const erased = this.context.flash.flash.geometry.erasedValue;
    return this.context.flash.mirror.subarray(offset, offset + 8).every((byte) => byte === erased);
  }

  private key(value: number): void {
    writeFlashKey(this.state, value, this.base + this.map.keyr, `${this.name} KEYR`);
  }


  private control(value: number): void {
    const s = this.state;
    if (s.cr & CR_LOCK) return;
    if ((value & CR_PG) === 0) s.pendingOffset = NO_PENDING_WORD;
    s.cr = (value & ~CR_STRT) >>> 0;
    if (value & CR_STRT) this.start(value);
  }

  private start(cr: number): void {
    const s = this.state;
    const flash = this.context.flash;
    const erases = cr & (CR_PER | CR_MER1 | CR_MER2);
    if ((s.sr & SR_ERRORS) !== 0 || cr & CR_PG || erases === 0) {
      this.fail(SR_PGSERR);
      return;
    }
    const pagesPerBank = flash.sectorCount / this.map.banks;
    const bank = cr & CR_BKER ? 1 : 0;
    const pages: number[] = [];
    if (cr & CR_PER) {
      const pnb = (cr >>> 3) & ((1 << this.map.pnbBits) - 1);
      if (pnb >= pagesPerBank) {
      this.fail(SR_PGSERR);
      return;
    }
      pages.push(bank * pagesPerBank + pnb);
    } else {
      for (let page = 0; page < pagesPerBank; page++) {
        if (cr & CR_MER1) pages.push(page);
        if (cr & CR_MER2) pages.push(pagesPerBank + page);
      }
    }
    for (const page of pages) flash.erase(flash.sectorOffset(page)!);
    this.endOfOperation();
  }

  private fail(flag: number): void {
    this.state.sr = (this.state.sr | flag) >>> 0;
    this.state.pendingOffset = NO_PENDING_WORD;
  }

  /** EOP is only set when its interrupt is enabled. */
  private endOfOperation(): void {
    if (this.state.cr & CR_EOPIE) this.state.sr |= SR_EOP;
  }
}
