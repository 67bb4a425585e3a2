import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { boardConfig } from '../context.ts';
import { Fixtures } from '../fixtures.ts';
import { runCli } from './run-cli.ts';

const minboot = (variant: string): string => join('images', 'firmware', 'build', `minboot-nrf52840dk-${variant}.elf`);

/** A signed test image (vector table inside the image) at the primary slot. */
function primaryImage(): string {
  const board = loadBoard('nrf52840dk');
  const file = join(mkdtempSync(join(tmpdir(), 'bootproof-emulate-')), 'v1.bin');
  writeFileSync(file, new Fixtures(board, boardConfig(board, {}), 1).pair.from);
  return `${file}@0xc000`;
}

describe('emulate with a bootloader: the hand-off report', () => {
  it('names the slot and the image the bootloader handed off to', async () => {
    const result = await runCli('emulate', '--board', 'nrf52840dk', minboot('handoff'), primaryImage(), '--max-instructions', '2000000');
    expect(result.stderr).toMatch(/bootproof: hand-off to slot primary of image 0 at PC=0x0000c208: image 1\.0\.0\+0, hash [0-9a-f]{16}/);
    expect(result.code).toBe(0);
  });

  it.each([
    ['garbage', /hand-off into garbage: slot primary of image 0 at PC=0x0000c000/],
    ['spin', /the bootloader ended without handing off to an image slot: no hand-off within 100000 instructions/],
    ['sleep', /the bootloader ended without handing off to an image slot: no hand-off: sleep/],
  ])('fails (exit 1) on a bootloader that %s', async (variant, message) => {
    const result = await runCli('emulate', '--board', 'nrf52840dk', minboot(variant), primaryImage(), '--max-instructions', '100000');
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(1);
  });
});
