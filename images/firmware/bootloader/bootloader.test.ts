/**
 * The C bootloader binaries on the emulated SoCs (Machine API): hand-off, upgrade, revert, refusal of bad images,
 * downgrade prevention, and resumption after a power cut armed on the flash model.
 */
import { describe, expect, it } from 'vitest';
import { trailerLayout } from '../../index.ts';
import { generateKeyPair } from '../../keys.ts';
import { BootloaderDevice, ED25519_KEY } from './test/device.ts';

const NRF_MOVE = 'bootloader-nrf52840dk-swap-move';
const NRF_OVERWRITE = 'bootloader-nrf52840dk-overwrite-only';

function upgradeReady(build: string, board = 'nrf52840dk', variant: 'confirm' | 'never-confirm' = 'never-confirm') {
  const device = new BootloaderDevice(board, build);
  device.place('primary', device.signApp('confirm', '1.0.0'));
  device.place('secondary', device.signApp(variant, '2.0.0', { pad: true }));
  return device;
}

describe('swap-move on nrf52840dk', () => {
  it('hands off after a P-256 validation, runs a test upgrade, then reverts the image that never confirmed, once', () => {
    const device = upgradeReady(NRF_MOVE);
    const first = device.boot();
    expect(first.version).toBe('2.0.0');
    expect(first.console).toMatch(
      /^I: Starting bootproof bootloader\n[\s\S]*I: Swap type: test\n[\s\S]*I: Jumping to the first image slot\nbootproof-app/,
    );
    const second = device.boot();
    expect(second.console).toContain('I: Swap type: revert\n');
    expect(second.version).toBe('1.0.0');
    const opsAfterRevert = device.flash.opCount;
    const third = device.boot();
    expect(third.version).toBe('1.0.0');
    expect(third.console).toContain('I: Swap type: none\n');
    expect(device.flash.opCount).toBe(opsAfterRevert);
  });

  it('erases a secondary whose payload was altered, and boots the old image', () => {
    const device = new BootloaderDevice('nrf52840dk', NRF_MOVE);
    device.place('primary', device.signApp('confirm', '1.0.0'));
    const bad = device.signApp('confirm', '2.0.0', { pad: true });
    bad[0x400] ^= 0x10;
    device.place('secondary', bad);
    const boot = device.boot();
    expect(boot.console).toContain('I: Image 0: secondary slot rejected: hash mismatch\n');
    expect(boot.version).toBe('1.0.0');
    const secondary = device.slots().secondary;
    expect(device.flash.peek(secondary.offset, 32).every((b) => b === 0xff)).toBe(true);
  });

  it('refuses an image signed by a key it does not embed, keeping the KEYHASH it claims', () => {
    const device = new BootloaderDevice('nrf52840dk', NRF_MOVE);
    device.place('primary', device.signApp('confirm', '1.0.0'));
    const stranger = generateKeyPair('ecdsa-p256', { seed: 'stranger' }).privateKey;
    device.place('secondary', device.signApp('confirm', '2.0.0', { pad: true, key: stranger }));
    const boot = device.boot();
    expect(boot.console).toContain('secondary slot rejected: no signature by a known key\n');
    expect(boot.version).toBe('1.0.0');
  });

  it('halts with its halt line when the primary does not validate', () => {
    const device = new BootloaderDevice('nrf52840dk', NRF_MOVE);
    const image = device.signApp('confirm', '1.0.0');
    image[image.length - 3] ^= 0x01; // the signature
    device.place('primary', image);
    const boot = device.boot();
    expect(boot.outcome).toBe('halt');
    expect(boot.console).toContain('I: Image 0: primary slot is not bootable: signature does not verify\n');
  });

  it('refuses a downgrade by version and erases the older image', () => {
    const device = new BootloaderDevice('nrf52840dk', NRF_MOVE);
    device.place('primary', device.signApp('confirm', '2.0.0'));
    device.place('secondary', device.signApp('confirm', '1.0.0', { pad: true }));
    const boot = device.boot();
    expect(boot.console).toContain('I: Image 0: downgrade refused: secondary slot erased\n');
    expect(boot.version).toBe('2.0.0');
  });

  it('resumes a swap cut at any of its operations (not started, torn): the new image, or the old one after a torn copy_done', () => {
    const reference = upgradeReady(NRF_MOVE);
    reference.boot();
    const total = reference.flash.opCount;
    // Inside the move phase, the middle of the swap, the last writes (copy_done's unit and its neighbour).
    for (const [atOp, outcome] of [
      [7, 'torn'],
      [1500, 'not-started'],
      [total - 2, 'torn'],
      [total - 1, 'torn'],
    ] as const) {
      const device = upgradeReady(NRF_MOVE);
      device.flash.armPowerCut({ atOp, outcome, seed: atOp });
      expect(device.boot().outcome, `cut at op ${atOp}`).toBe('power-cut');
      device.flash.disarmPowerCut();
      const recovery = device.boot();
      // The last operation writes copy_done: torn so that it reads BAD, the trial counts as over and the image that
      // never confirmed is reverted (FAULTS F-07); any other cut ends the swap with the new image.
      const tornCopyDone = recovery.console.includes('copy_done torn after a complete test swap');
      if (tornCopyDone) expect(atOp, 'only the copy_done write leaves it torn').toBe(total - 1);
      expect(recovery.version, `after a cut at op ${atOp} (${outcome}): ${recovery.console}`).toBe(tornCopyDone ? '1.0.0' : '2.0.0');
    }
  });
});

