/**
 * Each binary mutant's defect is live: a scenario where the correct build and the mutant part ways. (Whether the
 * harness's suites catch each one is the job of the CPU-level device's tests; this proves there is a bug to catch.)
 */
import { describe, expect, it } from 'vitest';
import { BootloaderDevice } from './test/device.ts';

const MOVE = 'bootloader-nrf52840dk-swap-move';

function upgradeReady(build: string, board = 'nrf52840dk') {
  const device = new BootloaderDevice(board, build);
  device.place('primary', device.signApp('confirm', '1.0.0'));
  device.place('secondary', device.signApp('never-confirm', '2.0.0', { pad: true }));
  return device;
}

/** A cut in the swap phase, the recovery boot (the test image), then the boot that must revert it. */
function revertAfterCut(build: string) {
  const device = upgradeReady(build);
  device.flash.armPowerCut({ atOp: 1500, outcome: 'not-started', seed: 1 });
  expect(device.boot().outcome).toBe('power-cut');
  device.flash.disarmPowerCut();
  device.boot();
  return device.boot();
}

describe('binary mutants part ways with the correct build', () => {
  it('no-progress and swap-state-in-ram restart a swap cut half-way, and the old image is lost', () => {
    expect(revertAfterCut(MOVE).version).toBe('1.0.0');
    for (const mutant of ['no-progress', 'swap-state-in-ram']) {
      expect(revertAfterCut(`${MOVE}-mutant-${mutant}`).version, mutant).not.toBe('1.0.0');
    }
  });

  it('primary-not-validated jumps into a primary whose payload rotted', () => {
    for (const [build, jumps] of [
      [MOVE, false],
      [`${MOVE}-mutant-primary-not-validated`, true],
    ] as const) {
      const device = new BootloaderDevice('nrf52840dk', build);
      const image = device.signApp('confirm', '1.0.0');
      image[0x300] ^= 0x04;
      device.place('primary', image);
      expect(device.boot(10_000_000).console.includes('I: Jumping to the first image slot\n'), build).toBe(jumps);
    }
  });

  it('tlv-length-trusted accepts a signature TLV whose length runs past the TLV area', () => {
    for (const [build, expected] of [
      [MOVE, '1.0.0'],
      [`${MOVE}-mutant-tlv-length-trusted`, '2.0.0'],
    ] as const) {
      const device = new BootloaderDevice('nrf52840dk', build);
      device.place('primary', device.signApp('confirm', '1.0.0'));
      const image = device.signApp('confirm', '2.0.0', { pad: true });
      const view = new DataView(image.buffer);
      const tlvs = view.getUint16(8, true) + view.getUint32(12, true);
      const end = tlvs + view.getUint16(tlvs + 2, true);
      // SHA256 (4+32), KEYHASH (4+32), then the signature entry: its length grows 8 bytes past the area.
      const signature = tlvs + 4 + 36 + 36;
      view.setUint16(signature + 2, end - signature - 4 + 8, true);
      device.place('secondary', image);
      expect(device.boot().version, build).toBe(expected);
    }
  });

  it('erase-before-validate loses the running image to a bad candidate', () => {
    for (const [build, expected] of [
      ['bootloader-nrf52840dk-overwrite-only', 'handoff'],
      ['bootloader-nrf52840dk-overwrite-only-mutant-erase-before-validate', 'halt'],
    ] as const) {
      const device = new BootloaderDevice('nrf52840dk', build);
      device.place('primary', device.signApp('confirm', '1.0.0'));
      const bad = device.signApp('confirm', '2.0.0', { pad: true });
      bad[0x300] ^= 0x80;
      device.place('secondary', bad);
      expect(device.boot().outcome, build).toBe(expected);
    }
  });

  it('revert-without-validation reverts to an old image that rotted in the secondary', () => {
    for (const [build, expected] of [
      [MOVE, 'handoff'],
      [`${MOVE}-mutant-revert-without-validation`, 'halt'],
    ] as const) {
      const device = upgradeReady(build);
      expect(device.boot().version).toBe('2.0.0');
      const secondary = device.slots().secondary.offset;
      const word = device.flash.peek(secondary + 0x300, 4);
      word[0] ^= 0x01;
      device.flash.load(secondary + 0x300, word);
      expect(device.boot().outcome, build).toBe(expected);
    }
  });

  it('counter-on-test-boot raises the security counter for an unconfirmed image, so the revert is refused', () => {
    for (const [build, expected] of [
      ['bootloader-nrf52840dk-swap-move-counter', '1.0.0'],
      ['bootloader-nrf52840dk-swap-move-counter-mutant-counter-on-test-boot', '2.0.0'],
    ] as const) {
      const device = new BootloaderDevice('nrf52840dk', build);
      device.place('primary', device.signApp('confirm', '1.0.0', { securityCounter: 1 }));
      device.place('secondary', device.signApp('never-confirm', '2.0.0', { pad: true, securityCounter: 2 }));
      expect(device.boot().version).toBe('2.0.0');
      expect(device.boot().version, build).toBe(expected);
    }
  });

  it('ecc-rewrite programs image_ok twice on the STM32L5 and panics on PROGERR', () => {
    for (const [build, expected] of [
      ['bootloader-nucleo_l552ze_q-swap-move', 'handoff'],
      ['bootloader-nucleo_l552ze_q-swap-move-mutant-ecc-rewrite', 'halt'],
    ] as const) {
      const device = new BootloaderDevice('nucleo_l552ze_q', build);
      device.place('primary', device.signApp('confirm', '1.0.0'));
      device.place('secondary', device.signApp('confirm', '2.0.0', { confirm: true }));
      const boot = device.boot();
      expect(boot.outcome, `${build}: ${boot.console}`).toBe(expected);
    }
  });

  it('dependencies-unprotected ignores a dependency carried in the protected area', () => {
    for (const [build, expected] of [
      ['bootloader-nucleo_l552ze_q-overwrite-only', '1.0.0'],
      ['bootloader-nucleo_l552ze_q-overwrite-only-mutant-dependencies-unprotected', '2.0.0'],
    ] as const) {
      const device = new BootloaderDevice('nucleo_l552ze_q', build);
      device.place('primary', device.signApp('confirm', '1.0.0'));
      device.place('primary', device.signData(1, '1.0.0'), 1);
      const needsImage1v2 = [{ imageId: 1, version: { major: 2, minor: 0, revision: 0, build: 0 } }];
      device.place('secondary', device.signApp('confirm', '2.0.0', { pad: true, dependencies: needsImage1v2 }));
      expect(device.boot().version, build).toBe(expected);
    }
  });
});
