/**
 * nRF52 NVMC (nRF52840 PS v1.7 §4.3): CONFIG selects read-only, write or erase; a 32-bit write to flash while
 * CONFIG.WEN = Wen programs that word; a write to ERASEPAGE while CONFIG.WEN = Een erases the page. The CPU is
 * halted while the NVMC works, so READY reads 1 again by the time the firmware can look.
 *
 * The NVMC also writes the UICR page (§4.5), which startup code reads and sometimes programs (PSELRESET,
 * NFCPINS) before resetting: it is kept here, non-volatile across every reset, erased by ERASEUICR and ERASEALL.
 * It is not part of the flash model, so power cuts do not land on its writes.
 */
import { type FlashWriteHandler, Peripheral, type PeripheralContext, type ResetCause } from '../peripheral.ts';

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

const UICR_SIZE = 0x1000;
const ERASED_WORD = 0xffffffff;

/** CONFIG and ICACHECNF, and the programmed UICR words as `uicr<offset>` (absent = erased). */
type NvmcState = { config: number; icachecnf: number } & Record<string, number>;

export class NrfNvmc extends Peripheral<NvmcState> implements FlashWriteHandler {
  /** The UICR page at 0x10001000, reads and writes going through this NVMC. */
  readonly uicr: Peripheral;

  constructor(name: string, base: number, size: number, context: PeripheralContext) {
    super(name, base, size, context);
    this.uicr = new NrfUicr(this, context);
  }

  protected initialState(_cause: ResetCause): NvmcState {
    const uicrWords = Object.entries(this.state ?? {}).filter(([key]) => key.startsWith('uicr'));
    return { config: CONFIG_REN, icachecnf: 0, ...Object.fromEntries(uicrWords) };
  }

  uicrRead(offset: number): number {
    return this.state[`uicr${offset}`] ?? ERASED_WORD;
  }

  uicrWrite(offset: number, value: number): void {
    if (this.state.config !== CONFIG_WEN) {
      this.context.warnOnce('nvmc-uicr-disabled', `NVMC: write to UICR+0x${offset.toString(16)} with CONFIG.WEN != Wen is ignored`);
      return;
    }
    this.state[`uicr${offset}`] = (this.uicrRead(offset) & value) >>> 0;
  }

  private eraseUicr(): void {
    for (const key of Object.keys(this.state)) if (key.startsWith('uicr')) delete this.state[key];
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
          this.eraseUicr();
        }
        return;
      case ERASEUICR:
        if ((value & 1) === 1 && this.erasing('ERASEUICR')) this.eraseUicr();
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

/** The UICR page on the bus: 32-bit words, written only through the NVMC. */
class NrfUicr extends Peripheral {
  private readonly nvmc: NrfNvmc;

  constructor(nvmc: NrfNvmc, context: PeripheralContext) {
    super('UICR', 0x10001000, UICR_SIZE, context);
    this.nvmc = nvmc;
  }

  protected initialState(_cause: ResetCause): Record<string, number> {
    return {};
  }

  read(offset: number): number {
    return this.nvmc.uicrRead(offset);
  }

  write(offset: number, value: number): void {
    this.nvmc.uicrWrite(offset, value);
  }
}
