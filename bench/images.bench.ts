/**
 * Signed-image throughput on a 256 KiB image: verify per signature type, and parse only, each as a ratio to a plain
 * SHA-256 of the same bytes measured in the same run (the floor any verifier pays: it must hash the image).
 */
import { createHash } from 'node:crypto';
import { Prng } from '../emulator/common/prng.ts';
import { generateKeyPair, KEY_TYPES, parseImage, signImage, verifyImage } from '../images/index.ts';

export const title = 'signed images: verify and parse throughput, 256 KiB image, vs SHA-256 of the same bytes';

const IMAGE_SIZE = 256 * 1024;
const MIN_TIME_MS = 400;

/** Operations per second of `op`, after a warm-up, over at least MIN_TIME_MS. */
function measure(op: () => void): number {
  for (let i = 0; i < 3; i++) op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_TIME_MS) {
    op();
    count++;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

export function run(): void {
  const headerSize = 0x200;
  // Leave room for the largest TLV area (RSA-3072) so every image is exactly 256 KiB or just under.
  const payload = new Prng('bench-images').bytes(IMAGE_SIZE - headerSize - 512);
  // The machine is shared, so each row measures its own SHA-256 baseline right before it: the ratio compares
  // two figures taken under the same load.
  const hashPayload = () => createHash('sha256').update(payload).digest();
  const rows: { name: string; perSecond: number; ratio: number }[] = [];
  const row = (name: string, op: () => void) => {
    const baseline = measure(hashPayload);
    const perSecond = measure(op);
    rows.push({ name, perSecond, ratio: perSecond / baseline });
  };
  row('baseline: SHA-256 of the payload', hashPayload);
  let firstImage: Uint8Array | undefined;
  for (const type of KEY_TYPES) {
    const keys = generateKeyPair(type, type.startsWith('rsa') ? undefined : { seed: 'bench' });
    const image = signImage(payload, { key: keys.privateKey, headerSize, padHeader: true, version: '1.0.0', slotSize: IMAGE_SIZE * 2 });
    firstImage ??= image;
    const trusted = [keys.publicKey];
    if (!verifyImage(image, { keys: trusted }).valid) throw new Error(`bench: the ${type} image does not verify`);
    row(`verify ${type}`, () => verifyImage(image, { keys: trusted }));
  }
  const image = firstImage!;
  row('parse only (header + TLV walk)', () => parseImage(image));

  console.log(`image: ${IMAGE_SIZE} bytes class (payload ${payload.length} B)`);
  console.log(`${'what'.padEnd(34)} ${'images/s'.padStart(12)} ${'× SHA-256 rate'.padStart(15)}`);
  for (const { name, perSecond, ratio } of rows) {
    console.log(`${name.padEnd(34)} ${perSecond.toFixed(1).padStart(12)} ${ratio.toFixed(3).padStart(15)}`);
  }
  console.log('ECDSA verify hashes the image twice: node:crypto cannot verify a precomputed digest for it.');
}
