// With two images the bootloader looks for an update of the last image only: image 0's update never installs in a
// two-image layout (scenario-space: strategy and layout).
import type { BootRun, StrategyImplementation, SwapType } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class SecondImageOnly extends ReferenceBootloader {
  override readonly name = 'space-second-image-only';
  override prepareImage(run: BootRun, strategy: StrategyImplementation, image: number, types: SwapType[]): SwapType {
    if (run.images.length > 1 && image < run.images.length - 1) return 'none';
    return super.prepareImage(run, strategy, image, types);
  }
}
