/**
 * Arm CMSDK APB UART (Cortex-M System Design Kit TRM, DDI 0479C §4.3), the UART of the MPS2 boards: a byte
 * written to DATA goes out when CTRL.TX_EN is set; STATE never reports the transmitter full.
 */
import { Peripheral, type ResetCause } from '../peripheral.ts';

const DATA = 0x00;
const STATE = 0x04;
const CTRL = 0x08;
const INTSTATUS = 0x0c;
const BAUDDIV = 0x10;
const CTRL_TX_EN = 1;

export class CmsdkUart extends Peripheral {
  protected initialState(_cause: ResetCause): Record<string, number> {
    return {};
  }

  read(offset: number): number {
    switch (offset) {
      case DATA:
      case STATE:
      case INTSTATUS:
        return 0;
      case CTRL:
      case BAUDDIV:
        return this.readPlain(offset);
      default:
        return this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case DATA:
        if (this.readPlain(CTRL) & CTRL_TX_EN) this.context.uartOutput(Uint8Array.of(value & 0xff));
        else this.context.warnOnce(`${this.name}-disabled`, `${this.name}: DATA written while CTRL.TX_EN is clear; not sent`);
        return;
      case CTRL:
      case BAUDDIV:
        this.writePlain(offset, value);
        return;
      case INTSTATUS:
        return;
      default:
        this.unknownWrite(offset);
    }
  }
}
