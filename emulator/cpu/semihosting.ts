/**
 * ARM semihosting over BKPT 0xAB (the Thumb form on M-profile): r0 holds the operation, r1 the parameter (a
 * value or the address of a parameter block); the result goes back in r0. Served: the console subset that
 * newlib's and picolibc's `--specs=rdimon` start-up and stdio use (Semihosting for AArch32 and AArch64, v2.0):
 * the console ":tt" opened for reading, writing and appending, the ":semihosting-features" file (extensions
 * SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR), console I/O, clocks, heap information, the command line,
 * errno and exit. There is no host file system: opening any other name fails with ENOENT, and every other
 * operation returns -1, as a host that does not implement it would.
 *
 * Time is virtual (the core's cycle count), so a run replays identically: SYS_CLOCK, SYS_TIME and SYS_ELAPSED
 * count from power-on, SYS_TIME from the epoch's first second.
 */

export const SEMIHOSTING_BKPT = 0xab;

export const SYS = {
  OPEN: 0x01,
  CLOSE: 0x02,
  WRITEC: 0x03,
  WRITE0: 0x04,
  WRITE: 0x05,
  READ: 0x06,
  READC: 0x07,
  ISERROR: 0x08,
  ISTTY: 0x09,
  SEEK: 0x0a,
  FLEN: 0x0c,
  CLOCK: 0x10,
  TIME: 0x11,
  ERRNO: 0x13,
  GET_CMDLINE: 0x15,
  HEAPINFO: 0x16,
  EXIT: 0x18,
  EXIT_EXTENDED: 0x20,
  ELAPSED: 0x30,
  TICKFREQ: 0x31,
} as const;

/** ADP_Stopped_ApplicationExit: the reason that means "exit with a status" (0 for plain SYS_EXIT). */
export const APPLICATION_EXIT = 0x20026;
/** Guards SYS_WRITE0 and SYS_WRITE against a string that never ends. */
const MAX_STRING = 1 << 20;
/** The magic and the one feature byte of ":semihosting-features": SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR. */
const FEATURES = Uint8Array.from([0x53, 0x48, 0x46, 0x42, 0x03]);
/** The errno values a host reports (newlib's numbering). */
const ENOENT = 2;
const EBADF = 9;
const EINVAL = 22;
const ESPIPE = 29;

export type ConsoleStream = 'stdout' | 'stderr';

/** What the semihosting calls need from the core: memory, the console, and virtual time. */
export interface SemihostingHost {
  read8(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write32(address: number, value: number): void;
  output(text: string, stream: ConsoleStream): void;
  /** The next console input byte, or -1 when there is none (end of input). */
  input(): number;
  /** Ticks since power-on (the core's cycles) and how many make a second. */
  ticks(): number;
  readonly tickHz: number;
}

export interface SemihostingConfig {
  /** What SYS_GET_CMDLINE returns (default empty: argc 0). */
  commandLine?: string;
  /** SYS_HEAPINFO's heap base, heap limit, stack base, stack limit; zeros (the default) let the C library use its linker symbols. */
  heapInfo?: readonly [number, number, number, number];
}

export type SemihostingResult = { kind: 'return'; value: number } | { kind: 'exit'; status: number };

type OpenFile = { kind: 'console'; stream: 'stdin' | ConsoleStream } | { kind: 'features'; position: number };

/**
 * The host's side of semihosting for one core: the open handles and errno live here, so a snapshot of the
 * core carries them (`state()` / `restoreState()`), and a reset closes everything.
 */
export class Semihosting {
  private files = new Map<number, OpenFile>();
  private errno = 0;

  constructor(private readonly config: SemihostingConfig = {}) {
    this.reset();
  }

  reset(): void {
    // Handles 1 and 2 write to the console without an open: firmware written for hosts that pre-open them
    // (as a POSIX process has) still prints. Opened handles are numbered from 3.
    this.files = new Map<number, OpenFile>([
      [1, { kind: 'console', stream: 'stdout' }],
      [2, { kind: 'console', stream: 'stderr' }],
    ]);
    this.errno = 0;
  }

  state(): { files: [number, OpenFile][]; errno: number } {
    return { files: [...this.files].map(([handle, file]) => [handle, { ...file }]), errno: this.errno };
  }

  restoreState(state: ReturnType<Semihosting['state']>): void {
    this.files = new Map(state.files.map(([handle, file]) => [handle, { ...file }]));
    this.errno = state.errno;
  }

