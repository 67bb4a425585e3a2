// The hardware rollback check wants a security counter above the stored one, not at least equal: an update that
// keeps the counter is refused (scenario-space: counter).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader, securityCounterId } from '../../emulator/boot/index.ts';

export default class CounterStrict extends ReferenceBootloader {
  override readonly name = 'space-counter-strict';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const result = super.validateSlot(run, image, slot, base, purpose);
    if (!result.valid || purpose !== 'install' || !run.ctx.config.hardwareRollback) return result;
    const stored = run.ctx.flash.readCounter(securityCounterId(image));
    return result.securityCounter === stored ? { ...result, valid: false, reason: 'security counter not above the stored one' } : result;
  }
}
