import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NorFlash } from '../emulator/flash/index.ts';
import { checkBoard } from './checks.ts';
import { BoardFileError, builtinBoardNames, listBoards, loadBoard, slotSectors, UnknownBoardError } from './index.ts';

const ISSUE_BOARDS = [
  'nrf52840dk',
  'nrf5340dk',
  'stm32f429zi',
  'nucleo_l552ze_q',
  'b_u585i_iot02a',
  'stm32h743zi',
  'frdm_k64f',
  'lpcxpresso55s69',
  'rpi_pico',
  'mps2_an385',
];

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('built-in boards', () => {
  it('include every board the foundation issue names', () => {
    expect(builtinBoardNames()).toEqual(expect.arrayContaining(ISSUE_BOARDS));
  });

  it.each(builtinBoardNames())('%s loads, passes its own checks and drives the flash model', (name) => {
    const board = loadBoard(name);
    expect(board.name).toBe(name);
    expect(board.file).toMatch(new RegExp(`${name}\\.json$`));
    expect(checkBoard(board)).toEqual([]);
    expect(board.sources.length).toBeGreaterThan(0);
    const flash = new NorFlash(board.flash);
    expect(flash.size).toBe(board.memory.flash.size);
    for (const image of board.partitions.images) {
      expect(slotSectors(board, image.primary).reduce((sum, s) => sum + s.size, 0)).toBe(image.primary.size);
    }
  });

  it('listBoards returns them all, sorted by name', () => {
    const names = listBoards().map((board) => board.name);
    expect(names).toEqual([...names].sort());
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  it('nrf52840dk: 4 KiB pages, 4-byte words written at most twice, equal 103-sector slots and a 30-sector scratch', () => {
    const board = loadBoard('nrf52840dk');
    expect(new Set(board.flash.sectors)).toEqual(new Set([4096]));
    expect(board.flash.writeUnit).toBe(4);
    expect(board.flash.writeBudget).toEqual({ wordSize: 4, count: 2 });
    const [image] = board.partitions.images;
    expect(slotSectors(board, image.primary)).toHaveLength(103);
    expect(slotSectors(board, image.secondary)).toHaveLength(103);
    expect(board.partitions.scratch).toEqual({ offset: 0xda000, size: 0x1e000 });
    expect(slotSectors(board, image.primary)[0]).toEqual({ index: 12, offset: 0xc000, size: 4096 });
  });

  it('stm32f429zi: two banks of 16/64/128 KiB sectors, each size with its own erase time', () => {
    const board = loadBoard('stm32f429zi');
    const bank = [...Array(4).fill(16384), 65536, ...Array(7).fill(131072)];
    expect(board.flash.sectors).toEqual([...bank, ...bank]);
    expect(Array.isArray(board.flash.eraseTimeUs)).toBe(true);
    const erase = board.flash.eraseTimeUs as readonly number[];
    expect([erase[0], erase[4], erase[5], erase[12]]).toEqual([400_000, 1_200_000, 2_000_000, 400_000]);
    expect(board.partitions.scratch?.size).toBe(Math.max(...board.flash.sectors));
  });

  it('ECC parts carry their program granule: L5 8, U5 16, H7 32 bytes', () => {
    const granules = ['nucleo_l552ze_q', 'b_u585i_iot02a', 'stm32h743zi'].map((name) => {
      const board = loadBoard(name);
      return [board.flash.programRule, board.flash.writeUnit, board.bootloader.maxAlign >= board.flash.writeUnit];
    });
    expect(granules).toEqual([
      ['ecc', 8, true],
      ['ecc', 16, true],
      ['ecc', 32, true],
    ]);
  });

  it('nucleo_l552ze_q ships the TF-M two-image layout (secure, non-secure)', () => {
    const board = loadBoard('nucleo_l552ze_q');
    expect(board.partitions.images.map((image) => [image.primary.offset, image.secondary.offset])).toEqual([
      [0x14000, 0x4a000],
      [0x41000, 0x77000],
    ]);
  });
});

describe('loadBoard', () => {
  it('reads a board file by path as it reads a built-in name', () => {
    const path = fileURLToPath(new URL('./frdm_k64f.json', import.meta.url));
    const byPath = loadBoard(path);
    expect({ ...byPath, file: '' }).toEqual({ ...loadBoard('frdm_k64f'), file: '' });
  });

  it('refuses an unknown name with exit 2, listing the known boards', () => {
    const error = thrown(() => loadBoard('nrf52dk'));
    expect(error).toBeInstanceOf(UnknownBoardError);
    expect((error as UnknownBoardError).exitCode).toBe(2);
    expect((error as UnknownBoardError).message).toContain('"nrf52dk"');
    expect((error as UnknownBoardError).message).toContain('nrf52840dk, nrf5340dk');
  });

  it('refuses a missing file with a BoardFileError naming it', () => {
    const error = thrown(() => loadBoard('no/such/board.json'));
    expect(error).toBeInstanceOf(BoardFileError);
    expect((error as BoardFileError).message).toMatch(/no\/such\/board\.json[\s\S]*cannot be read/);
  });
});
