// The primary's first sector is erased to make room before the secondary was validated (FORMATS §6, F-01).
import type { BootRun, SlotImage, SwapType } from '../../emulator/boot/index.ts';
import { ReferenceBootloader, type StrategyImplementation } from '../../emulator/boot/index.ts';

export default class EraseBeforeValidate extends ReferenceBootloader {
  override readonly name = 'erase-before-validate';
  protected override validateSecondary(
    run: BootRun,
    strategy: StrategyImplementation,
    image: number,
    type: SwapType,
    recorded: boolean,
  ): SlotImage {
    if (type !== 'revert') this.eraseSector(run, run.images[image].primary, 0);
    return super.validateSecondary(run, strategy, image, type, recorded);
  }
}