describe('a complete test swap whose copy_done write tore (FAULTS F-07; found by scenario-space on this binary)', () => {
  /** The trial of 2.0.0 ran once; then its primary copy_done unit reads 0x00 (BAD), as a weak tear of 0x01 leaves it. */
  function tornAfterTrial() {
    const device = upgradeReady(NRF_MOVE);
    expect(device.boot().version).toBe('2.0.0');
    const primary = device.slots().primary;
    const { copyDone } = trailerLayout({ slotSize: primary.size, maxAlign: 8 });
    device.flash.program(primary.offset + copyDone, Uint8Array.of(0, 0xff, 0xff, 0xff));
    return device;
  }

  it('reverts the unconfirmed image at the next boot instead of trying it at every boot', () => {
    const device = tornAfterTrial();
    const next = device.boot();
    expect(next.console).toContain('copy_done torn after a complete test swap: the unconfirmed image is reverted');
    expect(next.version).toBe('1.0.0');
    expect(device.boot().version).toBe('1.0.0');
  });
});

describe('overwrite-only', () => {
  it('installs the secondary on nrf52840dk and erases its header and trailer', () => {
    const device = upgradeReady(NRF_OVERWRITE);
    const boot = device.boot();
    expect(boot.version).toBe('2.0.0');
    const secondary = device.slots().secondary;
    expect(device.flash.peek(secondary.offset, 32).every((b) => b === 0xff)).toBe(true);
    expect(device.flash.peek(secondary.offset + secondary.size - 16, 16).every((b) => b === 0xff)).toBe(true);
    expect(device.boot().console).toContain('I: Swap type: none\n');
  });

  it('starts again after a cut in the middle of the copy', () => {
    const device = upgradeReady(NRF_OVERWRITE);
    device.flash.armPowerCut({ atOp: 200, outcome: 'torn', seed: 3 });
    expect(device.boot().outcome).toBe('power-cut');
    device.flash.disarmPowerCut();
    expect(device.boot().version).toBe('2.0.0');
  });

  it('installs through the STM32F4 sector erase (128 KiB sectors, byte programs)', () => {
    const device = upgradeReady('bootloader-stm32f429zi-overwrite-only', 'stm32f429zi');
    expect(device.boot().version).toBe('2.0.0');
  });

  it('installs through the STM32L5 page erase and double-word programs (ECC flash), with two images', () => {
    const device = upgradeReady('bootloader-nucleo_l552ze_q-overwrite-only', 'nucleo_l552ze_q');
    const halted = device.boot();
    expect(halted.outcome).toBe('halt');
    expect(halted.console).toContain('I: Image 1: primary slot is not bootable: bad image magic\n');
    device.place('primary', device.signData(1, '1.0.0'), 1);
    expect(device.boot().version).toBe('2.0.0');
  });
});

