/**
 * The served board's control channel: a Unix socket that takes one command per line and answers one line
 * (`ok <state> …` or `error <why>`). It is the board's power switch, recovery button and debug probe, so the lab's
 * `command` power driver can cut and restore power exactly as a relay would (`bootproof serve-ctl`, or any client:
 * `echo off | socat - UNIX-CONNECT:<socket>`).
 */
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BootproofError, UsageError } from '../../emulator/common/errors.ts';
import { readInputFile } from '../../emulator/common/files.ts';
import { fromIntelHex } from '../../images/index.ts';
import type { ServedBoard } from './served-board.ts';

export const CONTROL_COMMANDS = ['on', 'off', 'cycle', 'status', 'button on', 'button off', 'program <hex file>'] as const;

export class ServeControlError extends BootproofError {
  constructor(socket: string, message: string) {
    super(`control socket ${socket}: ${message}`, { exitCode: 1 });
  }
}

let served = 0;

/** A socket path of its own for each board this process serves. */
export function defaultControlPath(): string {
  served++;
  return join(tmpdir(), `bootproof-serve-${process.pid}-${served}.sock`);
}

/** Runs one command on the board; the answer's first word is `ok` or `error`. */
export function controlCommand(board: ServedBoard, line: string, log: (text: string) => void = () => undefined): string {
  const [verb, ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  try {
    switch (verb) {
      case 'on':
        board.powerOn();
        return `ok ${board.state}`;
      case 'off': {
        const cut = board.powerOff();
        if (cut.landed) {
          const { op, outcome, seed, afterUs } = cut.landed;
          log(`power cut ${afterUs} us into the boot: operation ${op} ${outcome} (seed ${seed})`);
          return `ok off cut op ${op} ${outcome} seed ${seed}`;
        }
        return 'ok off';
      }
      case 'cycle':
        board.powerOff();
        board.powerOn();
        return `ok ${board.state}`;
      case 'status':
        return `ok ${board.state}${board.recoveryButton ? ' button' : ''}`;
      case 'button':
        if (arg !== 'on' && arg !== 'off') return `error expected 'button on' or 'button off'`;
        board.recoveryButton = arg === 'on';
        return `ok ${board.state}${board.recoveryButton ? ' button' : ''}`;
      case 'program': {
        if (!arg) return 'error expected program <intel hex file>';
        const { baseAddress, bytes } = fromIntelHex(Buffer.from(readInputFile(arg)).toString('latin1'), { file: arg });
        board.program(baseAddress - board.board.memory.flash.base, bytes);
        return `ok ${board.state} programmed ${bytes.length} bytes at 0x${baseAddress.toString(16)}`;
      }
      default:
        return `error unknown command '${line.trim()}': expected ${CONTROL_COMMANDS.join(', ')}`;
    }
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
}

export async function listenControl(path: string, board: ServedBoard, log?: (text: string) => void): Promise<Server> {
  if (existsSync(path)) {
    const stat = lstatSync(path);
    if (!stat.isSocket()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFile() ? 'a regular file' : 'not a socket';
      throw new UsageError(`--control ${path}: exists and is ${kind}, not a socket: bootproof replaces only a stale control socket`);
    }
    const live = await sendControl(path, 'status', 1000).then(
      () => true,
      () => false,
    );
    if (live) throw new UsageError(`control socket ${path}: another \`bootproof serve\` answers on it: pick another --control path`);
    rmSync(path, { force: true }); // left behind by a serve that did not end cleanly
  }
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    const lines = createInterface({ input: socket });
    lines.on('error', () => undefined); // a client that went away: nothing to answer
    lines.on('line', (line) => {
      if (line.trim() !== '') socket.write(`${controlCommand(board, line, log)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return server;
}

/** Sends one command and resolves to the answer line; rejects with a ServeControlError on `error …` or no answer. */
export function sendControl(path: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const fail = (message: string) => {
      socket.destroy();
      reject(new ServeControlError(path, message));
    };
    const timer = setTimeout(() => fail(`no answer to '${command}' within ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      fail(`cannot connect: ${error.message} (is \`bootproof serve\` running?)`);
    });
    socket.on('connect', () => {
      socket.write(`${command}\n`);
      const lines = createInterface({ input: socket });
      lines.on('error', () => undefined); // the socket's own error listener reports it
      lines.once('line', (answer) => {
        clearTimeout(timer);
        socket.end();
        if (answer.startsWith('ok')) resolve(answer);
        else fail(answer.replace(/^error /, ''));
      });
    });
  });
}
