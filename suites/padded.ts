/** The update image signed with imgtool's `--pad` trailer (magic set), for mutations that need a trailer. */

import { Prng } from '../emulator/common/prng.ts';
import { DEFAULT_PAYLOAD } from '../harness/fixtures.ts';
import type { SuiteContext } from '../harness/suite.ts';
import { signImage } from '../images/index.ts';

export function signedWithTrailer(ctx: SuiteContext): Uint8Array {
  const { board, config, fixtures, seed } = ctx;
  return signImage(new Prng(`payload|${seed}|padded`).bytes(DEFAULT_PAYLOAD), {
    key: fixtures.root.privateKey,
    headerSize: config.headerSize,
    padHeader: true,
    version: '2.0.0',
    slotSize: board.partitions.images[0].secondary.size,
    pad: true,
    align: board.flash.writeUnit,
    maxAlign: config.maxAlign,
    erasedValue: board.flash.erasedValue,
    overwriteOnly: config.strategy === 'overwrite-only',
  });
}
