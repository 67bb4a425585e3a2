// Keeps a boot-attempt log in flash outside its own areas: the application's storage partition, or the last
// write unit of the bootloader partition when the board has none (FAULTS I-5: no collateral damage).
import type { BootContext, BootOutcome } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class WritesOutsideSlots extends ReferenceBootloader {
  override readonly name = 'writes-outside-slots';

  override boot(ctx: BootContext): BootOutcome {
    const { board, flash } = ctx;
    const unit = board.flash.writeUnit;
    const region = board.partitions.storage ?? board.partitions.bootloader;
    const offset = board.partitions.storage ? region.offset : region.offset + region.size - unit;
    // Marks one attempt by clearing a word, without erasing first (NOR programming only clears bits).
    const cleared = board.flash.erasedValue === 0xff ? 0x00 : 0xff;
    if (flash.read(offset, unit).some((b) => b !== cleared)) flash.program(offset, new Uint8Array(unit).fill(cleared));
    return super.boot(ctx);
  }
}
