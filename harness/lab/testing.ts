/**
 * Test helpers: an emulated board served on a real socat pty, and a lab file that drives it through its control
 * socket with socat one-liners (fast enough to cut a boot part-way).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../../boards/index.ts';
import type { Bootloader, DowngradePrevention } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';
import { boardConfig } from '../context.ts';
import { Fixtures } from '../fixtures.ts';
import { type LabEntry, loadLabEntry } from './lab-file.ts';
import { makePowerControl } from './power.ts';
import { SerialDevice } from './serial-device.ts';
import { type ServeSession, startServe } from './serve-session.ts';

export const RUNNING = 'bootproof-app (?<version>\\S+) slot=(?<slot>\\d)';
export const HALTED = 'bootproof-boot (?:halted|fault): (?<reason>.*)';

/** A shell command that sends `command` to the control socket and fails unless the board answered ok. */
export function controlCommand(socket: string, command: string): string {
  return `echo ${command} | socat - UNIX-CONNECT:${socket} | grep -q '^ok'`;
}

export interface ServedLab {
  readonly session: ServeSession;
  readonly entry: LabEntry;
  readonly labFile: string;
  /** Opens a SerialDevice on the served board, as `run --lab` does. */
  openDevice(): Promise<SerialDevice>;
  close(): Promise<void>;
}

export interface ServedLabOptions {
  readonly board?: string;
  readonly bootloader?: Bootloader;
  readonly downgradePrevention?: DowngradePrevention;
  readonly seed?: number;
  readonly speedup?: number;
  /** Cut points per action (default 1, for speed); 'lab default' leaves the lab file's default in place. */
  readonly points?: number | 'lab default';
  /** The lab file's boot timeout (default 3 s). */
  readonly bootMs?: number;
}

export async function serveLab(options: ServedLabOptions = {}): Promise<ServedLab> {
  const board = loadBoard(options.board ?? 'nrf52840dk');
  const downgradePrevention = options.downgradePrevention ?? 'none';
  const config = { ...boardConfig(board, {}), downgradePrevention };
  const session = await startServe({
    board,
    config,
    bootloader: options.bootloader ?? new ReferenceBootloader(),
    trust: new Fixtures(board, config, options.seed ?? 1).trust(),
    speedup: options.speedup ?? 20,
  });
  const socket = session.controlPath;
  const labFile = join(mkdtempSync(join(tmpdir(), 'bootproof-lab-')), 'lab.json');
  const lab = {
    boards: {
      served: {
        board: board.name,
        port: session.port,
        console: { running: RUNNING, halt: HALTED },
        power: { driver: 'command', on: controlCommand(socket, 'on'), off: controlCommand(socket, 'off') },
        factory: { method: 'probe', command: controlCommand(socket, 'program {hex}') },
        bootloader: { downgradePrevention },
        timeouts: { bootMs: options.bootMs ?? 3000, smpMs: 1000, offMs: 0 },
        ...(options.points === 'lab default' ? {} : { sweep: { points: options.points ?? 1 } }),
      },
    },
  };
  writeFileSync(labFile, JSON.stringify(lab, null, 2));
  const entry = loadLabEntry(labFile, 'served');
  return {
    session,
    entry,
    labFile,
    openDevice: () =>
      SerialDevice.open({
        id: entry.id,
        settings: entry.settings,
        board,
        power: makePowerControl(entry.settings.power, { port: session.port, offMs: 0, boardLabel: 'served' }),
      }),
    close: () => session.close(),
  };
}
