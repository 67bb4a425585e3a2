/**
 * `bootproof serve` without the CLI: a ServedBoard on the device end of a socat pseudo-terminal pair, with its
 * control socket. The host end is what a lab file names as the board's port.
 */

import { rmSync } from 'node:fs';
import type { Server } from 'node:net';
import type { Board } from '../../boards/types.ts';
import type { Bootloader, ImageConfig, TrustPolicy } from '../../emulator/boot/index.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import { openPtyPair, SerialTransport, socatMissing } from '../serial/index.ts';
import { defaultControlPath, listenControl } from './control.ts';
import { ServedBoard } from './served-board.ts';

export interface ServeOptions {
  readonly board: Board;
  readonly config: ImageConfig;
  readonly bootloader: Bootloader;
  readonly trust: TrustPolicy;
  readonly controlPath?: string;
  readonly speedup?: number;
  readonly seed?: number;
  /** Programmed into the first image's primary slot before the first power-on (a factory image); else empty flash. */
  readonly factory?: Uint8Array;
  /** Lines about what the board does (cuts, programming), for the terminal `serve` runs in. */
  readonly log?: (text: string) => void;
}

export interface ServeSession {
  readonly board: ServedBoard;
  /** The pty a lab file names as the port. */
  readonly port: string;
  readonly controlPath: string;
  /** Pulls the cable: the pty goes away, the board and its control socket stay. */
  unplug(): Promise<void>;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<ServeSession> {
  const missing = await socatMissing();
  if (missing) throw new BootproofError(`serve: ${missing}`);
  const pty = await openPtyPair();
  let transport: SerialTransport;
  try {
    transport = await SerialTransport.open({ path: pty.devicePath });
  } catch (error) {
    await pty.close();
    throw error;
  }
  const board = new ServedBoard({
    ...options,
    send: (bytes) => {
      transport.write(bytes).catch(() => undefined); // the pty went away: the board talks to no one
    },
  });
  transport.onData((bytes) => board.receive(bytes));
  const controlPath = options.controlPath ?? defaultControlPath();
  let control: Server;
  try {
    control = await listenControl(controlPath, board, options.log);
  } catch (error) {
    await transport.close();
    await pty.close();
    if (error instanceof BootproofError) throw error;
    throw new BootproofError(`serve: cannot listen on control socket ${controlPath}: ${(error as Error).message}`);
  }
  if (options.factory) board.program(options.board.partitions.images[0].primary.offset, options.factory);
  board.powerOn();
  return {
    board,
    port: pty.hostPath,
    controlPath,
    unplug: () => pty.close(),
    close: async () => {
      board.powerOff();
      await new Promise<void>((resolve) => control.close(() => resolve()));
      rmSync(controlPath, { force: true });
      await transport.close();
      await pty.close();
    },
  };
}
