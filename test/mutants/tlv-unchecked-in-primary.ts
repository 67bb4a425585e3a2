// The TLV walk is bounds-checked when an update is installed, but the image already in the primary is trusted to
// be well formed: a TLV error found there at boot is ignored (FAULTS F-16, F-17; FORMATS §1.4).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class TlvUncheckedInPrimary extends ReferenceBootloader {
  override readonly name = 'tlv-unchecked-in-primary';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const result = super.validateSlot(run, image, slot, base, purpose);
    return slot === 'primary' && !result.valid && /tlv/i.test(result.reason) ? { ...result, valid: true, reason: 'ok' } : result;
  }
}
