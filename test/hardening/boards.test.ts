/** Board files: resources bounded by the schema, each refusal naming the file and the field (exit 2). */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BoardFileError, parseBoardFile } from '../../boards/index.ts';
import { cli, REPO, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BASE = readFileSync(join(REPO, 'boards/nrf52840dk.json'), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: a board file's JSON, edited freely to make bad boards
type BoardJson = any;

/** The nRF52840 DK with `edit` applied to its parsed JSON. */
function variant(edit: (board: BoardJson) => void): string {
  const board = JSON.parse(BASE);
  edit(board);
  return JSON.stringify(board, null, 2);
}

function issues(text: string): string {
  try {
    parseBoardFile(text, 'my-board.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BoardFileError);
    expect((error as BoardFileError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected the board to be refused');
}

describe('board file limits', () => {
  it.each([
    ['a billion sectors', (b: BoardJson) => (b.flash.sectors[0].count = 1_000_000_000), 'flash.sectors[0].count: expected at most 16384 sectors'],
    ['100k sectors in runs', (b: BoardJson) => (b.flash.sectors = Array(10).fill({ count: 10_000, size: 4096 })), 'flash.sectors: 100000 sectors in all, more than the 16384 a board may have'],
    ['an erase time of 1e308', (b: BoardJson) => (b.flash.eraseTimeUs = 1e308), 'flash.eraseTimeUs: expected a time of at most'],
    ['a program time of 5e-324', (b: BoardJson) => (b.flash.programTimeUs = 5e-324), 'flash.programTimeUs: expected a time of at least'],
    ['a flash that wraps the address space', (b: BoardJson) => (b.memory.flash.base = '0xfff80000'), 'memory.flash.base: flash at 0xfff80000 + 0x100000 ends past 0xffffffff'],
    ['no RAM', (b: BoardJson) => (b.memory.ram.size = 0), 'memory.ram.size: RAM of 0x0 bytes: expected 0x400..'],
    ['RAM that wraps', (b: BoardJson) => (b.memory.ram.base = '0xffff0000'), 'memory.ram.base: RAM at 0xffff0000'],
    ['a huge header', (b: BoardJson) => (b.bootloader.headerSize = '0x40000000'), 'bootloader.headerSize: must fit the 16-bit ih_hdr_size field'],
    ['huge maxImageSectors', (b: BoardJson) => (b.bootloader.maxImageSectors = 2 ** 52), 'bootloader.maxImageSectors: expected at most 16384'],
    ['1000 image pairs', (b: BoardJson) => (b.partitions.images = Array(1000).fill(b.partitions.images[0])), 'partitions.images: expected at most 8 image pairs'],
  ])('refuses %s, naming the field', (_name, edit, message) => {
    const text = issues(variant(edit));
    expect(text).toContain('board file my-board.json is invalid');
    expect(text).toContain(message);
  });

  it('accepts a write budget word of a whole 4 KiB sector, refuses one that is not a power of two', () => {
    expect(parseBoardFile(variant((b) => (b.flash.writeBudget.wordSize = 4096)), 'b.json').flash.writeBudget).toEqual({ wordSize: 4096, count: 2 });
    expect(issues(variant((b) => (b.flash.writeBudget.wordSize = 12)))).toContain('flash.writeBudget.wordSize: 12 must be a power of two');
  });

  it('reports a JSON syntax error at its line, and accepts a byte-order mark', () => {
    expect(parseBoardFile(`\ufeff${BASE}`, 'bom.json').name).toBe('nrf52840dk');
    const broken = BASE.replace('"writeUnit": 4,', '"writeUnit": fou,');
    const line = BASE.split('\n').findIndex((l) => l.includes('"writeUnit"')) + 1;
    expect(issues(broken)).toContain(`not valid JSON at line ${line}, column 19`);
  });

  it('reads only a regular board file (a device would never end)', async () => {
    const result = await cli('run', 'power-loss', '--board', '/dev/urandom', '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('board file /dev/urandom is invalid:\n  not a regular file (a device)');
  });

  it('refuses a board with a billion sectors from the CLI, without running out of memory', async () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, variant((b) => (b.flash.sectors[0].count = 1_000_000_000)));
    const result = await cli('run', 'power-loss', '--board', file, '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flash.sectors[0].count: expected at most 16384 sectors');
  });
});
