import { describe, expect, it } from 'vitest';
import { type Board, loadBoard } from '../../boards/index.ts';
import { NorFlash } from '../flash/index.ts';
import { machineWithFirmware } from './boot.ts';
import { readFirmware } from './firmware/load.ts';
import type { MachineOptions } from './machine.ts';
import { firmwareFile } from './test/firmware-files.ts';

const nrf = loadBoard('nrf52840dk');
const stm32 = loadBoard('stm32f429zi');
const l5 = loadBoard('nucleo_l552ze_q');
/** image_ok of the primary slot, BOOT_MAX_ALIGN 8: slot end - 24 (FORMATS.md §2.1). */
const imageOk = (board: Board): number => {
  const primary = board.partitions.images[0]!.primary;
  return primary.offset + primary.size - 24;
};
const NRF_IMAGE_OK = imageOk(nrf);
const STM32_IMAGE_OK = imageOk(stm32);
const L5_IMAGE_OK = imageOk(l5);

function bootApp(board = nrf, variant = 'confirm', options: MachineOptions = {}) {
  const file = firmwareFile(`app-${board.name}-${variant}-v1.0.0.elf`);
  const flash = options.flash ?? new NorFlash(board.flash);
  const machine = machineWithFirmware(board, [readFirmware(file, board)], { ...options, flash });
  return { machine, flash };
}

