/** `bootproof image keygen` and `getpub`, shaped like imgtool's. */
import { createHash, type KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  KEY_TYPES,
  type KeyType,
  keyTypeOf,
  loadPublicKey,
  publicKeyBytes,
} from '../../images/index.ts';
import { print, printJson, readPassword, readText, writeFile } from './image-io.ts';

export function registerKeyCommands(image: Command): void {
  image
    .command('keygen')
    .description('Generate a signing key pair and write the private key as PKCS#8 PEM.')
    .requiredOption('-k, --key <file>', 'where to write the private key')
    .requiredOption('-t, --type <type>', `key type: ${KEY_TYPES.join(', ')}`)
    .option('--password-file <file>', 'encrypt the key (AES-256-CBC) with the password on the first line of this file')
    .option('--seed <seed>', 'derive the key from a seed (ECDSA and Ed25519 only), for reproducible test keys')
    .option('--json', 'print the key type and public key hash as JSON')
    .action((options: { key: string; type: string; passwordFile?: string; seed?: string; json?: boolean }) => {
      if (!(KEY_TYPES as readonly string[]).includes(options.type)) {
        throw new UsageError(`--type ${options.type}: expected one of ${KEY_TYPES.join(', ')}`);
      }
      const pair = generateKeyPair(options.type as KeyType, { seed: options.seed });
      writeFile(options.key, exportPrivateKeyPem(pair.privateKey, readPassword(options.passwordFile)));
      const summary = { key: options.key, type: options.type, publicKey: publicKeyBytes(pair.publicKey) };
      if (options.json === true) printJson(summary);
      else print(`wrote ${options.type} private key to ${options.key}`);
    });

  image
    .command('getpub')
    .description('Print the public key the bootloader embeds (SPKI, or PKCS#1 for RSA) as C, Rust, PEM or raw DER.')
    .requiredOption('-k, --key <file>', 'a private or public key PEM')
    .option('-e, --encoding <encoding>', 'lang-c, lang-rust, pem or raw', 'lang-c')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('--password-file <file>', 'password of an encrypted private key (first line of the file)')
    .option('--json', 'print the key type, the public key bytes and the KEYHASH a build expects, as JSON')
    .action((options: { key: string; encoding: string; output?: string; passwordFile?: string; json?: boolean }) => {
      const key = loadPublicKey(readText(options.key), { source: options.key, password: readPassword(options.passwordFile) });
      const der = publicKeyBytes(key);
      if (options.json === true) {
        // The KEYHASH a build would expect: SHA-256 of the key, or SHA-384 for P-384 builds (FORMATS.md §1.7).
        const type = keyTypeOf(key);
        const keyHash = createHash(type === 'ecdsa-p384' ? 'sha384' : 'sha256').update(der).digest();
        printJson({ type, publicKey: der, keyHash: new Uint8Array(keyHash) });
        return;
      }
      const output = encodePublicKey(options.encoding, key, der);
      if (options.output !== undefined) writeFile(options.output, output);
      else if (typeof output === 'string') print(output);
      else process.stdout.write(output);
    });
}

function encodePublicKey(encoding: string, key: KeyObject, der: Uint8Array): string | Uint8Array {
  const rows = (indent: string): string =>
    Array.from({ length: Math.ceil(der.length / 8) }, (_, row) =>
      `${indent}${[...der.subarray(row * 8, row * 8 + 8)].map((b) => `0x${b.toString(16).padStart(2, '0')},`).join(' ')}`,
    ).join('\n');
  switch (encoding) {
    case 'raw':
      return der;
    case 'pem':
      return exportPublicKeyPem(key);
    case 'lang-c':
      return `const unsigned char bootproof_pub_key[] = {\n${rows('    ')}\n};\nconst unsigned int bootproof_pub_key_len = ${der.length};`;
    case 'lang-rust':
      return `static BOOTPROOF_PUB_KEY: &[u8] = &[\n${rows('    ')}\n];`;
    default:
      throw new UsageError(`--encoding ${encoding}: expected lang-c, lang-rust, pem or raw`);
  }
}
