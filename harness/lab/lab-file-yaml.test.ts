/** Lab files written in YAML: the same boards as JSON, and the same errors naming file and field, with the line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabFileError, loadLabEntry, parseLabFile } from './lab-file.ts';

// The README's lab file, in YAML: regular expressions need no doubled backslashes in plain or single-quoted scalars.
const LAB_YAML = `boards:
  dk1:
    board: nrf52840dk
    port: /dev/serial/by-id/usb-SEGGER_J-Link_000683012345-if00
    baud: 115200
    flowControl: none
    console:
      running: 'bootproof-app (?<version>\\S+) slot=(?<slot>\\d)'
      halt: 'Unable to find bootable image|bootproof-boot halted: (?<reason>.*)'
    power: { driver: uhubctl, location: 1-1.4, port: 2 }
    factory:
      method: probe
      command: nrfjprog -f nrf52 --program {hex} --sectorerase --verify
    bootloader: { downgradePrevention: none, hardwareRollback: false }
    timeouts: { bootMs: 30000, smpMs: 3000, offMs: 500 }
    sweep: { points: 4 }
`;

const LAB_JSON = {
  boards: {
    dk1: {
      board: 'nrf52840dk',
      port: '/dev/serial/by-id/usb-SEGGER_J-Link_000683012345-if00',
      baud: 115200,
      flowControl: 'none',
      console: {
        running: 'bootproof-app (?<version>\\S+) slot=(?<slot>\\d)',
        halt: 'Unable to find bootable image|bootproof-boot halted: (?<reason>.*)',
      },
      power: { driver: 'uhubctl', location: '1-1.4', port: 2 },
      factory: { method: 'probe', command: 'nrfjprog -f nrf52 --program {hex} --sectorerase --verify' },
      bootloader: { downgradePrevention: 'none', hardwareRollback: false },
      timeouts: { bootMs: 30000, smpMs: 3000, offMs: 500 },
      sweep: { points: 4 },
    },
  },
};

function errorOf(text: string, file = 'lab.yaml'): LabFileError {
  try {
    parseLabFile(text, file);
  } catch (error) {
    if (error instanceof LabFileError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('lab file in YAML', () => {
  it('reads the same boards as the same file in JSON', () => {
    expect(parseLabFile(LAB_YAML, 'lab.yaml')).toEqual(parseLabFile(JSON.stringify(LAB_JSON), 'lab.json'));
    expect(parseLabFile(LAB_YAML, 'lab.yml').dk1.console.running).toBe('bootproof-app (?<version>\\S+) slot=(?<slot>\\d)');
  });

  it.each([
    ['driver: uhubctl', 'driver: relay', /^lab file lab\.yaml: boards\.dk1\.power\.driver \(line 10\): .*'command' \| 'uhubctl' \| 'dtr-rts' \| 'manual'/],
    ['baud: 115200', 'baud: fast', /^lab file lab\.yaml: boards\.dk1\.baud \(line 5\): .*expected number/],
    ['flowControl: none', 'flowControl: none\n    prot: x', /^lab file lab\.yaml: boards\.dk1 \(line 3\): Unrecognized key: "prot"/],
    ["running: 'bootproof-app (?<version>\\S+) slot=(?<slot>\\d)'", "running: 'app (\\S+)'", /boards\.dk1\.console\.running \(line 8\): expected a named group \(\?<version>…\)/],
    ['    port: /dev/serial/by-id/usb-SEGGER_J-Link_000683012345-if00\n', '', /^lab file lab\.yaml: boards\.dk1\.port \(line 3\): .*expected string/],
  ])('names the file, the field, its line and what was expected (%#)', (from, to, message) => {
    const error = errorOf(LAB_YAML.replace(from, to));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it('names the line and column of YAML that does not parse, and refuses a key given twice', () => {
    expect(errorOf('boards:\n  dk1: [unclosed\n').message).toMatch(/^lab file lab\.yaml: not valid YAML: line \d+, column \d+: /);
    expect(errorOf(`${LAB_YAML}    baud: 9600\n`).message).toMatch(/^lab file lab\.yaml: not valid YAML: line 17, column 5: Map keys must be unique/);
    expect(errorOf('- just\n- a list\n').message).toMatch(/^lab file lab\.yaml: \(top level\) \(line 1\): .*expected object/);
  });

  it('is chosen by the extension: a .json file is still parsed as JSON', () => {
    expect(errorOf(LAB_YAML, 'lab.json').message).toMatch(/^lab file lab\.json: not valid JSON/);
  });

  it('loads a board by id from a .yaml file, resolving a board file against its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootproof-lab-yaml-'));
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, LAB_YAML.replace('board: nrf52840dk', 'board: boards/mine.json'));
    expect(loadLabEntry(file, 'dk1').board).toBe(join(dir, 'boards/mine.json'));
    expect(() => loadLabEntry(file, 'dk9')).toThrow(/lab file .*lab\.yaml: no board 'dk9'; it has dk1/);
  });
});
