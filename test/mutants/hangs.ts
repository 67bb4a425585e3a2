// Spins forever without touching flash once an update is pending: only the runner's per-case time budget stops it.
import type { BootRun, SwapType, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class Hangs extends ReferenceBootloader {
  override readonly name = 'hangs';
  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    const type = super.decideSwapType(run, primary, secondary);
    while (type === 'test') {
      // a busy-wait on a flag that never changes
    }
    return type;
  }
}
