/**
 * Interoperability with real imgtool output (../shared/interop, read in place, never copied): the trailer the
 * model writes for a pending upgrade is the one `imgtool sign --pad` / `--confirm` writes, apart from the
 * swap_info byte that `boot_set_pending` adds; and an imgtool-padded image placed in the secondary is installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../boards/index.ts';
import type { Board } from '../../../boards/types.ts';
import { loadPublicKey } from '../../../images/keys.ts';
import { parseImage } from '../../../images/parse.ts';
import { type MaxAlign, trailerLayout } from '../../../images/trailer.ts';
import { readSwapState, setPending, writeUpdate } from '../app.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { UpdateStrategy } from '../types.ts';
import { configFor, makeDevice } from './fixtures.ts';

const INTEROP = fileURLToPath(new URL('../../../../shared/interop/', import.meta.url));
const present = existsSync(`${INTEROP}manifest.json`);

interface Sample {
  file: string;
  slotSize: number;
  writeUnit: number;
  maxAlign: MaxAlign;
  confirm: boolean;
  strategy: UpdateStrategy;
}

/** The padded entries of the shared set, with the build they were signed for (from their imgtool command). */
const SAMPLES: readonly Sample[] = [
  { file: 's06-p256-pad-align4.bin', slotSize: 0x40000, writeUnit: 4, maxAlign: 8, confirm: false, strategy: 'swap-scratch' },
  { file: 's07-p256-confirm-align8.bin', slotSize: 0x40000, writeUnit: 8, maxAlign: 8, confirm: true, strategy: 'swap-scratch' },
  { file: 's12-p256-maxsectors32-align4.bin', slotSize: 0x20000, writeUnit: 4, maxAlign: 8, confirm: false, strategy: 'swap-move' },
  { file: 's11-p256-overwrite-only.bin', slotSize: 0x20000, writeUnit: 4, maxAlign: 8, confirm: false, strategy: 'overwrite-only' },
];

/** A 1 MiB flash of 4 KiB sectors with slots of the sample's size: the geometry the fixtures were padded for. */
function interopBoard(sample: Sample): Board {
  const base = loadBoard('nrf52840dk');
  const slot = sample.slotSize;
  const spare = sample.strategy === 'swap-move' ? 0x1000 : 0;
  return {
    ...base,
    name: `interop-${sample.file}`,
    flash: { ...base.flash, writeUnit: sample.writeUnit, writeBudget: undefined },
    partitions: {
      bootloader: { offset: 0, size: 0x10000 },
      images: [
        { primary: { offset: 0x10000, size: slot + spare }, secondary: { offset: 0x10000 + slot + spare, size: slot } },
      ],
      scratch: { offset: 0x10000 + 2 * slot + spare, size: 0x10000 },
    },
    bootloader: { ...base.bootloader, maxAlign: sample.maxAlign, maxImageSectors: 128 },
  };
}

describe.skipIf(!present)('imgtool interop (../shared/interop)', () => {
  const trusted = (name: string) => ({ name, key: loadPublicKey(readFileSync(`${INTEROP}${name}.pem`)) });

  it.each(SAMPLES)('$file: the model writes the trailer imgtool wrote, plus swap_info', (sample) => {
    const padded = new Uint8Array(readFileSync(INTEROP + sample.file));
    expect(padded.length).toBe(sample.slotSize);
    const image = padded.subarray(0, parseImage(padded).end);
    const board = interopBoard(sample);
    const config = configFor(board, sample.strategy);
    const device = makeDevice(board, config, []);
    writeUpdate(device.ctx, 0, image);
    setPending(device.ctx, 0, sample.confirm);
    const slot = board.partitions.images[0].secondary;
    const written = device.flash.peek(slot.offset, slot.size);
    const swapInfo = trailerLayout({ slotSize: slot.size, maxAlign: sample.maxAlign }).swapInfo;
    expect(written[swapInfo]).toBe(sample.confirm ? 0x03 : 0x02);
    written[swapInfo] = 0xff;
    expect(Buffer.from(written).equals(padded)).toBe(true);
  });

  it.each(SAMPLES.filter((s) => s.strategy !== 'overwrite-only'))(
    '$file: downloaded as imgtool padded it, it is pending and the bootloader installs it',
    (sample) => {
      const padded = new Uint8Array(readFileSync(INTEROP + sample.file));
      const board = interopBoard(sample);
      const config = configFor(board, sample.strategy);
      // The factory image is another imgtool image (Ed25519, 2.1.0), so the digest tells which one runs.
      const factory = new Uint8Array(readFileSync(`${INTEROP}s08-ed25519-seccnt.bin`));
      const trust = { keys: [trusted('root-ec-p256'), trusted('root-ed25519')], enforce: 'install' as const };
      const device = makeDevice(board, config, [factory], { trust });
      const manifest = JSON.parse(readFileSync(`${INTEROP}manifest.json`, 'utf8')) as {
        entries: { file?: string; verify?: { digest?: string } }[];
      };
      const digest = manifest.entries.find((e) => e.file === sample.file)?.verify?.digest;
      const before = new ReferenceBootloader().boot(device.ctx);
      expect(before.kind).toBe('handoff');
      expect(before.kind === 'handoff' && before.digest).not.toBe(digest);
      writeUpdate(device.ctx, 0, padded);
      expect(readSwapState(device.ctx, 0).nextSwap).toBe(sample.confirm ? 'perm' : 'test');
      const outcome = new ReferenceBootloader().boot(device.ctx);
      expect(outcome.kind === 'handoff' && outcome.digest).toBe(digest);
      const after = readSwapState(device.ctx, 0).primary;
      expect([after.magic, after.imageOk, after.copyDone]).toEqual(['good', sample.confirm ? 'set' : 'unset', 'set']);
    },
  );
});
