// Key expiry is checked against the raw RTC at every boot, not only when installing (the time bomb, F-25/F-43).
import type { BootRun, TrustedKey } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class ExpiryEveryBoot extends ReferenceBootloader {
  override readonly name = 'expiry-every-boot';
  override checkKeyValidity(run: BootRun, key: TrustedKey): string | undefined {
    const now = run.ctx.clock.now() ?? 0;
    if (key.revoked === true) return `key ${key.name} is revoked`;
    if (key.notAfter !== undefined && now > key.notAfter) return `key ${key.name} expired`;
    if (key.notBefore !== undefined && now < key.notBefore) return `key ${key.name} not yet valid`;
    return undefined;
  }
}
