// Downgrade prevention compares the major version only: 2.1.x or 2.2.1 replaces 2.2.2 (scenario-space: version).
import type { BootRun, StrategyImplementation } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class MajorOnly extends ReferenceBootloader {
  override readonly name = 'space-major-only';
  override downgradeAllowed(run: BootRun, strategy: StrategyImplementation, image: number, type: 'test' | 'perm' = 'test'): boolean {
    if (run.ctx.config.downgradePrevention !== 'version') return super.downgradeAllowed(run, strategy, image, type);
    const running = this.validateSlot(run, image, 'primary', 0, 'boot').version;
    const candidate = this.validateSlot(run, image, 'secondary', strategy.secondaryBase(run, image, type), 'install').version;
    if (running === undefined || candidate === undefined) return true;
    return candidate.major >= running.major;
  }
}
