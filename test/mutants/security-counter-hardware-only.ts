// Downgrade prevention by security counter is implemented only through the hardware counter: with hardware
// counters off, the image-to-image comparison is never made (FAULTS F-30). Hidden when both are on.
import type { BootRun, StrategyImplementation } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class SecurityCounterHardwareOnly extends ReferenceBootloader {
  override readonly name = 'security-counter-hardware-only';
  override downgradeAllowed(run: BootRun, strategy: StrategyImplementation, image: number, type?: 'test' | 'perm'): boolean {
    const { downgradePrevention, hardwareRollback } = run.ctx.config;
    if (downgradePrevention === 'security-counter' && !hardwareRollback) return true;
    return super.downgradeAllowed(run, strategy, image, type);
  }
}
