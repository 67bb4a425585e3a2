import { describe, expect, it } from 'vitest';
import { APPLICATION_EXIT, type ConsoleStream, Semihosting, type SemihostingHost, SYS } from '../semihosting.ts';

/** A host over 4 KiB of memory at 0, a console that records what was written where, and scripted input. */
function host(input = ''): SemihostingHost & { memory: DataView; written: [ConsoleStream, string][]; ticksNow: number } {
  const memory = new DataView(new ArrayBuffer(4096));
  let next = 0;
  const h = {
    memory,
    written: [] as [ConsoleStream, string][],
    ticksNow: 0,
    read8: (a: number) => memory.getUint8(a),
    read32: (a: number) => memory.getInt32(a, true),
    write8: (a: number, v: number) => memory.setUint8(a, v),
    write32: (a: number, v: number) => memory.setUint32(a, v >>> 0, true),
    output: (text: string, stream: ConsoleStream) => h.written.push([stream, text]),
    input: () => (next < input.length ? input.charCodeAt(next++) : -1),
    ticks: () => h.ticksNow,
    tickHz: 25_000_000,
  };
  return h;
}

const putString = (h: ReturnType<typeof host>, at: number, text: string): void => {
  for (let i = 0; i < text.length; i++) h.memory.setUint8(at + i, text.charCodeAt(i));
  h.memory.setUint8(at + text.length, 0);
};
const putWords = (h: ReturnType<typeof host>, at: number, ...words: number[]): void => {
  words.forEach((w, i) => {
    h.memory.setUint32(at + 4 * i, w >>> 0, true);
  });
};
const returned = (result: ReturnType<Semihosting['call']>): number => {
  if (result.kind !== 'return') throw new Error(`expected a return, got ${JSON.stringify(result)}`);
  return result.value;
};

/** SYS_OPEN of `name` with `mode` (block at 0x100, name at 0x200). */
function open(s: Semihosting, h: ReturnType<typeof host>, name: string, mode: number): number {
  putString(h, 0x200, name);
  putWords(h, 0x100, 0x200, mode, name.length);
  return returned(s.call(h, SYS.OPEN, 0x100));
}

