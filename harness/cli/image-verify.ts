/** `bootproof image verify`: MCUboot-loader validation of an image against trusted keys. Exit 1 when invalid. */
import type { Command } from 'commander';
import { BootproofError, UsageError } from '../../emulator/common/errors.ts';
import {
  buildOfImage,
  formatVersion,
  type HashAlgorithm,
  loadPublicKey,
  type VerifyOptions,
  verifyImage,
} from '../../images/index.ts';
import { collect, parseNumber, print, printJson, readImageFile, readPassword, readText } from './image-io.ts';

/** The image was read and is not valid: a failed check, exit code 1. */
export class ImageInvalid extends BootproofError {
  constructor(message: string) {
    super(message, { exitCode: 1 });
  }
}

interface VerifyCliOptions {
  key: string[];
  slotSize?: number;
  maxImageSize?: number;
  sha: string;
  pure?: boolean;
  allowList?: boolean;
  minSecurityCounter?: number;
  passwordFile?: string;
  json?: boolean;
}

export function registerVerifyCommand(image: Command): void {
  image
    .command('verify')
    .description(
      'Validate an image as the MCUboot loader does: bounds of every TLV, hash, KEYHASH/PUBKEY of a trusted key, ' +
        'signature, sizes against the slot. Exit 0 valid, 1 invalid, 2 unreadable input.',
    )
    .argument('<image>', 'signed image (binary, or Intel HEX when named *.hex)')
    .option('-k, --key <file>', 'a trusted key PEM (public or private); repeat for several', collect, [])
    .option('-S, --slot-size <size>', 'slot size: the image must fit', parseNumber('--slot-size'))
    .option('--max-image-size <size>', "largest image end the strategy allows (default: the slot size)", parseNumber('--max-image-size'))
    .option('--sha <bits>', "the build's image hash: 256, 384, 512, or auto (the image's own hash TLV)", 'auto')
    .option('--pure', 'emulate a MCUBOOT_SIGN_PURE build (default: when the image carries SIG_PURE)')
    .option('--allow-list', 'emulate MCUBOOT_USE_TLV_ALLOW_LIST: refuse unexpected unprotected TLVs')
    .option('--min-security-counter <n>', 'the device counter the image SEC_CNT must reach', parseNumber('--min-security-counter'))
    .option('--password-file <file>', 'password of an encrypted key (first line of the file)')
    .option('--json', 'print the result as JSON')
    .action((path: string, options: VerifyCliOptions) => {
      const { bytes } = readImageFile(path, { verified: true, maxSpan: options.slotSize });
      const password = readPassword(options.passwordFile);
      const keys = options.key.map((file) => loadPublicKey(readText(file), { source: file, password }));
      const result = verifyImage(bytes, { keys, ...buildConfig(bytes, options) });
      const summary = {
        image: path,
        valid: result.valid,
        reason: result.reason,
        message: result.message,
        offset: result.offset,
        tlvType: result.tlvType,
        version: result.version === undefined ? undefined : formatVersion(result.version),
        hash: result.hash,
        digest: result.digest,
        key: result.keyIndex === undefined ? undefined : options.key[result.keyIndex],
        securityCounter: result.securityCounter,
        dependencies: result.dependencies.map((d) => ({ imageId: d.imageId, version: formatVersion(d.version) })),
      };
      if (options.json === true) printJson(summary);
      else if (result.valid) {
        print(
          `${path}: valid\nversion: ${summary.version}\ndigest (${result.hash}): ${Buffer.from(result.digest!).toString('hex')}` +
            (summary.key === undefined ? '\n(no key given: hash only)' : `\nsigned by: ${summary.key}`),
        );
      }
      if (!result.valid) {
        const where = result.offset === undefined ? '' : ` (offset 0x${result.offset.toString(16)})`;
        throw new ImageInvalid(`${path}: invalid: ${result.reason}: ${result.message}${where}`);
      }
    });
}

/**
 * Which MCUboot build to emulate. Explicit flags fix it; otherwise it follows the image's own hash TLV and
 * SIG_PURE, as imgtool verify does, so a valid image of any supported build verifies.
 */
function buildConfig(bytes: Uint8Array, options: VerifyCliOptions): Omit<VerifyOptions, 'keys'> {
  const own = buildOfImage(bytes);
  let hash: HashAlgorithm | undefined;
  if (options.sha === 'auto') {
    hash = own.hash;
  } else if (options.sha === '256' || options.sha === '384' || options.sha === '512') {
    hash = `sha${options.sha}`;
  } else {
    throw new UsageError(`--sha ${options.sha}: expected auto, 256, 384 or 512`);
  }
  return {
    hash,
    pure: options.pure ?? own.pure,
    slotSize: options.slotSize,
    maxImageSize: options.maxImageSize,
    allowList: options.allowList,
    minSecurityCounter: options.minSecurityCounter,
  };
}
