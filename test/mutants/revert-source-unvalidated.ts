// The revert source (the old image, in the secondary while the new one is on trial) is swapped back without
// being validated: "it ran before, it must still be good". Bit rot there is copied into the primary (FAULTS F-12).
import type { BootRun, SlotImage, StrategyImplementation, SwapType } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class RevertSourceUnvalidated extends ReferenceBootloader {
  override readonly name = 'revert-source-unvalidated';
  protected override validateSecondary(
    run: BootRun,
    strategy: StrategyImplementation,
    image: number,
    type: SwapType,
    recorded: boolean,
  ): SlotImage {
    const candidate = super.validateSecondary(run, strategy, image, type, recorded);
    return type === 'revert' && !candidate.valid ? { ...candidate, valid: true, reason: 'ok' } : candidate;
  }
}
