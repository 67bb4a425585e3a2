/**
 * Builds the power driver a lab file names for a board.
 */
import type { PowerSettings } from './lab-file.ts';
import { CommandPower } from './power-command.ts';
import type { PowerControl } from './power-control.ts';
import { DtrRtsPower, type ModemLines } from './power-dtr-rts.ts';
import { ManualPower, type Prompter } from './power-manual.ts';
import { UhubctlPower } from './power-uhubctl.ts';

export interface PowerDeps {
  /** The board's serial port, for the DTR/RTS driver. */
  readonly port: string;
  /** Pause between off and on for drivers that have no cycle of their own. */
  readonly offMs: number;
  readonly openLines?: (port: string) => Promise<ModemLines>;
  readonly prompter?: Prompter;
  /** Names the board in what a person is asked. */
  readonly boardLabel: string;
}

export function makePowerControl(settings: PowerSettings, deps: PowerDeps): PowerControl {
  switch (settings.driver) {
    case 'command':
      return new CommandPower(settings, deps.offMs);
    case 'uhubctl':
      return new UhubctlPower(settings);
    case 'dtr-rts':
      return new DtrRtsPower(settings, deps.port, deps.offMs, deps.openLines);
    case 'manual':
      return new ManualPower(deps.boardLabel, deps.prompter);
  }
}
