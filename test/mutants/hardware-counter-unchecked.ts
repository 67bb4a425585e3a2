// Validates images without comparing their security counter with the hardware counter: with downgrade
// prevention off, only that comparison stops an older image once the counter has moved (FAULTS F-30, I-6).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class HardwareCounterUnchecked extends ReferenceBootloader {
  override readonly name = 'hardware-counter-unchecked';

  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const ctx = { ...run.ctx, config: { ...run.ctx.config, hardwareRollback: false } };
    return super.validateSlot({ ...run, ctx }, image, slot, base, purpose);
  }
}
