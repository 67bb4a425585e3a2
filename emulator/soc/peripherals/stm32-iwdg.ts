/**
 * STM32 independent watchdog (RM0090 §21, RM0351 §37, RM0438 §41): KR = 0xCCCC starts it (it cannot be stopped),
 * 0xAAAA reloads it, 0x5555 unlocks PR and RLR. It counts the ~32 kHz LSI divided by 4 << PR down from RLR.
 */
import { Peripheral, type ResetCause, type Watchdog } from '../peripheral.ts';

const KR = 0x00;
const PR = 0x04;
const RLR = 0x08;
const SR = 0x0c;
const WINR = 0x10;
const KEY_UNLOCK = 0x5555;
const KEY_RELOAD = 0xaaaa;
const KEY_START = 0xcccc;
const LSI_HZ = 32000;

type IwdgState = { running: number; unlocked: number; pr: number; rlr: number; winr: number; expiresAtUs: number };

export class Stm32Iwdg extends Peripheral<IwdgState> implements Watchdog {
  protected initialState(_cause: ResetCause): IwdgState {
    return { running: 0, unlocked: 0, pr: 0, rlr: 0xfff, winr: 0xfff, expiresAtUs: 0 };
  }

  expiresAtUs(): number | undefined {
    return this.state.running ? this.state.expiresAtUs : undefined;
  }

  read(offset: number): number {
    switch (offset) {
      case KR:
        return 0;
      case PR:
        return this.state.pr;
      case RLR:
        return this.state.rlr;
      case SR:
        return 0; // PVU/RVU/WVU: updates take effect at once here
      case WINR:
        return this.state.winr;
      default:
        return this.unknownRead(offset);
    }
  }

  write(offset: number, value: number): void {
    const s = this.state;
    switch (offset) {
      case KR:
        this.key(value & 0xffff);
        return;
      case PR:
        if (s.unlocked) s.pr = value & 7;
        return;
      case RLR:
        if (s.unlocked) s.rlr = value & 0xfff;
        return;
      case WINR:
        if (s.unlocked) s.winr = value & 0xfff;
        return;
      default:
        this.unknownWrite(offset);
    }
  }

  private key(key: number): void {
    const s = this.state;
    s.unlocked = key === KEY_UNLOCK ? 1 : 0;
    if (key === KEY_START) s.running = 1;
    if (key === KEY_START || key === KEY_RELOAD) {
      const prescaler = 4 << Math.min(s.pr, 6);
      s.expiresAtUs = this.context.nowUs() + ((s.rlr + 1) * prescaler * 1e6) / LSI_HZ;
    }
  }
}
