/**
 * nRF52 UARTE0 with EasyDMA (nRF52840 PS v1.7 §6.34), and the legacy UART0 that shares its address (§6.33):
 * ENABLE = 8 selects UARTE, 4 selects UART. Transmit only: STARTTX sends TXD.MAXCNT bytes from TXD.PTR, which
 * must lie in Data RAM (EasyDMA cannot read flash), and raises TXSTARTED and ENDTX; the legacy UART sends each
 * byte written to TXD and raises TXDRDY.
 */
import { Peripheral, type ResetCause } from '../peripheral.ts';
import { raiseIfEnabled } from './nrf-interrupt.ts';

const TASKS_STARTTX = 0x008;
const TASKS_STOPTX = 0x00c;
const EVENTS_TXDRDY = 0x11c;
const EVENTS_ENDTX = 0x120;
const EVENTS_TXSTARTED = 0x150;
const EVENTS_TXSTOPPED = 0x158;
const ENABLE = 0x500;
const TXD = 0x51c;
const TXD_PTR = 0x544;
const TXD_MAXCNT = 0x548;
const TXD_AMOUNT = 0x54c;
const INTEN = 0x300;
const INTENSET = 0x304;
const INTENCLR = 0x308;
const INTEN_TXDRDY = 1 << 7;
const INTEN_ENDTX = 1 << 8;
const INTEN_TXSTARTED = 1 << 20;
const INTEN_TXSTOPPED = 1 << 22;
/** SHORTS, ERRORSRC, PSEL.*, BAUDRATE, RXD.PTR/MAXCNT, CONFIG: kept, not acted on (no RX modelled). */
const CONFIG_ONLY = [0x200, 0x480, 0x508, 0x50c, 0x510, 0x514, 0x524, 0x534, 0x538, 0x56c];
const ENABLE_UART = 4;
const ENABLE_UARTE = 8;

type UarteState = {
  inten: number;
  enable: number;
  txStarted: number;
  txdrdy: number;
  endtx: number;
  txstarted: number;
  txstopped: number;
  txdPtr: number;
  txdMaxcnt: number;
  txdAmount: number;
};

export class NrfUarte extends Peripheral<UarteState> {
  protected initialState(_cause: ResetCause): UarteState {
    return { inten: 0, enable: 0, txStarted: 0, txdrdy: 0, endtx: 0, txstarted: 0, txstopped: 0, txdPtr: 0, txdMaxcnt: 0, txdAmount: 0 };
  }

  read(offset: number): number {
    const s = this.state;
    switch (offset) {
      case EVENTS_TXDRDY:
        return s.txdrdy;
      case EVENTS_ENDTX:
        return s.endtx;
      case EVENTS_TXSTARTED:
        return s.txstarted;
      case EVENTS_TXSTOPPED:
        return s.txstopped;
      case INTEN:
      case INTENSET:
      case INTENCLR:
        return s.inten >>> 0;
      case ENABLE:
        return s.enable;
      case TXD_PTR:
        return s.txdPtr;
      case TXD_MAXCNT:
        return s.txdMaxcnt;
      case TXD_AMOUNT:
        return s.txdAmount;
      default:
        return CONFIG_ONLY.includes(offset) ? this.readPlain(offset) : this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    switch (offset) {
      case TASKS_STARTTX:
        if (value & 1) this.startTransmit();
        return;
      case TASKS_STOPTX:
        if (value & 1) {
          s.txStarted = 0;
          if (s.enable === ENABLE_UARTE) {
            s.txstopped = 1;
            raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_TXSTOPPED);
          }
        }
        return;
      case EVENTS_TXDRDY:
        s.txdrdy = value & 1;
        return;
      case EVENTS_ENDTX:
        s.endtx = value & 1;
        return;
      case EVENTS_TXSTARTED:
        s.txstarted = value & 1;
        return;
      case EVENTS_TXSTOPPED:
        s.txstopped = value & 1;
        return;
      case INTEN:
        s.inten = value >>> 0;
        return;
      case INTENSET:
        s.inten = (s.inten | value) >>> 0;
        return;
      case INTENCLR:
        s.inten = (s.inten & ~value) >>> 0;
        return;
      case ENABLE:
        s.enable = value & 0xf;
        return;
      case TXD:
        this.transmitLegacy(value & 0xff);
        return;
      case TXD_PTR:
        s.txdPtr = value >>> 0;
        return;
      case TXD_MAXCNT:
        s.txdMaxcnt = value & 0xffff;
        return;
      default:
        if (CONFIG_ONLY.includes(offset)) this.writePlain(offset, value);
        else this.unknownWrite(offset);
    }
  }

  private startTransmit(): void {
    const s = this.state;
    if (s.enable === ENABLE_UART) {
      s.txStarted = 1;
      return;
    }
    if (s.enable !== ENABLE_UARTE) {
      this.context.warnOnce(`${this.name}-disabled`, `${this.name}: STARTTX while ENABLE = ${s.enable} is ignored`);
      return;
    }
    s.txstarted = 1;
    raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_TXSTARTED);
    const bytes = this.context.readRam(s.txdPtr, s.txdMaxcnt);
    if (bytes === undefined) {
      this.context.warnOnce(
        `${this.name}-dma-range`,
        `${this.name}: TXD.PTR 0x${s.txdPtr.toString(16)} + ${s.txdMaxcnt} is not in Data RAM; EasyDMA sends nothing`,
      );
      s.txdAmount = 0;
    } else {
      this.context.uartOutput(bytes);
      s.txdAmount = bytes.length;
    }
    s.endtx = 1;
    raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_ENDTX);
  }

  private transmitLegacy(byte: number): void {
    const s = this.state;
    if (s.enable !== ENABLE_UART || s.txStarted === 0) {
      this.context.warnOnce(`${this.name}-txd`, `${this.name}: TXD written without ENABLE = UART and STARTTX; ignored`);
      return;
    }
    this.context.uartOutput(Uint8Array.of(byte));
    s.txdrdy = 1;
    raiseIfEnabled(this.context, this.base, this.state.inten, INTEN_TXDRDY);
  }

}
