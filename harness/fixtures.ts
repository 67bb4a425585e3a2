/**
 * Test images and keys for the suites. Without image options, suites sign their own small images (a few
 * sectors, so sweeps are fast) with keys derived from the run's seed, so every run — and every worker thread —
 * builds the very same bytes. With `--image-from/--image-to/--key`, the user's pair is the update under test.
 */
import type { KeyObject } from 'node:crypto';
import type { Board } from '../boards/types.ts';
import type { ImageConfig, TrustedKey, TrustPolicy, ValidityEnforcement } from '../emulator/boot/index.ts';
import { Prng } from '../emulator/common/prng.ts';
import {
  buildOfImage,
  type Dependency,
  generateKeyPair,
  type KeyPair,
  type KeyType,
  keyTypeOf,
  signImage,
  verifyImage,
} from '../images/index.ts';
import type { KnownImage } from './scenario.ts';

/** The update pair a suite tests, with the key the device trusts for it. */
export interface UpdatePair {
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  /** The public key the images are signed with (the device's trust anchor). */
  readonly trustKey: KeyObject;
  /** True when the pair came from the user (`--image-from/--image-to/--key`). */
  readonly fromUser: boolean;
}

export interface TestImageOptions {
  readonly version: string;
  readonly securityCounter?: number;
  /** Default: the fixtures' root key; null signs nothing (an image with its hash only). */
  readonly key?: KeyObject | null;
  readonly dependencies?: readonly Dependency[];
  /** Image index (its slot size bounds the image). Default 0. */
  readonly image?: number;
  /** Payload bytes (default: 10 KiB, a few sectors on every board). */
  readonly payloadSize?: number;
  /** imgtool's `--confirm`: padded to the slot with a trailer whose image_ok is set, as a factory programs it. */
  readonly confirm?: boolean;
  /** Names the payload's bytes (default: the version), so two images of one version can still differ. */
  readonly label?: string;
}

export const DEFAULT_PAYLOAD = 10 * 1024;

export class Fixtures {
  readonly root: KeyPair;
  readonly pair: UpdatePair;
  private readonly keys = new Map<string, KeyPair>();
  private readonly keyType: KeyType = 'ed25519';

  constructor(
    readonly board: Board,
    readonly config: ImageConfig,
    readonly seed: number,
    userPair?: UpdatePair,
    signingKey?: KeyPair,
  ) {
    // A bootloader binary trusts the key built into it: test images are signed with its private half, and the
    // other named keys (an attacker's, a rotated one) are of the same type, so only the key itself differs.
    if (signingKey !== undefined) {
      this.keyType = keyTypeOf(signingKey.privateKey);
      this.keys.set('root', signingKey);
    }
    this.root = this.key('root');
    this.pair = userPair ?? {
      from: this.image({ version: '1.0.0', securityCounter: 1 }),
      to: this.image({ version: '2.0.0', securityCounter: 2 }),
      trustKey: this.root.publicKey,
      fromUser: false,
    };
  }

  /** A named key derived from the seed (`root`, `rotated`, `attacker` …): Ed25519, or the signing key's type. */
  key(name: string): KeyPair {
    let pair = this.keys.get(name);
    if (!pair) {
      const type = this.keyType.startsWith('rsa') ? 'ecdsa-p256' : this.keyType;
      pair = generateKeyPair(type, { seed: `${this.seed}|${name}` });
      this.keys.set(name, pair);
    }
    return pair;
  }

  /** A small signed test image. The payload depends on the version, so different versions differ in every sector. */
  image(options: TestImageOptions): Uint8Array {
    const image = options.image ?? 0;
    const slot = this.board.partitions.images[image].primary;
    const payload = new Prng(`payload|${this.seed}|${image}|${options.label ?? options.version}`).bytes(
      options.payloadSize ?? DEFAULT_PAYLOAD,
    );
    this.makeRunnable(payload, this.board.memory.flash.base + slot.offset);
    return signImage(payload, {
      key: options.key === null ? undefined : ((options.key ?? this.root.privateKey) as KeyObject),
      headerSize: this.config.headerSize,
      padHeader: true,
      version: options.version,
      slotSize: slot.size,
      securityCounter: options.securityCounter,
      dependencies: options.dependencies,
      align: this.board.flash.writeUnit,
      maxAlign: this.config.maxAlign,
      erasedValue: this.board.flash.erasedValue,
      confirm: options.confirm,
    });
  }

  /**
   * Starts the payload with a vector table whose reset handler lies inside the image (a branch to itself), so a
   * bootloader binary that jumps through it, as MCUboot does, really hands off into the image.
   */
  private makeRunnable(payload: Uint8Array, slotAddress: number): void {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const { ram } = this.board.memory;
    view.setUint32(0, ram.base + ram.size, true);
    view.setUint32(4, (slotAddress + this.config.headerSize + 8) | 1, true);
    view.setUint16(8, 0xe7fe, true);
  }

  /** A trust policy over the given keys (default: the update pair's key, no validity window). */
  trust(keys?: readonly TrustedKey[], enforce: ValidityEnforcement = 'install'): TrustPolicy {
    return { keys: keys ?? [{ name: 'root', key: this.pair.trustKey }], enforce };
  }

  /**
   * A scenario image: trusted when it verifies under `trust` (ignoring validity windows, which only govern
   * installing), with its protected security counter.
   */
  known(name: string, bytes: Uint8Array, trust: TrustPolicy, app?: KnownImage['app']): KnownImage {
    const keys = trust.keys.filter((k) => !k.revoked).map((k) => k.key);
    // A policy whose every key is revoked trusts no signature; it does not fall back to hash-only.
    const result = verifyImage(bytes, { keys, requireSignature: trust.keys.length > 0, ...buildOfImage(bytes) });
    return { name, bytes, trusted: result.valid, securityCounter: result.securityCounter ?? 0, app };
  }
}
