/**
 * ARM semihosting over BKPT 0xAB (the Thumb form on M-profile): r0 holds the operation, r1 the parameter (a
 * value or the address of a parameter block); the result goes back in r0. Only console output and exit are
 * served; any other operation returns -1, as a host that does not implement it would.
 */

export const SEMIHOSTING_BKPT = 0xab;

const SYS_WRITEC = 0x03;
const SYS_WRITE0 = 0x04;
const SYS_WRITE = 0x05;
const SYS_EXIT = 0x18;
const SYS_EXIT_EXTENDED = 0x20;
/** ADP_Stopped_ApplicationExit: the reason that means "exit with a status" (0 for plain SYS_EXIT). */
const APPLICATION_EXIT = 0x20026;
/** Guards SYS_WRITE0 against a string that never ends. */
const MAX_STRING = 1 << 20;

export interface SemihostingHost {
  read8(address: number): number;
  read32(address: number): number;
  output(text: string): void;
}

export type SemihostingResult = { kind: 'return'; value: number } | { kind: 'exit'; status: number };

export function semihostingCall(host: SemihostingHost, operation: number, parameter: number): SemihostingResult {
  switch (operation) {
    case SYS_WRITEC:
      host.output(String.fromCharCode(host.read8(parameter)));
      return { kind: 'return', value: 0 };
    case SYS_WRITE0: {
      let text = '';
      for (let a = parameter, n = 0; n < MAX_STRING; a++, n++) {
        const byte = host.read8(a);
        if (byte === 0) break;
        text += String.fromCharCode(byte);
      }
      host.output(text);
      return { kind: 'return', value: 0 };
    }
    case SYS_WRITE: {
      const handle = host.read32(parameter);
      const buffer = host.read32(parameter + 4);
      const length = host.read32(parameter + 8) >>> 0;
      if (handle !== 1 && handle !== 2) return { kind: 'return', value: length };
      let text = '';
      for (let i = 0; i < Math.min(length, MAX_STRING); i++) text += String.fromCharCode(host.read8(buffer + i));
      host.output(text);
      return { kind: 'return', value: 0 };
    }
    case SYS_EXIT:
      return { kind: 'exit', status: parameter >>> 0 === APPLICATION_EXIT ? 0 : 1 };
    case SYS_EXIT_EXTENDED: {
      const reason = host.read32(parameter) >>> 0;
      const subcode = host.read32(parameter + 4);
      return { kind: 'exit', status: reason === APPLICATION_EXIT ? subcode : 1 };
    }
    default:
      return { kind: 'return', value: -1 };
  }
}
