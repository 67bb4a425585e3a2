/**
 * `bootproof serve` ready to talk: the board starts with a factory image in its primary slot (the built-in test
 * image, or the user's `--image`), boots into the application at once, and prints the one command to try.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { socatMissing } from '../serial/index.ts';
import { type CliResult, runCli } from './run-cli.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const APP = join(REPO, 'images/firmware/build/app-nrf52840dk-confirm-v1.0.0.bin');

async function cli(...args: string[]): Promise<CliResult> {
  process.exitCode = undefined; // a previous in-process run leaves its exit code behind
  const result = await runCli(...args);
  process.exitCode = undefined;
  return result;
}

/** A key pair and the committed test application signed with it (`--confirm`, as a factory programs it). */
async function signedApp(dir: string, version: string): Promise<{ image: string; pub: string }> {
  const key = join(dir, 'root.pem');
  const pub = join(dir, 'root.pub.pem');
  const image = join(dir, `app-${version}.signed.bin`);
  expect((await cli('image', 'keygen', '-k', key, '-t', 'ed25519')).code).toBe(0);
  const getpub = await cli('image', 'getpub', '-k', key, '-e', 'pem');
  writeFileSync(pub, getpub.stdout);
  const sign = ['-H', '0x200', '--pad-header', '-S', '0x67000', '--align', '4', '-v', version, '--confirm'];
  expect((await cli('image', 'sign', '-k', key, ...sign, APP, image)).code).toBe(0);
  return { image, pub };
}

describe('bootproof serve --image: bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootproof-serve-image-'));

  it('exits 2 naming the file when the image cannot be read', async () => {
    const result = await cli('serve', '--board', 'nrf52840dk', '--image', join(dir, 'absent.bin'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image .*absent\.bin: cannot be read \(ENOENT\)/);
  });

  it('exits 2 when the image does not verify with the keys the board trusts, saying to give --key', async () => {
    const { image } = await signedApp(dir, '1.0.0');
    const result = await cli('serve', '--board', 'nrf52840dk', '--image', image);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image .*app-1\.0\.0\.signed\.bin: does not verify with the keys the board trusts .*give --key/);
  });

  it('exits 2 when the image is larger than the primary slot', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, new Uint8Array(0x68000));
    const result = await cli('serve', '--board', 'nrf52840dk', '--image', big);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image .*big\.bin: 425984 bytes do not fit nrf52840dk's primary slot \(421888 bytes\)/);
  });
});

const missing = await socatMissing();

describe.skipIf(missing !== undefined)(`bootproof serve answers SMP at once${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const given of ['the built-in test image', 'a user image and its key'] as const) {
    it(`with ${given}: the printed command lists the image in slot 0`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bootproof-serve-image-'));
      const user = given === 'a user image and its key' ? await signedApp(dir, '1.2.3') : undefined;
      const args = ['serve', '--board', 'nrf52840dk', '--control', join(dir, 'control.sock')];
      if (user) args.push('--image', user.image, '--key', user.pub);
      const serve = execa('node', ['bin/bootproof.mjs', ...args], { cwd: REPO, reject: false });
      try {
        const hint = await new Promise<string>((resolve, reject) => {
          let printed = '';
          const timer = setTimeout(() => reject(new Error(`serve printed no hint within 20 s: ${printed}`)), 20_000);
          serve.stdout?.on('data', (chunk: Buffer) => {
            printed += String(chunk);
            const match = /try: npx bootproof (smp --port \S+ image list)\n/.exec(printed);
            if (match) {
              clearTimeout(timer);
              resolve(match[1]);
            }
          });
        });
        const list = await cli(...hint.split(' '), '--json');
        expect(list.stderr).toBe('');
        expect(list.code).toBe(0);
        const images = JSON.parse(list.stdout) as { images: { slot: number; version: string; active: boolean; confirmed: boolean }[] };
        expect(images.images[0]).toMatchObject({ slot: 0, version: user ? '1.2.3' : '1.0.0', active: true, confirmed: true });
      } finally {
        serve.kill('SIGTERM');
        await serve;
      }
    }, 60_000);
  }
});
