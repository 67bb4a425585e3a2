// A trial gets two boots instead of one before the revert (counted in a spare hardware counter): an application
// that confirms at its second run keeps an image MCUboot would have reverted (scenario-space: app).
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

const TRIAL_BOOTS = 0x7e;

export default class TwoTrialBoots extends ReferenceBootloader {
  override readonly name = 'space-two-trial-boots';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    if (type !== 'revert') return type;
    const boots = run.ctx.flash.readCounter(TRIAL_BOOTS);
    run.ctx.flash.advanceCounter(TRIAL_BOOTS, boots + 1);
    return boots % 2 === 0 ? 'none' : 'revert';
  }
}
