// Each status record is programmed twice ("write, then write again to be sure"): harmless on plain NOR, but a
// second program of the same unit on write-once / ECC flash (STM32U5), which the hardware refuses
// (mcu-tools/mcuboot #1288 and #713; invariant I-9).
import type { BootRun, FlashArea } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class StatusWrittenTwice extends ReferenceBootloader {
  override readonly name = 'status-written-twice';
  override writeStatusRecord(run: BootRun, area: FlashArea, offset: number, value: number): void {
    const { writeUnit, erasedValue } = run.ctx.flash.geometry;
    const record = new Uint8Array(writeUnit).fill(erasedValue);
    record[0] = value;
    run.ctx.flash.program(area.offset + offset, record);
    run.ctx.flash.program(area.offset + offset, record);
  }
}
