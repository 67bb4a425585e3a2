import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli/run-cli.ts';
import { DevicetreeError, parseDevicetree } from './devicetree.ts';
import { importBoardFromDevicetree } from './import.ts';
import { loadBoard } from './index.ts';

const DTS = (name: string) => fileURLToPath(new URL(`./test/devicetree/${name}`, import.meta.url));
const NRF52840 = readFileSync(DTS('nrf52840dk.dts'), 'utf8');

async function cli(...args: string[]) {
  process.exitCode = undefined;
  const result = await runCli(...args);
  process.exitCode = undefined;
  return result;
}

/** The nRF52840 DK devicetree with one edit, written to a temporary file. */
function edited(from: string | RegExp, to: string): string {
  const text = NRF52840.replace(from, to);
  expect(text).not.toBe(NRF52840);
  const file = join(mkdtempSync(join(tmpdir(), 'bootproof-dts-')), 'zephyr.dts');
  writeFileSync(file, text);
  return file;
}

describe('board import from a Zephyr devicetree', () => {
  it("nRF52840 DK: the partitions and flash geometry equal boards/nrf52840dk.json's", () => {
    const { board } = importBoardFromDevicetree(DTS('nrf52840dk.dts'), {});
    const builtIn = loadBoard('nrf52840dk');
    expect(board.partitions).toEqual(builtIn.partitions);
    expect(board.flash).toEqual(builtIn.flash);
    expect(board.memory).toEqual(builtIn.memory);
    expect(board.bootloader).toEqual(builtIn.bootloader);
    expect(board).toMatchObject({ name: 'nrf52840-dk-nrf52840', cpu: 'cortex-m4', flashController: 'nrf52-nvmc' });
    expect(board.sources[1]).toMatch(/taken from the built-in board nrf52840dk: program rule/);
  });

  it('STM32F429ZI: flash at 0x08000000, partitions without label properties, and the 16/64/128 KiB sectors of its family', () => {
    const { board } = importBoardFromDevicetree(DTS('nucleo_f429zi.dts'), {});
    const builtIn = loadBoard('stm32f429zi');
    expect(board.partitions).toEqual(builtIn.partitions);
    expect(board.flash.sectors).toEqual(builtIn.flash.sectors);
    expect(board.flash.eraseTimeUs).toEqual(builtIn.flash.eraseTimeUs);
    expect(board.memory.flash).toEqual({ base: 0x0800_0000, size: 0x20_0000 });
    expect(board.flashController).toBe('stm32f4-flash');
  });

  it('nRF5340 DK with a second image (slot2/slot3) added through &label: two images, swap-move, Cortex-M33', () => {
    const { board } = importBoardFromDevicetree(DTS('nrf5340dk_two_images.dts'), {});
    expect(board.partitions.images).toEqual([
      { primary: { offset: 0x10000, size: 0x30000 }, secondary: { offset: 0x40000, size: 0x30000 } },
      { primary: { offset: 0x70000, size: 0x40000 }, secondary: { offset: 0xb0000, size: 0x40000 } },
    ]);
    expect(board.partitions.scratch).toBeUndefined();
    expect(board.partitions.storage).toEqual({ offset: 0xf8000, size: 0x8000 });
    expect(board).toMatchObject({ cpu: 'cortex-m33', flashController: 'nrf53-nvmc', memory: { ram: { base: 0x2000_0000, size: 0x70000 } } });
    expect(board.bootloader.strategy).toBe('swap-move');
  });

  it('options name the board, pick the strategy and the family board', () => {
    const { board } = importBoardFromDevicetree(DTS('nrf52840dk.dts'), { name: 'my_dk', strategy: 'swap-move', like: 'nrf5340dk' });
    expect(board).toMatchObject({ name: 'my_dk', flashController: 'nrf53-nvmc', bootloader: { strategy: 'swap-move' } });
  });

  it('bootproof board import -o writes a board file that bootproof board show reads', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bootproof-import-')), 'board.json');
    const result = await cli('board', 'import', DTS('nrf52840dk.dts'), '--name', 'imported_dk', '-o', out);
    expect(result).toMatchObject({ code: 0, stdout: `wrote ${out}: board imported_dk, 1 image(s), swap-scratch\n` });
    const shown = await cli('board', 'show', out, '--json');
    expect(JSON.parse(shown.stdout).board.partitions).toEqual(loadBoard('nrf52840dk').partitions);
  });
});

describe('board import refuses malformed input with exit code 2, naming file and line', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a file that ends inside a node', () => edited(/};\n};\n$/, ''), /zephyr\.dts:\d+:\d+: the file ends inside a node or property/],
    ['a property without its ";"', () => edited('reg = < 0xc000 0x67000 >;', 'reg = < 0xc000 0x67000 >'), /zephyr\.dts:5\d:\d+: expected "," or ";" after a value; got "}"/],
    ['a C preprocessor include', () => edited('/dts-v1/;', '/dts-v1/;\n#include <mem.h>'), /zephyr\.dts:2:1: a C preprocessor directive: give the preprocessed devicetree/],
    ['a macro left in a cell list', () => edited('< 0x73000 0x67000 >', '< 0x73000 DT_SIZE_K(412) >'), /zephyr\.dts:\d+:\d+: "\(": a macro or an expression/],
    ['no slot1 partition', () => edited(/slot1_partition: partition@73000 \{[^}]*\};/, ''), /no slot1_partition \(label "image-1"\): an MCUboot build's devicetree has boot, slot0 and slot1/],
    ['a partition with a one-cell reg', () => edited('reg = < 0xda000 0x1e000 >;', 'reg = < 0xda000 >;'), /zephyr\.dts:\d+:1: .*partition@da000: expected reg = < address size > with 1 address and 1 size cells/],
    ['no write-block-size', () => edited('write-block-size = < 0x4 >;', ''), /flash@0: expected write-block-size = < bytes > on the flash node/],
    ['an unknown flash controller without --like', () => edited('nordic,nrf52-flash-controller', 'acme,flash'), /no built-in board of this SoC family \(flash controller acme,flash\): name one with --like/],
    ['overlapping partitions', () => edited('reg = < 0x73000 0x67000 >;', 'reg = < 0x70000 0x67000 >;'), /the imported board does not check:\n.*invalid:\n\s+partitions\./],
    ['a node referenced by a label that does not exist', () => edited(/$/, '&nowhere { x = <1>; };\n'), /no node labelled or at "nowhere"/],
    ['text that is not a devicetree', () => edited(/^[\s\S]*$/, '{"name": "nrf52840dk"}'), /expected "\/dts-v1\/;", the root node/],
  ];
  for (const [what, file, message] of cases) {
    it(what, async () => {
      const result = await cli('board', 'import', file());
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^bootproof: devicetree .*zephyr\.dts:\d+:\d+: /);
      expect(result.code).toBe(2);
    });
  }

  it('a file that cannot be read', async () => {
    const result = await cli('board', 'import', 'no/such/zephyr.dts');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/devicetree no\/such\/zephyr\.dts.*cannot be read/);
  });

  it('the parser answers every truncation of a real devicetree with a DevicetreeError, never another exception', () => {
    for (let end = 0; end < NRF52840.length; end += 7) {
      try {
        parseDevicetree(NRF52840.slice(0, end), 'cut.dts');
      } catch (error) {
        expect(error).toBeInstanceOf(DevicetreeError);
      }
    }
  });
});
