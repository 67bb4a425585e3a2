// A trailer state the author did not expect (a torn, BAD magic) hits an assert instead of a decision (I-6).
import type { BootRun, FlashArea, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class AssertOnBadMagic extends ReferenceBootloader {
  override readonly name = 'assert-on-bad-magic';
  override readTrailer(run: BootRun, area: FlashArea): TrailerState {
    const trailer = super.readTrailer(run, area);
    if (trailer.magic === 'bad') throw new Error(`assert(magic != BAD) failed in ${area.label}`);
    return trailer;
  }
}
