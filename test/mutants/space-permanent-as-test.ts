// A permanent request is installed as a test: an image that never confirms is reverted although the request
// said to keep it (scenario-space: mode).
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class PermanentAsTest extends ReferenceBootloader {
  override readonly name = 'space-permanent-as-test';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    return type === 'perm' ? 'test' : type;
  }
}
