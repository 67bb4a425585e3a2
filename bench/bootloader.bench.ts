/**
 * The C bootloader (images/firmware/bootloader): instructions from power-on to the hand-off for a validated boot,
 * per signature type, and the text size of each build against the 16 KiB budget. The comparison point is real
 * MCUboot with tinycrypt P-256 on the same board and image: 13.6 M instructions (issue 12's measurement on this
 * emulator; MCUboot itself cannot be built here), so the ratio is against that recorded figure.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseElf } from '../emulator/soc/index.ts';
import { BootloaderDevice, ED25519_KEY, P256_KEY } from '../images/firmware/bootloader/test/device.ts';

export const title = 'C bootloader: instructions per validated boot, text size';

const MCUBOOT_TINYCRYPT_P256 = 13_600_000;
const TEXT_BUDGET = 16 * 1024;

/** Instructions until the first one fetched inside the primary slot (to within `step`). */
function instructionsToHandoff(device: BootloaderDevice, step = 200): number {
  const { offset, size } = device.slots().primary;
  const start = device.board.memory.flash.base + offset;
  device.machine.powerCycle();
  let used = 0;
  while (used < 100_000_000) {
    used += device.machine.run(step).instructions;
    const pc = device.machine.cpu.pc;
    if (pc >= start && pc < start + size) return used;
  }
  throw new Error('no hand-off within 100 M instructions');
}

function textSize(build: string): number {
  const file = fileURLToPath(new URL(`../images/firmware/build/${build}.elf`, import.meta.url));
  const elf = parseElf(file, new Uint8Array(readFileSync(file)));
  return elf.segments.reduce((sum, segment) => sum + segment.bytes.length, 0);
}

export function run(): void {
  const rows = [
    { build: 'bootloader-nrf52840dk-swap-move', signature: 'ecdsa-p256', key: P256_KEY },
    { build: 'bootloader-nrf52840dk-swap-move-ed25519', signature: 'ed25519', key: ED25519_KEY },
  ];
  for (const { build, signature, key } of rows) {
    const device = new BootloaderDevice('nrf52840dk', build);
    device.place('primary', device.signApp('confirm', '1.0.0', { key }));
    const instructions = instructionsToHandoff(device);
    const text = textSize(build);
    console.log(
      `${signature.padEnd(10)} validated boot ${(instructions / 1e6).toFixed(2)} M instructions ` +
        `(${(instructions / MCUBOOT_TINYCRYPT_P256).toFixed(2)}x MCUboot+tinycrypt P-256's 13.6 M); ` +
        `flash image ${text} bytes (${((100 * text) / TEXT_BUDGET).toFixed(0)}% of 16 KiB)`,
    );
  }
}
