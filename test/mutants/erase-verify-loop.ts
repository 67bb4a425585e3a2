// An erase-verify loop that checks the wrong sector never ends: the bootloader erases forever (F-11, I-10).
import type { BootRun, FlashArea } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class EraseVerifyLoop extends ReferenceBootloader {
  override readonly name = 'erase-verify-loop';
  override eraseSector(run: BootRun, area: FlashArea, index: number): void {
    const wrong = area.offset + area.sectors[0].offset;
    const erased = run.ctx.flash.geometry.erasedValue;
    do super.eraseSector(run, area, index);
    while (run.ctx.flash.read(wrong, 1)[0] !== erased);
  }
}
