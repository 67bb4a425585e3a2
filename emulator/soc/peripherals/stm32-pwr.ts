/**
 * STM32 PWR, the part clock set-up code waits on: the regulator reports ready at once. On F42x/43x
 * (RM0090 §5.4) VOSRDY reads 1 and the over-drive ready flags follow their enables (CR.ODEN/ODSWEN ->
 * CSR.ODRDY/ODSWRDY); on L4/L5 the "voltage scaling in progress" flags already read 0. Other registers hold
 * what is written.
 */
import { bit, Peripheral, type PeripheralContext, type ResetCause } from '../peripheral.ts';

export interface PwrMap {
  /** Status bits that always read 1, per register offset. */
  readonly alwaysSet: Readonly<Record<number, number>>;
  /** An enable bit and the ready bit in another register that follows it. */
  readonly follows: readonly { readonly register: number; readonly on: number; readonly statusRegister: number; readonly ready: number }[];
}

export const STM32F4_PWR: PwrMap = {
  alwaysSet: { 4: bit(14) },
  follows: [
    { register: 0x00, on: bit(16), statusRegister: 0x04, ready: bit(16) },
    { register: 0x00, on: bit(17), statusRegister: 0x04, ready: bit(17) },
  ],
};

export const STM32L4_L5_PWR: PwrMap = { alwaysSet: {}, follows: [] };

export class Stm32Pwr extends Peripheral {
  private readonly map: PwrMap;

  constructor(name: string, base: number, context: PeripheralContext, map: PwrMap) {
    super(name, base, 0x400, context);
    this.map = map;
  }

  protected initialState(_cause: ResetCause): Record<string, number> {
    return {};
  }

  read(offset: number): number {
    let value = this.readPlain(offset) | (this.map.alwaysSet[offset] ?? 0);
    for (const pair of this.map.follows) {
      if (pair.statusRegister === offset && this.readPlain(pair.register) & pair.on) value |= pair.ready;
    }
    return value >>> 0;
  }

  write(offset: number, value: number): void {
    this.writePlain(offset, value);
  }
}
