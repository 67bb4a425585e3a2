// Remembers, in a static variable, the primary images it has validated (keyed by slot and header), and skips the
// check the next time: state that survives a power cycle in the model, as a cache in retained RAM or in flash
// would on a board. Bit rot after the first valid boot then runs (FAULTS F-12, I-1).
import type { BootRun, SlotImage, SlotName, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

const validated = new Map<string, SlotImage>();

export default class ValidationCached extends ReferenceBootloader {
  override readonly name = 'validation-cached';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    if (slot !== 'primary') return super.validateSlot(run, image, slot, base, purpose);
    const area = run.images[image].primary;
    const key = `${area.offset}|${Buffer.from(run.ctx.flash.read(area.offset + base, 32)).toString('hex')}`;
    const cached = validated.get(key);
    if (cached) return cached;
    const result = super.validateSlot(run, image, slot, base, purpose);
    if (result.valid) validated.set(key, result);
    return result;
  }
}
