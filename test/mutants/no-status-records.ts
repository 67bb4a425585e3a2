// Swap progress is never recorded (a status write skipped): a resumed swap cannot know how far it got.
import type { BootRun, FlashArea } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class NoStatusRecords extends ReferenceBootloader {
  override readonly name = 'no-status-records';
  override writeStatusRecord(_run: BootRun, _area: FlashArea, _offset: number, _value: number): void {}
}