describe('the test app on nrf52840dk', () => {
  it('prints its banner on UARTE0 and confirms itself with one NVMC word program of image_ok', () => {
    const { machine, flash } = bootApp();
    const result = machine.run(2_000_000);
    expect(result.reason).toBe('budget');
    expect(machine.consoleText).toMatch(/^bootproof-app 1\.0\.0 slot=0\n/);
    expect(machine.consoleText).toContain('bootproof-app: confirmed\n');
    expect(flash.journal.map(({ kind, offset, length }) => ({ kind, offset, length }))).toEqual([
      { kind: 'program', offset: NRF_IMAGE_OK, length: 4 },
    ]);
    expect([...flash.peek(NRF_IMAGE_OK, 4)]).toEqual([0x01, 0xff, 0xff, 0xff]);
  });

  it('does not write again once confirmed, after a power cycle', () => {
    const { machine, flash } = bootApp();
    machine.run(2_000_000);
    machine.powerCycle();
    machine.run(2_000_000);
    expect(flash.journal).toHaveLength(1);
    expect(machine.consoleText).toContain('bootproof-app: already confirmed\n');
  });

  it('never-confirm leaves the trailer untouched', () => {
    const { machine, flash } = bootApp(nrf, 'never-confirm');
    machine.run(2_000_000);
    expect(machine.consoleText).toContain('bootproof-app 1.0.0 slot=0\n');
    expect(flash.journal).toHaveLength(0);
  });

  it('hang is reset by the watchdog, and the next boot reads RESETREAS.DOG', () => {
    const { machine, flash } = bootApp(nrf, 'hang');
    machine.run(10_000_000);
    expect(machine.resets[0]?.cause).toBe('watchdog');
    // CRV 3277 of the 32.768 kHz clock: 100 ms after the WDT started, in virtual time.
    expect(machine.resets[0]!.atUs).toBeGreaterThan(100_000);
    expect(machine.resets[0]!.atUs).toBeLessThan(101_000);
    expect(machine.consoleText).toContain('bootproof-app: reset-reason=0x00000002\n');
    expect(flash.journal).toHaveLength(0);
    // The list is of this power-on's resets: a power cycle starts it again, so a sweep's machine does not grow it.
    machine.powerCycle();
    expect(machine.resets).toEqual([]);
  });

  it('hardfault crashes before confirming; the watchdog brings it back', () => {
    const { machine, flash } = bootApp(nrf, 'hardfault');
    machine.run(10_000_000);
    expect(machine.consoleText).toContain('bootproof-app: hardfault\n');
    expect(machine.resets.map((r) => r.cause)).toContain('watchdog');
    expect(flash.journal).toHaveLength(0);
  });

  it('stops cleanly as a power loss when a cut lands on the confirm write, then boots and confirms', () => {
    const { machine, flash } = bootApp();
    flash.armPowerCut({ atOp: 0, outcome: 'not-started', seed: 1 });
    const cut = machine.run(2_000_000);
    expect(cut.reason).toBe('power-cut');
    expect(cut.error?.name).toBe('PowerCut');
    expect([...flash.peek(NRF_IMAGE_OK, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    flash.disarmPowerCut();
    machine.powerCycle();
    machine.run(2_000_000);
    expect([...flash.peek(NRF_IMAGE_OK, 4)]).toEqual([0x01, 0xff, 0xff, 0xff]);
  });

  it('restores a snapshot (CPU, RAM, peripherals, flash) and replays the same run', () => {
    const { machine, flash } = bootApp();
    machine.run(500);
    expect(flash.journal).toHaveLength(0);
    const snapshot = machine.snapshot();
    const before = machine.consoleText.length;
    machine.run(2_000_000);
    const firstRun = machine.consoleText.slice(before);
    const firstJournal = flash.journal.length;
    machine.restore(snapshot);
    expect(flash.journal).toHaveLength(0);
    expect([...flash.peek(NRF_IMAGE_OK, 1)]).toEqual([0xff]);
    const mark = machine.consoleText.length;
    machine.run(2_000_000);
    expect(machine.consoleText.slice(mark)).toBe(firstRun);
    expect(flash.journal).toHaveLength(firstJournal);
  });
});

describe('the test app on stm32f429zi', () => {
  it('prints on USART3 and confirms with one byte program through FLASH_CR.PG', () => {
    const { machine, flash } = bootApp(stm32);
    machine.run(2_000_000);
    expect(machine.consoleText).toMatch(/^bootproof-app 1\.0\.0 slot=0\nbootproof-app: reset-reason=0x0e000000\n/);
    expect(flash.journal.map(({ kind, offset, length }) => ({ kind, offset, length }))).toEqual([
      { kind: 'program', offset: STM32_IMAGE_OK, length: 1 },
    ]);
  });

  it('hang is reset by the IWDG and reads IWDGRSTF | PINRSTF in RCC_CSR', () => {
    const { machine } = bootApp(stm32, 'hang');
    machine.run(4_000_000);
    expect(machine.resets[0]?.cause).toBe('watchdog');
    expect(machine.consoleText).toContain('bootproof-app: reset-reason=0x24000000\n');
  });
});

describe('the test app on nucleo_l552ze_q (ECC flash, double-word programming)', () => {
  it('confirms with one 8-byte program through the non-secure FLASH registers', () => {
    const { machine, flash } = bootApp(l5);
    machine.run(2_000_000);
    expect(machine.consoleText).toContain('bootproof-app: confirmed\n');
    expect(flash.journal.map(({ kind, offset, length }) => ({ kind, offset, length }))).toEqual([
      { kind: 'program', offset: L5_IMAGE_OK, length: 8 },
    ]);
  });

  it('boots into a bus fault after a torn cut on its confirm write: the torn double word fails its ECC check', () => {
    const { machine, flash } = bootApp(l5);
    flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 3 });
    expect(machine.run(2_000_000).reason).toBe('power-cut');
    flash.disarmPowerCut();
    machine.powerCycle();
    const mark = machine.consoleText.length;
    machine.run(2_000_000);
    expect(machine.consoleText.slice(mark)).toMatch(/^bootproof-app 1\.0\.0 slot=0\n.*\nbootproof-app: hardfault\n/);
    expect(machine.resets.map((reset) => reset.cause)).toContain('watchdog');
  });
});

describe('SoC behaviour seen from the CPU (assembly probes, images/firmware/probes)', () => {
  const probe = (name: string) => {
    const flash = new NorFlash(nrf.flash);
    const machine = machineWithFirmware(nrf, [readFirmware(firmwareFile(`${name}.elf`), nrf)], { flash });
    return { machine, flash };
  };

  it('a broken nWRITE budget (a third program of one nRF52 word) stops the run as a flash error', () => {
    const { machine, flash } = probe('nrf-nwrite-budget');
    const result = machine.run(1_000);
    expect(result.reason).toBe('flash-error');
    expect(result.error).toMatchObject({ rule: 'write-budget', offset: 0x1000 });
    expect(flash.journal.filter((op) => op.kind === 'program')).toHaveLength(2);
  });

  it('a core asleep in WFI is woken by the RTC1 COMPARE interrupt, 64 ticks of 32.768 kHz later', () => {
    const { machine } = probe('nrf-rtc-wake');
    const start = machine.nowUs;
    const result = machine.run(10_000);
    expect(result.reason).toBe('breakpoint');
    expect(result.instructions).toBeLessThan(100);
    expect(machine.nowUs - start).toBeGreaterThanOrEqual((64 * 1e6) / 32768);
    expect(machine.nowUs - start).toBeLessThan((65 * 1e6) / 32768);
  });
});
