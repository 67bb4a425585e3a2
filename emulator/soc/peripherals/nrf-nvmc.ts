/**
 * nRF52 NVMC (nRF52840 PS v1.7 §4.3): CONFIG selects read-only, write or erase; a 32-bit write to flash while
 * CONFIG.WEN = Wen programs that word; a write to ERASEPAGE while CONFIG.WEN = Een erases the page. The CPU is
 * halted while the NVMC works, so READY reads 1 again by the time the firmware can look.
 */
import { type FlashWriteHandler, Peripheral, type ResetCause } from '../peripheral.ts';

const READY = 0x400;
const READYNEXT = 0x408;
const CONFIG = 0x504;
const ERASEPAGE = 0x508;
const ERASEALL = 0x50c;
const ERASEPCR0 = 0x510;
const ERASEUICR = 0x514;
const ICACHECNF = 0x540;
const IHIT = 0x548;
const IMISS = 0x54c;
const CONFIG_REN = 0;
const CONFIG_WEN = 1;
const CONFIG_EEN = 2;

type NvmcState = { config: number; icachecnf: number };

export class NrfNvmc extends Peripheral<NvmcState> implements FlashWriteHandler {
  protected initialState(_cause: ResetCause): NvmcState {
    return { config: CONFIG_REN, icachecnf: 0 };
  }

  read(offset: number): number {
    switch (offset) {
      case READY:
      case READYNEXT:
        return 1;
      case CONFIG:
        return this.state.config;
      case ICACHECNF:
        return this.state.icachecnf;
      case IHIT:
      case IMISS:
        return 0;
      default:
        return this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case CONFIG:
        this.state.config = value & 3;
        return;
      case ICACHECNF:
        this.state.icachecnf = value >>> 0;
        return;
      case ERASEPAGE:
      case ERASEPCR0:
        this.erasePage(value >>> 0);
        return;
      case ERASEALL:
        if ((value & 1) === 1 && this.erasing('ERASEALL')) {
          for (let index = 0; index < this.context.flash.sectorCount; index++) {
            this.context.flash.erase(this.context.flash.sectorOffset(index)!);
          }
        }
        return;
      case ERASEUICR:
        // UICR is outside the modelled flash; erasing it changes nothing the harness looks at.
        return;
      default:
        this.unknownWrite(offset);
    }
  }

  flashWrite(offset: number, value: number, size: 1 | 2 | 4): void {
    if (this.state.config !== CONFIG_WEN) {
      this.context.warnOnce('nvmc-write-disabled', `NVMC: write to flash 0x${offset.toString(16)} with CONFIG.WEN != Wen is ignored`);
      return;
    }
    if (size !== 4 || (offset & 3) !== 0) {
      // §4.3.2: only full 32-bit words can be written; anything else is undefined on the part, so refuse it loudly.
      this.context.warnOnce('nvmc-partial-write', `NVMC: ${size}-byte write to flash 0x${offset.toString(16)} ignored (only aligned 32-bit words can be written)`);
      return;
    }
    const word = new Uint8Array(4);
    new DataView(word.buffer).setUint32(0, value >>> 0, true);
    this.context.flash.program(offset, word);
  }

  private erasePage(address: number): void {
    if (!this.erasing('ERASEPAGE')) return;
    const offset = (address - this.context.flash.base) >>> 0;
    if (offset >= this.context.flash.size || this.context.flash.flash.sectorAt(offset).offset !== offset) {
      this.context.warnOnce('nvmc-erase-address', `NVMC: ERASEPAGE 0x${address.toString(16)} is not the start of a flash page; ignored`);
      return;
    }
    this.context.flash.erase(offset);
  }

  private erasing(register: string): boolean {
    if (this.state.config === CONFIG_EEN) return true;
    this.context.warnOnce('nvmc-erase-disabled', `NVMC: ${register} with CONFIG.WEN != Een is ignored`);
    return false;
  }
}
