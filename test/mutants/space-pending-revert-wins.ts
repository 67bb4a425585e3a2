// While a trial is unconfirmed, the revert wins over a new request: an update downloaded during a pending revert is
// swapped in as the "old" image, confirmed with no trial (scenario-space: sequence).
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class PendingRevertWins extends ReferenceBootloader {
  override readonly name = 'space-pending-revert-wins';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    const trial = primary.magic === 'good' && primary.copyDone === 'set' && primary.imageOk === 'unset';
    return type === 'test' && trial ? 'revert' : type;
  }
}
