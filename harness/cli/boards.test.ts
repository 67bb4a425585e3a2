import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinBoardNames } from '../../boards/index.ts';
import { runCli } from './run-cli.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../boards/test/fixtures/${name}.json`, import.meta.url));

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bootproof boards', () => {
  it('lists every built-in board with flash size, sectors, write unit and slot size', async () => {
    const { code, stdout } = await run('boards');
    expect(code).toBe(0);
    const nrf = stdout.split('\n').find((line) => line.trimStart().startsWith('nrf52840dk'));
    expect(nrf).toMatch(/nrf52840dk\s+cortex-m4\s+1 MiB\s+256 x 4 KiB\s+4 B\s+and\s+412 KiB\s+swap-scratch/);
    expect(stdout).toMatch(/stm32f429zi .*16 KiB \/ 64 KiB \/ 128 KiB\s+1 B/);
    expect(stdout).toMatch(/nucleo_l552ze_q .*180 KiB \+ 36 KiB/);
    expect(stdout).toContain(`${builtinBoardNames().length} boards.`);
  });

  it('--json gives the same facts as numbers', async () => {
    const { code, stdout } = await run('boards', '--json');
    expect(code).toBe(0);
    const boards = JSON.parse(stdout) as { name: string }[];
    expect(boards.length).toBeGreaterThanOrEqual(10);
    expect(boards.find((board) => board.name === 'stm32h743zi')).toMatchObject({
      flashSize: 2 * 1024 * 1024,
      sectorCount: 16,
      sectorSizes: [128 * 1024],
      writeUnit: 32,
      programRule: 'ecc',
      slotSizes: [256 * 1024],
      strategy: 'swap-scratch',
    });
  });

  it('--help describes the command', async () => {
    const { code, stdout } = await run('boards', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: bootproof boards \[options\][\s\S]*--json/);
  });
});

describe('bootproof board show', () => {
  it('draws the partition map with offsets, sizes, sector counts and a bar', async () => {
    const { code, stdout } = await run('board', 'show', 'nrf52840dk');
    expect(code).toBe(0);
    expect(stdout).toMatch(/P\s+image primary\s+0xc000\s+0x73000\s+412 KiB\s+103/);
    expect(stdout).toMatch(/S\s+image secondary\s+0x73000\s+0xda000\s+412 KiB\s+103/);
    expect(stdout).toMatch(/X\s+scratch\s+0xda000\s+0xf8000\s+120 KiB\s+30/);
    expect(stdout).toMatch(/D\s+storage\s+0xf8000\s+0x100000\s+32 KiB\s+8/);
    // 64 cells of 16 KiB: 3 bootloader, 25.75 primary, 25.75 secondary, 7.5 scratch, 2 storage.
    expect(stdout).toContain(`|BBB${'P'.repeat(26)}${'S'.repeat(25)}${'X'.repeat(8)}DD|`);
    expect(stdout).toContain('nrf52840dk_nrf52840.dts');
  });

  it('shows gaps between partitions as unused flash', async () => {
    const { stdout } = await run('board', 'show', 'stm32f429zi');
    expect(stdout).toMatch(/\.\s+\(unused\)\s+0x8000\s+0x20000\s+96 KiB\s+3/);
    expect(stdout).toMatch(/X\s+scratch\s+0xa0000\s+0xc0000\s+128 KiB\s+1/);
  });

  it('--json gives the board and its regions', async () => {
    const { code, stdout } = await run('board', 'show', 'nucleo_l552ze_q', '--json');
    expect(code).toBe(0);
    const shown = JSON.parse(stdout);
    expect(shown.board.partitions.images).toHaveLength(2);
    expect(shown.regions.map((region: { name: string }) => region.name)).toEqual([
      'bootloader',
      'image 0 primary',
      'image 1 primary',
      'image 0 secondary',
      'image 1 secondary',
    ]);
  });

  it('reads a user board file by path', async () => {
    const { code, stdout } = await run('board', 'show', fixture('valid'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tiny: A small test board/);
  });

  it('exits 2 on a bad board file, naming the file and the field', async () => {
    const { code, stdout, stderr } = await run('board', 'show', fixture('overlap'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/overlap\.json is invalid:\n {2}partitions\.images\[0\]\.secondary: 0x7000\.\.0xc000 overlaps/);
  });

  it('exits 2 on an unknown board, listing the known ones', async () => {
    const { code, stderr } = await run('board', 'show', 'nrf52dk');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown board "nrf52dk"; built-in boards: .*nrf52840dk/);
  });

  it('exits 2 without a board argument, and --help explains it', async () => {
    expect((await run('board', 'show')).code).toBe(2);
    const help = await run('board', 'show', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: bootproof board show \[options\] <board>/);
  });
});

describe('the installed command', () => {
  it('node bin/bootproof.mjs boards lists the boards', async () => {
    const result = await execa('node', ['bin/bootproof.mjs', 'boards'], { cwd: REPO, reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/nrf52840dk\s+cortex-m4/);
    expect(result.stdout.match(/^ {2}\S+\s+cortex-m/gm)?.length).toBeGreaterThanOrEqual(10);
  });
});
