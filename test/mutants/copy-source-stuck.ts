// The copy loop does not advance its source offset: every chunk after the first repeats the first chunk.
import type { BootRun, FlashArea } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class CopySourceStuck extends ReferenceBootloader {
  override readonly name = 'copy-source-stuck';
  override copyRegion(run: BootRun, from: FlashArea, fromOffset: number, to: FlashArea, toOffset: number, length: number): void {
    for (let done = 0; done < length; done += 1024) {
      super.copyRegion(run, from, fromOffset, to, toOffset + done, Math.min(1024, length - done));
    }
  }
}
