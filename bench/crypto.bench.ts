/**
 * The bootloader's C crypto (images/firmware/crypto) on the emulated Cortex-M4 and M33: instructions per
 * signature verification (ECDSA P-256, Ed25519) and per KiB of SHA-256, each also given as the number of KiB of
 * image that SHA-256 hashes for the same instructions (measured in the same run), and against the 13.6 M
 * instructions of a whole validated boot by MCUboot with tinycrypt (P-256) on the same board (issue 13's
 * reference figure). Then the Thumb-2 size of each verifier with only it linked, where arm-none-eabi-gcc is
 * installed. Every answer is checked, so a fast wrong verifier cannot score.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../emulator/common/prng.ts';
import { type CryptoCase, ed25519Cases, hashCases, p256Cases } from '../images/firmware/crypto/test/cases.ts';
import { CryptoTarget, targetFirmware } from '../images/firmware/crypto/test/target.ts';

export const title = 'C crypto on the emulated Cortex-M: instructions per verify and per KiB hashed; code size';

const TINYCRYPT_BOOT = 13.6e6;
const FIRMWARE = fileURLToPath(new URL('../images/firmware/', import.meta.url));

function measure(target: CryptoTarget, item: CryptoCase): number {
  const { answers } = target.run([item]);
  if (answers[0] !== item.expected) throw new Error(`${item.label}: the firmware answered ${answers[0]}, not ${item.expected}`);
  return target.instructionsFor(item);
}

/** Text bytes of the code reachable from `entry` alone, built as build.sh builds, at -Os and -O2. */
function linkedSize(entry: string, sources: string[], optimization: string, folder: string): number | undefined {
  const elf = join(folder, `${entry}${optimization}.elf`);
  const flags = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft', optimization, '-std=c11', '-ffreestanding'];
  const link = ['-ffunction-sections', '-fdata-sections', '-nostdlib', '-Wl,--gc-sections', `-Wl,-e,${entry}`, '-o', elf];
  const built = spawnSync('arm-none-eabi-gcc', [...flags, ...link, ...sources, 'common/string.c', '-lgcc'], { cwd: FIRMWARE });
  if (built.status !== 0) return undefined;
  const size = spawnSync('arm-none-eabi-size', [elf], { encoding: 'utf8' });
  const text = size.stdout?.split('\n')[1]?.trim().split(/\s+/)[0];
  return text === undefined ? undefined : Number(text);
}

export function run(): void {
  const cores = ['cortex-m4', 'cortex-m33'] as const;
  const absent = cores.filter((core) => !existsSync(targetFirmware(core)));
  if (absent.length > 0) {
    console.log(`skipped: no crypto-check firmware for ${absent.join(', ')} (bash images/firmware/build.sh builds it)`);
    return;
  }
  const prng = new Prng('bench-crypto');
  const p256 = p256Cases(prng, 3).filter((c) => c.label.endsWith('as signed'));
  const ed25519 = ed25519Cases(prng, 3).filter((c) => c.label.endsWith('as signed'));
  const [sha] = hashCases(prng, [16 * 1024]);
  for (const core of cores) {
    const target = new CryptoTarget(core);
    const perKib = measure(target, sha) / 16;
    const average = (cases: CryptoCase[]) => cases.reduce((sum, c) => sum + measure(target, c), 0) / cases.length;
    const ecdsa = average(p256);
    const eddsa = average(ed25519);
    const row = (name: string, instructions: number) =>
      console.log(
        `${core} ${name.padEnd(22)} ${(instructions / 1e6).toFixed(3)} M instructions = SHA-256 of ${(instructions / perKib).toFixed(0)} KiB; ` +
          `${(instructions / TINYCRYPT_BOOT).toFixed(3)}x MCUboot+tinycrypt's whole boot (13.6 M)`,
      );
    console.log(`${core} SHA-256                ${perKib.toFixed(0)} instructions per KiB (over 16 KiB)`);
    row('ECDSA P-256 verify', ecdsa);
    row('Ed25519 verify', eddsa);
  }
  if (spawnSync('arm-none-eabi-gcc', ['--version']).status !== 0) {
    console.log('code size: skipped (no arm-none-eabi-gcc; apt-get install gcc-arm-none-eabi)');
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'bootproof-crypto-size-'));
  try {
    const sets: [string, string, string[]][] = [
      ['ECDSA P-256', 'p256_ecdsa_verify_der', ['crypto/p256.c', 'crypto/bn256.c']],
      ['Ed25519 + SHA-512', 'ed25519_verify', ['crypto/ed25519.c', 'crypto/bn256.c', 'crypto/sha512.c']],
      ['SHA-256', 'sha256_final', ['crypto/sha256.c']],
    ];
    for (const [name, entry, sources] of sets) {
      const small = linkedSize(entry, sources, '-Os', folder);
      const fast = linkedSize(entry, sources, '-O2', folder);
      console.log(`Thumb-2 text, ${name.padEnd(18)} alone: ${small ?? '?'} bytes at -Os, ${fast ?? '?'} bytes at -O2 (cortex-m4)`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
