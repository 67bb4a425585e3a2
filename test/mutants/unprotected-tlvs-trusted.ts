// Takes the security counter and the dependencies from every TLV of the image, the unprotected area included,
// which no signature covers: a forged entry appended there overrides the signed one (FAULTS F-30, F-34).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';
import { parseImage, TlvType } from '../../images/index.ts';

export default class UnprotectedTlvsTrusted extends ReferenceBootloader {
  override readonly name = 'unprotected-tlvs-trusted';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const result = super.validateSlot(run, image, slot, base, purpose);
    if (!result.valid) return result;
    const area = run.images[image][slot];
    const tlvs = parseImage(run.ctx.flash.read(area.offset + base, result.end)).tlvs;
    const counters = tlvs.filter((t) => t.type === TlvType.SEC_CNT).map((t) => new DataView(t.value.buffer, t.value.byteOffset).getUint32(0, true));
    const dependencies = tlvs
      .filter((t) => t.type === TlvType.DEPENDENCY)
      .map((t) => ({ imageId: t.value[0], version: { major: t.value[4], minor: t.value[5], revision: t.value[6] | (t.value[7] << 8), build: 0 } }));
    return { ...result, securityCounter: counters.at(-1) ?? result.securityCounter, dependencies };
  }
}
