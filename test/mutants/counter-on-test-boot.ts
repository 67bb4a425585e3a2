// The hardware security counter is raised on a test boot, before the new image confirmed (mcu-tools/mcuboot #2282).
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class CounterOnTestBoot extends ReferenceBootloader {
  override readonly name = 'counter-on-test-boot';
  override counterMayAdvance(): boolean {
    return true;
  }
}
