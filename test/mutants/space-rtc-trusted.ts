// The RTC is taken for trusted time: a key's validity window is enforced against a clock anyone can reset, so an
// RTC that jumps or resets refuses a valid update (scenario-space: clock and trust events).
import type { BootRun, TrustedKey, ValidationPurpose } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class RtcTrusted extends ReferenceBootloader {
  override readonly name = 'space-rtc-trusted';
  override checkKeyValidity(run: BootRun, key: TrustedKey, purpose: ValidationPurpose): string | undefined {
    const now = run.ctx.clock.now();
    if (purpose === 'install' && run.ctx.clock.kind === 'rtc' && now !== undefined) {
      if (key.notBefore !== undefined && now < key.notBefore) return `key ${key.name} not valid yet`;
      if (key.notAfter !== undefined && now > key.notAfter) return `key ${key.name} expired`;
    }
    return super.checkKeyValidity(run, key, purpose);
  }
}
