/** `bootproof image keygen` and `getpub`, shaped like imgtool's. */
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
    .option('--json', 'print the key type, public key bytes and their SHA-256 as JSON')
    .action((options: { key: string; encoding: string; output?: string; passwordFile?: string; json?: boolean }) => {
      const key = loadPublicKey(readText(options.key), { source: options.key, password: readPassword(options.passwordFile) });
      const der = publicKeyBytes(key);
      if (options.json === true) {
        printJson({ type: keyTypeOf(key), publicKey: der });
        return;
      }
      const output = encodePublicKey(options.encoding, key, der);
      if (options.output !== undefined) writeFile(options.output, output);
      else if (typeof output === 'string') print(output);
      else process.stdout.write(output);
    });
}

function encodePublicKey(encoding: string, key: Parameters<typeof keyTypeOf>[0], der: Uint8Array): string | Uint8Array {
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
