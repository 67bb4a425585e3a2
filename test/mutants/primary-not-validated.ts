// The primary is trusted once installed (VALIDATE_PRIMARY_SLOT off): only its header magic is checked at boot.
import type { BootContext, BootOutcome } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class PrimaryNotValidated extends ReferenceBootloader {
  override readonly name = 'primary-not-validated';
  override boot(ctx: BootContext): BootOutcome {
    return super.boot({ ...ctx, config: { ...ctx.config, validatePrimaryAtBoot: false } });
  }
}
