// The TLV area's lengths are trusted: an image whose TLV walk runs out of bounds is accepted anyway when its
// header and hash look plausible (zephyrproject-rtos/mcuboot PR #147, mcu-tools/mcuboot #2733).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class TlvLengthTrusted extends ReferenceBootloader {
  override readonly name = 'tlv-length-trusted';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const result = super.validateSlot(run, image, slot, base, purpose);
    return !result.valid && /tlv|TLV/.test(result.reason) ? { ...result, valid: true } : result;
  }
}