describe('swap-scratch', () => {
  it('upgrades on nrf52840dk through the scratch and keeps the image the application confirmed', () => {
    const device = upgradeReady('bootloader-nrf52840dk-swap-scratch', 'nrf52840dk', 'confirm');
    const first = device.boot();
    expect(first.version).toBe('2.0.0');
    expect(first.console).toContain('bootproof-app: confirmed\n');
    const again = device.boot();
    expect(again.version).toBe('2.0.0');
    expect(again.console).toContain('I: Swap type: none\n');
  });

  it('resumes from the scratch trailer after a cut while the primary trailer is rebuilt', () => {
    const reference = upgradeReady('bootloader-nrf52840dk-swap-scratch');
    reference.boot();
    const primary = reference.slots().primary;
    const magicWrite = reference.flash.journal.findIndex(
      (op) => op.kind === 'program' && op.offset === primary.offset + primary.size - 16,
    );
    expect(magicWrite).toBeGreaterThan(0);
    const device = upgradeReady('bootloader-nrf52840dk-swap-scratch');
    device.flash.armPowerCut({ atOp: magicWrite, outcome: 'torn', seed: 5 });
    expect(device.boot().outcome).toBe('power-cut');
    device.flash.disarmPowerCut();
    expect(device.boot().version).toBe('2.0.0');
    expect(device.boot().version).toBe('1.0.0');
  });

  it('swaps the 128 KiB sectors of stm32f429zi through its 128 KiB scratch', () => {
    const device = upgradeReady('bootloader-stm32f429zi-swap-scratch', 'stm32f429zi');
    expect(device.boot().version).toBe('2.0.0');
  });
});

describe('Ed25519', () => {
  it('validates an Ed25519-signed primary (SHA-256 digest as the message) and hands off', () => {
    const device = new BootloaderDevice('nrf52840dk', 'bootloader-nrf52840dk-swap-move-ed25519');
    device.place('primary', device.signApp('confirm', '1.0.0', { key: ED25519_KEY }));
    const other = new BootloaderDevice('nrf52840dk', 'bootloader-nrf52840dk-swap-move-ed25519');
    other.place('primary', device.signApp('confirm', '1.0.0'));
    expect(device.boot().version).toBe('1.0.0');
    expect(other.boot().outcome).toBe('halt');
  });
});

describe('swap-move on nucleo_l552ze_q (ECC flash, 8-byte units written once)', () => {
  it('upgrades, reverts and settles without programming any unit twice', () => {
    const device = upgradeReady('bootloader-nucleo_l552ze_q-swap-move', 'nucleo_l552ze_q');
    expect(device.boot().version).toBe('2.0.0');
    expect(device.boot().version).toBe('1.0.0');
    expect(device.boot().console).toContain('I: Swap type: none\n');
  });

  it('reads a torn (ECC-faulting) magic unit as unreadable, not as a crash, and completes the swap', () => {
    const reference = upgradeReady('bootloader-nucleo_l552ze_q-swap-move', 'nucleo_l552ze_q');
    reference.boot();
    const primary = reference.slots().primary;
    const magicWrite = reference.flash.journal.findIndex(
      (op) => op.kind === 'program' && op.offset === primary.offset + primary.size - 16,
    );
    const device = upgradeReady('bootloader-nucleo_l552ze_q-swap-move', 'nucleo_l552ze_q');
    device.flash.armPowerCut({ atOp: magicWrite, outcome: 'torn', seed: 2 });
    expect(device.boot().outcome).toBe('power-cut');
    device.flash.disarmPowerCut();
    const recovery = device.boot();
    expect(recovery.console).not.toContain('Unexpected fault');
    expect(recovery.version).toBe('2.0.0');
  });
});
