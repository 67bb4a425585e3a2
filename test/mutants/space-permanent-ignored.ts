// A permanent request (image_ok already set in the secondary) is taken for an image that needs no update: only
// test requests are ever installed (scenario-space: mode).
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class PermanentIgnored extends ReferenceBootloader {
  override readonly name = 'space-permanent-ignored';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    return type === 'perm' ? 'none' : type;
  }
}
