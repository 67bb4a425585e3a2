// A trailer flag (image_ok, copy_done) is read as set whenever it is not erased, as a loader testing
// `flag != 0xff` instead of `flag == 0x01` would: a partly programmed flag then counts as written (FORMATS §3.1).
import type { BootRun, FlashArea, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class FlagBadReadAsSet extends ReferenceBootloader {
  override readonly name = 'flag-bad-read-as-set';
  override readTrailer(run: BootRun, area: FlashArea): TrailerState {
    const trailer = super.readTrailer(run, area);
    return {
      ...trailer,
      imageOk: trailer.imageOk === 'bad' ? 'set' : trailer.imageOk,
      copyDone: trailer.copyDone === 'bad' ? 'set' : trailer.copyDone,
    };
  }
}
