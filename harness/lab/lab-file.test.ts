import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabFileError, loadLabEntry, parseLabFile } from './lab-file.ts';

const board = {
  board: 'nrf52840dk',
  port: '/dev/ttyACM0',
  console: { running: 'bootproof-app (?<version>\\S+) slot=(?<slot>\\d)' },
  power: { driver: 'uhubctl', location: '1-1.4', port: 2 },
  factory: { method: 'probe', command: 'nrfjprog -f nrf52 --program {hex} --sectorerase --verify' },
};

function errorOf(boards: unknown): LabFileError {
  try {
    parseLabFile(JSON.stringify({ boards }), 'lab.json');
  } catch (error) {
    if (error instanceof LabFileError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('lab file', () => {
  it('fills the defaults of a minimal board', () => {
    const parsed = parseLabFile(JSON.stringify({ boards: { dk1: board } }), 'lab.json').dk1;
    expect(parsed.baud).toBe(115200);
    expect(parsed.flowControl).toBe('none');
    expect(parsed.timeouts).toEqual({ bootMs: 30_000, smpMs: 3_000, offMs: 500 });
    expect(parsed.power).toEqual({ driver: 'uhubctl', location: '1-1.4', port: 2, command: 'uhubctl', timeoutMs: 10_000 });
    expect(parsed.bootloader).toEqual({ downgradePrevention: 'none', hardwareRollback: false });
  });

  it.each([
    [{ dk1: { ...board, power: { driver: 'relay' } } }, /boards\.dk1\.power\.driver: .*'command' \| 'uhubctl' \| 'dtr-rts' \| 'manual'/],
    [{ dk1: { ...board, console: { running: 'app (\\S+)' } } }, /boards\.dk1\.console\.running: expected a named group \(\?<version>…\)/],
    [{ dk1: { ...board, console: { running: '(' } } }, /boards\.dk1\.console\.running: expected a regular expression/],
    [{ dk1: { ...board, factory: { method: 'probe', command: 'nrfjprog --program x.hex' } } }, /boards\.dk1\.factory\.command: expected the command to name the file as \{hex\}/],
    [{ dk1: { ...board, baud: 'fast' } }, /boards\.dk1\.baud: .*expected number/],
    [{ dk1: { ...board, prot: 'x' } }, /boards\.dk1: Unrecognized key: "prot"/],
    [{ dk1: { ...board, power: { driver: 'uhubctl', location: 'hub one', port: 2 } } }, /boards\.dk1\.power\.location: expected a hub location/],
    [{ 'dk 1': board }, /boards\.dk 1: expected a board id/],
    [{}, /boards: expected at least one board/],
  ])('names the field and what was expected (%#)', (boards, message) => {
    const error = errorOf(boards);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^lab file lab\.json: /);
    expect(error.message).toMatch(message);
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseLabFile('{ boards: ', 'lab.json')).toThrow(/lab file lab\.json: not valid JSON/);
  });

  it('finds a board by id, resolving a board file against the lab file folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootproof-lab-'));
    const file = join(dir, 'lab.json');
    writeFileSync(file, JSON.stringify({ boards: { dk1: board, custom: { ...board, board: 'boards/mine.json' } } }));
    expect(loadLabEntry(file, 'dk1').board).toBe('nrf52840dk');
    expect(loadLabEntry(file, 'custom').board).toBe(join(dir, 'boards/mine.json'));
    expect(() => loadLabEntry(file, 'dk9')).toThrow(/no board 'dk9'; it has dk1, custom/);
    expect(() => loadLabEntry(join(dir, 'missing.json'), 'dk1')).toThrow(/missing\.json: cannot be read/);
  });
});
