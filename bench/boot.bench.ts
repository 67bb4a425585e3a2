/**
 * Reference bootloader speed on nrf52840dk's real partitions: boots per second of a settled device (with and
 * without primary validation, the baseline being a bare verifyImage of the same image), the flash operations of
 * a full-slot swap-scratch upgrade (MCUboot's simulator counts about 600 write and erase calls on k64f), and the
 * time of that upgrade against the time of downloading the same image into the secondary.
 */
import { loadBoard } from '../boards/index.ts';
import type { BootContext, ImageConfig } from '../emulator/boot/index.ts';
import { NoClock, ReferenceBootloader, setPending, writeUpdate } from '../emulator/boot/index.ts';
import { Prng } from '../emulator/common/prng.ts';
import { NorFlash } from '../emulator/flash/index.ts';
import { generateKeyPair } from '../images/keys.ts';
import { signImage } from '../images/sign.ts';
import type { MaxAlign } from '../images/trailer.ts';
import { verifyImage } from '../images/verify.ts';

export const title = 'reference bootloader: boots/s, full-slot swap-scratch upgrade on nrf52840dk';

const board = loadBoard('nrf52840dk');
const keys = generateKeyPair('ecdsa-p256', { seed: 'boot-bench' });

function config(validatePrimaryAtBoot: boolean): ImageConfig {
  return {
    strategy: 'swap-scratch',
    headerSize: board.bootloader.headerSize,
    maxAlign: board.bootloader.maxAlign as MaxAlign,
    maxImageSectors: board.bootloader.maxImageSectors,
    imageCount: 1,
    validatePrimaryAtBoot,
    downgradePrevention: 'none',
    hardwareRollback: false,
  };
}

/** The largest payload that still fits swap-scratch's maximum image size in this slot (about 150 bytes of TLVs). */
function fullSlotImage(version: string, seed: number): Uint8Array {
  const slot = board.partitions.images[0].primary.size;
  const trailer = board.bootloader.maxImageSectors * 3 * board.flash.writeUnit + 48;
  const payload = slot - trailer - board.bootloader.headerSize - 256;
  return signImage(new Prng(seed).bytes(payload), {
    key: keys.privateKey,
    headerSize: board.bootloader.headerSize,
    padHeader: true,
    version,
    slotSize: slot,
    align: board.flash.writeUnit,
  });
}

function device(validate: boolean, primary: Uint8Array): BootContext {
  const flash = new NorFlash(board.flash, { journal: false });
  const unit = board.flash.writeUnit;
  const padded = new Uint8Array(Math.ceil(primary.length / unit) * unit).fill(board.flash.erasedValue);
  padded.set(primary);
  flash.load(board.partitions.images[0].primary.offset, padded);
  return {
    flash,
    board,
    config: config(validate),
    trust: { keys: [{ name: 'bench', key: keys.publicKey }], enforce: 'install' },
    clock: new NoClock(),
  };
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function run(): void {
  const loader = new ReferenceBootloader();
  const v1 = fullSlotImage('1.0.0', 1);
  const v2 = fullSlotImage('2.0.0', 2);
  console.log(`image: ${v1.length} bytes in a ${board.partitions.images[0].primary.size}-byte slot`);

  const rounds = 200;
  let start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) verifyImage(v1, { keys: [keys.publicKey] });
  const verifyMs = msSince(start) / rounds;
  for (const validate of [false, true]) {
    const ctx = device(validate, v1);
    loader.boot(ctx);
    start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) loader.boot(ctx);
    const bootMs = msSince(start) / rounds;
    console.log(
      `settled boot, primary ${validate ? 'validated' : 'header only'}: ${(1000 / bootMs).toFixed(0)} boots/s ` +
        `(${bootMs.toFixed(3)} ms; ${(bootMs / verifyMs).toFixed(2)}x one verifyImage of ${verifyMs.toFixed(3)} ms)`,
    );
  }

  const ctx = device(true, v1);
  loader.boot(ctx);
  start = process.hrtime.bigint();
  writeUpdate(ctx, 0, v2);
  setPending(ctx, 0, false);
  const downloadMs = msSince(start);
  const flash = ctx.flash as NorFlash;
  const before = flash.opCount;
  start = process.hrtime.bigint();
  const outcome = loader.boot(ctx);
  const upgradeMs = msSince(start);
  if (outcome.kind !== 'handoff' || outcome.version.major !== 2) throw new Error('bench upgrade did not install 2.0.0');
  const operations = flash.opCount - before;
  const sectors = board.partitions.images[0].primary.size / board.flash.sectors[0];
  console.log(
    `full-slot swap-scratch upgrade: ${operations} flash operations (MCUboot's simulator: about 600 on k64f), ` +
      `${(operations / sectors).toFixed(1)} per slot sector`,
  );
  console.log(
    `one full upgrade: ${upgradeMs.toFixed(1)} ms, ${(upgradeMs / downloadMs).toFixed(2)}x the download of the same image (${downloadMs.toFixed(1)} ms)`,
  );
}
