// An unconfirmed image gets a second trial boot before it is reverted (the first revert decision only marks the
// secondary trailer's image_ok): an application that confirms at its second run keeps an image its first trial did
// not confirm (scenario-space: app).
import type { BootRun, StrategyImplementation, SwapType } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class SecondTrial extends ReferenceBootloader {
  override readonly name = 'space-second-trial';
  override prepareImage(run: BootRun, strategy: StrategyImplementation, image: number, types: SwapType[]): SwapType {
    const type = super.prepareImage(run, strategy, image, types);
    if (type !== 'revert') return type;
    const secondary = run.images[image].secondary;
    if (this.readTrailer(run, secondary).imageOk !== 'unset') return type;
    this.writeFlag(run, secondary, 'imageOk');
    return 'none';
  }
}
