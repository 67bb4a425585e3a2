/**
 * STM32 USART/LPUART transmitter: a byte written to the data register goes out at once, so TXE and TC always
 * read 1. F4 has SR/DR (RM0090 §30.6); L4/L5 have ISR/TDR (RM0351 §40.8, RM0438 §50.8). Other registers hold
 * what is written.
 */
import { bit, Peripheral, type PeripheralContext, type ResetCause } from '../peripheral.ts';

export interface UsartMap {
  readonly status: number;
  readonly transmitData: number;
  readonly control1: number;
  readonly enableBits: number;
}

const TXE_TC = bit(7) | bit(6);

export const STM32F4_USART: UsartMap = { status: 0x00, transmitData: 0x04, control1: 0x0c, enableBits: bit(13) | bit(3) };
export const STM32L4_L5_USART: UsartMap = { status: 0x1c, transmitData: 0x28, control1: 0x00, enableBits: bit(0) | bit(3) };

export class Stm32Usart extends Peripheral {
  private readonly map: UsartMap;

  constructor(name: string, base: number, context: PeripheralContext, map: UsartMap) {
    super(name, base, 0x400, context);
    this.map = map;
  }

  protected initialState(_cause: ResetCause): Record<string, number> {
    return {};
  }

  read(offset: number): number {
    if (offset === this.map.status) return (this.readPlain(offset) | TXE_TC) >>> 0;
    return this.readPlain(offset);
  }

  write(offset: number, value: number): void {
    if (offset !== this.map.transmitData) {
      this.writePlain(offset, value);
      return;
    }
    if ((this.readPlain(this.map.control1) & this.map.enableBits) !== this.map.enableBits) {
      this.context.warnOnce(`${this.name}-disabled`, `${this.name}: data written while UE/TE are clear; not sent`);
      return;
    }
    this.context.uartOutput(Uint8Array.of(value & 0xff));
  }
}
