/**
 * Forking a whole emulated device (CPU, RAM, peripherals, flash): snapshot and restore of a machine that has
 * booted the test app to just before its confirm write, against the baseline a sweep would otherwise pay —
 * replaying the boot from power-on to the same instruction.
 */
import { fileURLToPath } from 'node:url';
import { loadBoard } from '../boards/index.ts';
import { type Machine, machineWithFirmware, readFirmware } from '../emulator/soc/index.ts';

export const title = 'SoC: machine snapshot/restore vs replaying the boot (test app up to its confirm write)';

const REPEATS = 200;

function boot(boardName: string): { machine: Machine; instructions: number } {
  const board = loadBoard(boardName);
  const file = fileURLToPath(new URL(`../images/firmware/build/app-${boardName}-confirm-v1.0.0.elf`, import.meta.url));
  const machine = machineWithFirmware(board, [readFirmware(file, board)]);
  let instructions = 0;
  while (machine.flash.opCount === 0 && instructions < 10_000_000) instructions += machine.run(50).instructions;
  return { machine, instructions };
}

function microseconds(action: () => void, repeats: number): number {
  for (let i = 0; i < 10; i++) action();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) action();
  return ((performance.now() - start) * 1000) / repeats;
}

export function run(): void {
  for (const boardName of ['nrf52840dk', 'stm32f429zi']) {
    const { machine, instructions } = boot(boardName);
    const snapshot = machine.snapshot();
    const snapshotUs = microseconds(() => machine.snapshot(), REPEATS);
    const restoreUs = microseconds(() => machine.restore(snapshot), REPEATS);
    const replayUs = microseconds(() => boot(boardName), 10);
    console.log(
      `${boardName.padEnd(12)} snapshot ${snapshotUs.toFixed(0).padStart(5)} us   restore ${restoreUs.toFixed(0).padStart(5)} us   ` +
        `replay of ${instructions} instructions from power-on ${replayUs.toFixed(0).padStart(6)} us   restore is ${(replayUs / restoreUs).toFixed(0)}x faster`,
    );
  }
}