describe('semihosting: the console subset newlib and picolibc rdimon use', () => {
  it('opens ":tt" for reading, writing and appending as stdin, stdout and stderr, and writes to each', () => {
    const s = new Semihosting();
    const h = host();
    const stdin = open(s, h, ':tt', 0);
    const stdout = open(s, h, ':tt', 4);
    const stderr = open(s, h, ':tt', 8);
    expect(new Set([stdin, stdout, stderr]).size).toBe(3);
    expect(Math.min(stdin, stdout, stderr)).toBeGreaterThanOrEqual(0);
    putString(h, 0x300, 'hello\n');
    putWords(h, 0x110, stdout, 0x300, 6);
    expect(returned(s.call(h, SYS.WRITE, 0x110))).toBe(0);
    putWords(h, 0x110, stderr, 0x300, 5);
    expect(returned(s.call(h, SYS.WRITE, 0x110))).toBe(0);
    expect(h.written).toEqual([
      ['stdout', 'hello\n'],
      ['stderr', 'hello'],
    ]);
    // Writing to stdin fails: the result is the count of bytes not written, and errno says why.
    putWords(h, 0x110, stdin, 0x300, 6);
    expect(returned(s.call(h, SYS.WRITE, 0x110))).toBe(6);
    expect(returned(s.call(h, SYS.ERRNO, 0))).toBe(9);
    putWords(h, 0x120, stdout);
    expect(returned(s.call(h, SYS.ISTTY, 0x120))).toBe(1);
    expect(returned(s.call(h, SYS.CLOSE, 0x120))).toBe(0);
    expect(returned(s.call(h, SYS.CLOSE, 0x120))).toBe(-1);
    putWords(h, 0x110, stdout, 0x300, 6);
    expect(returned(s.call(h, SYS.WRITE, 0x110))).toBe(6);
  });

  it('serves ":semihosting-features" with EXIT_EXTENDED and STDOUT_STDERR, readable through SEEK, FLEN and READ', () => {
    const s = new Semihosting();
    const h = host();
    const features = open(s, h, ':semihosting-features', 0);
    putWords(h, 0x120, features);
    expect(returned(s.call(h, SYS.FLEN, 0x120))).toBe(5);
    expect(returned(s.call(h, SYS.ISTTY, 0x120))).toBe(0);
    putWords(h, 0x130, features, 4);
    expect(returned(s.call(h, SYS.SEEK, 0x130))).toBe(0);
    putWords(h, 0x140, features, 0x400, 8);
    expect(returned(s.call(h, SYS.READ, 0x140))).toBe(7);
    expect(h.memory.getUint8(0x400)).toBe(0x03);
    putWords(h, 0x130, features, 0);
    s.call(h, SYS.SEEK, 0x130);
    putWords(h, 0x140, features, 0x400, 4);
    expect(returned(s.call(h, SYS.READ, 0x140))).toBe(0);
    expect(String.fromCharCode(...new Uint8Array(h.memory.buffer, 0x400, 4))).toBe('SHFB');
    expect(open(s, h, 'host-file.txt', 0)).toBe(-1);
    expect(returned(s.call(h, SYS.ERRNO, 0))).toBe(2);
  });

  it('prints through WRITEC and WRITE0, and reads the console through READC and READ (a line at a time)', () => {
    const s = new Semihosting();
    const h = host('ab\ncd');
    putString(h, 0x300, 'xyz');
    s.call(h, SYS.WRITEC, 0x301);
    s.call(h, SYS.WRITE0, 0x300);
    expect(h.written.map(([, t]) => t).join('')).toBe('yxyz');
    expect(returned(s.call(h, SYS.READC, 0))).toBe(0x61);
    const stdin = open(s, h, ':tt', 0);
    putWords(h, 0x140, stdin, 0x400, 10);
    expect(returned(s.call(h, SYS.READ, 0x140))).toBe(8);
    expect(h.memory.getUint16(0x400, true)).toBe(0x0a62);
    expect(returned(s.call(h, SYS.READ, 0x140))).toBe(8);
    expect(returned(s.call(h, SYS.READ, 0x140))).toBe(10);
    expect(returned(s.call(h, SYS.READC, 0))).toBe(-1);
  });

  it('tells virtual time: CLOCK in centiseconds, TIME in seconds, ELAPSED in ticks of TICKFREQ', () => {
    const s = new Semihosting();
    const h = host();
    h.ticksNow = 25_000_000 * 3 + 250_000 * 7 + 5;
    expect(returned(s.call(h, SYS.CLOCK, 0))).toBe(307);
    expect(returned(s.call(h, SYS.TIME, 0))).toBe(3);
    expect(returned(s.call(h, SYS.TICKFREQ, 0))).toBe(25_000_000);
    h.ticksNow = 2 ** 33 + 17;
    expect(returned(s.call(h, SYS.ELAPSED, 0x500))).toBe(0);
    expect([h.memory.getUint32(0x500, true), h.memory.getUint32(0x504, true)]).toEqual([17, 2]);
  });

  it('answers HEAPINFO through the pointer it is given, and GET_CMDLINE into the caller\'s buffer', () => {
    const s = new Semihosting({ commandLine: 'app -v', heapInfo: [0x20001000, 0x20002000, 0x20008000, 0x20004000] });
    const h = host();
    putWords(h, 0x100, 0x180);
    expect(returned(s.call(h, SYS.HEAPINFO, 0x100))).toBe(0);
    expect([0, 1, 2, 3].map((i) => h.memory.getUint32(0x180 + 4 * i, true))).toEqual([0x20001000, 0x20002000, 0x20008000, 0x20004000]);
    putWords(h, 0x110, 0x600, 80);
    expect(returned(s.call(h, SYS.GET_CMDLINE, 0x110))).toBe(0);
    expect(h.memory.getUint32(0x114, true)).toBe(6);
    expect(String.fromCharCode(...new Uint8Array(h.memory.buffer, 0x600, 7))).toBe('app -v\0');
    putWords(h, 0x110, 0x600, 6);
    expect(returned(s.call(h, SYS.GET_CMDLINE, 0x110))).toBe(-1);
    expect(new Semihosting().call(h, SYS.HEAPINFO, 0x100)).toEqual({ kind: 'return', value: 0 });
    expect(h.memory.getUint32(0x180, true)).toBe(0);
  });

  it('exits with the status of SYS_EXIT_EXTENDED, 0 for SYS_EXIT with ApplicationExit, 1 for any other reason', () => {
    const s = new Semihosting();
    const h = host();
    putWords(h, 0x100, APPLICATION_EXIT, 42);
    expect(s.call(h, SYS.EXIT_EXTENDED, 0x100)).toEqual({ kind: 'exit', status: 42 });
    putWords(h, 0x100, 0x20023, 42);
    expect(s.call(h, SYS.EXIT_EXTENDED, 0x100)).toEqual({ kind: 'exit', status: 1 });
    expect(s.call(h, SYS.EXIT, APPLICATION_EXIT)).toEqual({ kind: 'exit', status: 0 });
    expect(s.call(h, SYS.EXIT, 0x20023)).toEqual({ kind: 'exit', status: 1 });
    expect(s.call(h, 0x0e, 0)).toEqual({ kind: 'return', value: -1 });
  });

  it('keeps its handles in a snapshot and closes them all on reset', () => {
    const s = new Semihosting();
    const h = host();
    const stdout = open(s, h, ':tt', 4);
    const saved = s.state();
    s.reset();
    putWords(h, 0x120, stdout);
    expect(returned(s.call(h, SYS.ISTTY, 0x120))).toBe(-1);
    s.restoreState(saved);
    expect(returned(s.call(h, SYS.ISTTY, 0x120))).toBe(1);
  });
});
