// The decision table has no REVERT row: an unconfirmed image is never swapped back (F-36, F-38).
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class NeverReverts extends ReferenceBootloader {
  override readonly name = 'never-reverts';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    return type === 'revert' ? 'none' : type;
  }
}
