/**
 * Test helpers: a board's flash with a bootloader build programmed into it, images signed by our TypeScript signer
 * (images/sign.ts) written into its slots, and boots on the emulated SoC until the hand-off (the test app's banner)
 * or the bootloader's halt line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Board, loadBoard } from '../../../../boards/index.ts';
import { NorFlash } from '../../../../emulator/flash/index.ts';
import { Machine, programFirmware, readFirmware } from '../../../../emulator/soc/index.ts';
import { loadPrivateKey } from '../../../keys.ts';
import { type SignOptions, signImage } from '../../../sign.ts';

export const buildFile = (name: string): string =>
  fileURLToPath(new URL(`../../build/${name}`, import.meta.url));

export const keyFile = (name: string): string => fileURLToPath(new URL(`../keys/${name}`, import.meta.url));

export const P256_KEY = loadPrivateKey(readFileSync(keyFile('ecdsa-p256.pem')));
export const ED25519_KEY = loadPrivateKey(readFileSync(keyFile('ed25519.pem')));

export type AppVariant = 'confirm' | 'never-confirm' | 'hardfault' | 'hang';

export interface BootResult {
  readonly outcome: 'handoff' | 'halt' | 'power-cut' | 'other';
  /** The console of this boot: the bootloader's lines, then the application's. */
  readonly console: string;
  /** The version the application announced, when it ran. */
  readonly version?: string;
  readonly instructions: number;
}

export class BootloaderDevice {
  readonly board: Board;
  readonly flash: NorFlash;
  readonly machine: Machine;

  constructor(boardName: string, build: string) {
    this.board = loadBoard(boardName);
    this.flash = new NorFlash(this.board.flash);
    programFirmware(this.flash, this.board, readFirmware(buildFile(`${build}.elf`), this.board));
    this.machine = new Machine(this.board, { flash: this.flash });
  }

  slots(image = 0) {
    return this.board.partitions.images[image]!;
  }

  /** The test app, signed as imgtool would with the board's header size and write size. */
  signApp(variant: AppVariant, version: '1.0.0' | '2.0.0', options: Partial<SignOptions> = {}): Uint8Array {
    const payload = new Uint8Array(readFileSync(buildFile(`app-${this.board.name}-${variant}-v${version}.bin`)));
    return signImage(payload, {
      key: P256_KEY,
      headerSize: this.board.bootloader.headerSize,
      padHeader: true,
      version,
      slotSize: this.slots().primary.size,
      align: this.board.flash.writeUnit,
      ...options,
    });
  }

  /** A signed image for a slot pair that is never booted (image 1 and up): 1 KiB of payload, no vector table. */
  signData(image: number, version: string, options: Partial<SignOptions> = {}): Uint8Array {
    return signImage(new Uint8Array(1024).fill(image), {
      key: P256_KEY,
      headerSize: this.board.bootloader.headerSize,
      padHeader: true,
      version,
      slotSize: this.slots(image).primary.size,
      align: this.board.flash.writeUnit,
      ...options,
    });
  }

  /** Writes `bytes` at the start of a slot as a factory programmer would (whole write units). */
  place(slot: 'primary' | 'secondary', bytes: Uint8Array, image = 0, at = 0): void {
    const unit = this.board.flash.writeUnit;
    const padded = new Uint8Array(Math.ceil(bytes.length / unit) * unit).fill(0xff);
    padded.set(bytes);
    this.flash.load(this.slots(image)[slot].offset + at, padded);
  }

  /** One power-on boot: runs until the app's banner line, the halt line, a power cut or the budget. */
  boot(budget = 60_000_000): BootResult {
    this.machine.powerCycle();
    const mark = this.machine.consoleText.length;
    let used = 0;
    for (;;) {
      const run = this.machine.run(2_000_000);
      used += run.instructions;
      const text = this.machine.consoleText.slice(mark);
      const banner = /bootproof-app (\S+) slot=\d\n/.exec(text);
      if (banner) return { outcome: 'handoff', console: text, version: banner[1], instructions: used };
      if (text.includes('E: Unable to find bootable image')) return { outcome: 'halt', console: text, instructions: used };
      if (run.reason === 'power-cut') return { outcome: 'power-cut', console: text, instructions: used };
      if (run.reason !== 'budget' || used >= budget) return { outcome: 'other', console: `${text}\n[${run.message}]`, instructions: used };
    }
  }
}
