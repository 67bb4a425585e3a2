/**
 * Deliberately broken bootloaders: the reference with ONE realistic bug each, plugged in through the `Bootloader`
 * interface by overriding one extension point. They prove the extension points are enough to write a mutant in a
 * few lines, and that the tests catch each bug (mutants.test.ts).
 */

import type { FlashArea } from '../area.ts';
import { ReferenceBootloader, type ValidationPurpose } from '../reference.ts';
import type { BootRun } from '../run.ts';
import type { SlotName, TrailerState, TrustedKey } from '../types.ts';
import type { SlotImage } from '../validate.ts';

/** Never records swap progress: a swap cut mid-way restarts from trailers that no longer describe the slots. */
export class SkipsStatusRecords extends ReferenceBootloader {
  override readonly name = 'skips-status-records';
  override writeStatusRecord(_run: BootRun, _area: FlashArea, _offset: number, _value: number): void {}
}

/** Raises the security counter during the test boot (mcu-tools/mcuboot PR #2282): the revert target is then below it. */
export class CounterOnTestBoot extends ReferenceBootloader {
  override readonly name = 'counter-on-test-boot';
  override counterMayAdvance(_run: BootRun, _primary: TrailerState): boolean {
    return true;
  }
}

/** Checks key expiry and revocation at every boot: the time bomb (FAULTS F-25, F-43). */
export class ExpiryAtEveryBoot extends ReferenceBootloader {
  override readonly name = 'expiry-at-every-boot';
  override checkKeyValidity(run: BootRun, key: TrustedKey, _purpose: ValidationPurpose): string | undefined {
    const now = run.ctx.clock.now() ?? 0;
    if (key.notAfter !== undefined && now > key.notAfter) return `key ${key.name} expired`;
    return super.checkKeyValidity(run, key, 'install');
  }
}

/** Trusts the secondary without checking its signature: whatever was downloaded gets installed. */
export class InstallsUnverified extends ReferenceBootloader {
  override readonly name = 'installs-unverified';
  override validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const result = super.validateSlot(run, image, slot, base, purpose);
    return slot === 'secondary' && result.end > 0 ? { ...result, valid: true, reason: 'ok' } : result;
  }
}
