// Downgrade prevention is applied to test upgrades only, not to permanent ones (mcu-tools/mcuboot #1708).
import type { BootRun, StrategyImplementation } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class DowngradeCheckTestOnly extends ReferenceBootloader {
  override readonly name = 'downgrade-check-test-only';
  override downgradeAllowed(run: BootRun, strategy: StrategyImplementation, image: number): boolean {
    const permanent = this.readTrailer(run, run.images[image].secondary).imageOk === 'set';
    return permanent || super.downgradeAllowed(run, strategy, image);
  }
}
