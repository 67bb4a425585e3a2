// A torn (BAD) trailer magic is read as GOOD, as a loader comparing only the first word of the magic would.
import type { BootRun, FlashArea, TrailerState } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class TornMagicGood extends ReferenceBootloader {
  override readonly name = 'torn-magic-good';
  override readTrailer(run: BootRun, area: FlashArea): TrailerState {
    const trailer = super.readTrailer(run, area);
    return trailer.magic === 'bad' ? { ...trailer, magic: 'good' } : trailer;
  }
}