  call(host: SemihostingHost, operation: number, parameter: number): SemihostingResult {
    const word = (i: number): number => host.read32(parameter + 4 * i);
    const value = (v: number): SemihostingResult => ({ kind: 'return', value: v | 0 });
    const fail = (errno: number): SemihostingResult => {
      this.errno = errno;
      return value(-1);
    };
    switch (operation) {
      case SYS.OPEN:
        return this.open(readString(host, word(0), word(2) >>> 0), word(1) >>> 0, fail);
      case SYS.CLOSE:
        return this.files.delete(word(0)) ? value(0) : fail(EBADF);
      case SYS.WRITEC:
        host.output(String.fromCharCode(host.read8(parameter)), 'stdout');
        return value(0);
      case SYS.WRITE0:
        host.output(readString(host, parameter), 'stdout');
        return value(0);
      case SYS.WRITE: {
        const file = this.files.get(word(0));
        const length = word(2) >>> 0;
        if (file?.kind !== 'console' || file.stream === 'stdin') return this.failWith(EBADF, length);
        host.output(readString(host, word(1), Math.min(length, MAX_STRING)), file.stream);
        return value(0);
      }
      case SYS.READ:
        return this.read(host, word(0), word(1), word(2) >>> 0, fail);
      case SYS.READC:
        return value(host.input());
      case SYS.ISERROR:
        return value(word(0) < 0 ? 1 : 0);
      case SYS.ISTTY: {
        const file = this.files.get(word(0));
        if (file === undefined) return fail(EBADF);
        return value(file.kind === 'console' ? 1 : 0);
      }
      case SYS.SEEK: {
        const file = this.files.get(word(0));
        if (file === undefined) return fail(EBADF);
        if (file.kind === 'console') return fail(ESPIPE);
        const position = word(1);
        if (position < 0) return fail(EINVAL);
        file.position = position;
        return value(0);
      }
      case SYS.FLEN: {
        const file = this.files.get(word(0));
        if (file === undefined) return fail(EBADF);
        return value(file.kind === 'features' ? FEATURES.length : 0);
      }
      case SYS.CLOCK:
        return value(Math.floor((host.ticks() * 100) / host.tickHz));
      case SYS.TIME:
        return value(Math.floor(host.ticks() / host.tickHz));
      case SYS.ELAPSED: {
        const ticks = host.ticks();
        host.write32(parameter, ticks >>> 0);
        host.write32(parameter + 4, Math.floor(ticks / 2 ** 32));
        return value(0);
      }
      case SYS.TICKFREQ:
        return value(host.tickHz);
      case SYS.ERRNO:
        return value(this.errno);
      case SYS.GET_CMDLINE:
        return this.commandLine(host, parameter, fail);
      case SYS.HEAPINFO: {
        const block = host.read32(parameter);
        const info = this.config.heapInfo ?? [0, 0, 0, 0];
        info.forEach((v, i) => {
          host.write32(block + 4 * i, v);
        });
        return value(0);
      }
      case SYS.EXIT:
        return { kind: 'exit', status: parameter >>> 0 === APPLICATION_EXIT ? 0 : 1 };
      case SYS.EXIT_EXTENDED:
        return { kind: 'exit', status: word(0) >>> 0 === APPLICATION_EXIT ? word(1) : 1 };
      default:
        return value(-1);
    }
  }

  /** SYS_WRITE's failure result: the number of bytes not written. */
  private failWith(errno: number, notWritten: number): SemihostingResult {
    this.errno = errno;
    return { kind: 'return', value: notWritten | 0 };
  }

  /** ":tt" with modes 0–3 (r) is stdin, 4–7 (w) stdout, 8–11 (a) stderr, as the semihosting spec assigns them. */
  private open(name: string, mode: number, fail: (errno: number) => SemihostingResult): SemihostingResult {
    let file: OpenFile;
    if (name === ':tt' && mode <= 11) file = { kind: 'console', stream: mode < 4 ? 'stdin' : mode < 8 ? 'stdout' : 'stderr' };
    else if (name === ':semihosting-features' && mode <= 1) file = { kind: 'features', position: 0 };
    else return fail(name === ':tt' || name === ':semihosting-features' ? EINVAL : ENOENT);
    let handle = 3;
    while (this.files.has(handle)) handle++;
    this.files.set(handle, file);
    return { kind: 'return', value: handle };
  }

  /** Returns the number of bytes NOT read (0: all of them; `length`: end of file). */
  private read(host: SemihostingHost, handle: number, buffer: number, length: number, fail: (errno: number) => SemihostingResult): SemihostingResult {
    const file = this.files.get(handle);
    if (file === undefined || (file.kind === 'console' && file.stream !== 'stdin')) return fail(EBADF);
    let done = 0;
    if (file.kind === 'features') {
      for (; done < length && file.position < FEATURES.length; done++) host.write8(buffer + done, FEATURES[file.position++]);
    } else {
      for (; done < length; done++) {
        const byte = host.input();
        if (byte < 0) break;
        host.write8(buffer + done, byte);
        if (byte === 0x0a) {
          done++;
          break;
        }
      }
    }
    return { kind: 'return', value: length - done };
  }

  /** Writes the command line, NUL-terminated, into the caller's buffer and its length into the block. */
  private commandLine(host: SemihostingHost, block: number, fail: (errno: number) => SemihostingResult): SemihostingResult {
    const text = this.config.commandLine ?? '';
    const buffer = host.read32(block);
    const size = host.read32(block + 4) >>> 0;
    if (text.length + 1 > size) return fail(EINVAL);
    for (let i = 0; i < text.length; i++) host.write8(buffer + i, text.charCodeAt(i) & 0xff);
    host.write8(buffer + text.length, 0);
    host.write32(block + 4, text.length);
    return { kind: 'return', value: 0 };
  }
}

/** `length` bytes from `address` (without a length: up to a NUL), as latin1 text. */
function readString(host: SemihostingHost, address: number, length?: number): string {
  let text = '';
  for (let i = 0; i < (length ?? MAX_STRING); i++) {
    const byte = host.read8(address + i);
    if (byte === 0 && length === undefined) break;
    text += String.fromCharCode(byte);
  }
  return text;
}
