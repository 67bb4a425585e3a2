/**
 * A cut in the application's upgrade request (`boot_set_pending`) counts only once the request's magic is whole:
 * MCUboot decodes anything else as BAD or UNSET, and a secondary without a GOOD magic matches no update row
 * (FORMATS.md §2.2, §3.2). A bootloader that starts the update from a torn magic fails the cut's judgement.
 */
import type { Board } from '../boards/types.ts';
import { tornProgramAs } from '../emulator/flash/index.ts';
import type { CutOutcome, FlashOp, TornShape } from '../emulator/flash/types.ts';
import { BOOT_MAGIC_SIZE, decodeMagic, encodeMagicWrite, MagicState } from '../images/index.ts';
import { opsOf } from './executor.ts';
import type { Scenario } from './scenario.ts';

/**
 * Whether a cut in the application's upgrade request left the request's magic whole: the cut came after the last
 * operation that programs a slot's magic (its last 16 bytes), completed it, or tore it into the magic's own bytes
 * (a byte-wide unit half written is the whole byte). direct-xip picks the newest valid slot whatever its magic, so
 * a request there always counts as whole; so does a seeded tear, whose bytes this cannot know.
 */
export function requestMagicWhole(
  board: Board,
  scenario: Pick<Scenario, 'config'>,
  journal: readonly FlashOp[],
  action: { readonly opStart: number; readonly opEnd: number },
  cut: { readonly atOp: number; readonly outcome: CutOutcome; readonly tear?: TornShape },
): boolean {
  if (scenario.config.strategy === 'direct-xip') return true;
  const { erasedValue, writeUnit } = board.flash;
  const { maxAlign } = scenario.config;
  const write = encodeMagicWrite(maxAlign, erasedValue);
  const slotEnds = board.partitions.images.flatMap(({ primary, secondary }) => [primary, secondary].map((slot) => slot.offset + slot.size));
  const magicOps = opsOf(journal, action).filter(
    (op) => op.kind === 'program' && slotEnds.some((end) => op.offset < end && op.offset + op.length > end - BOOT_MAGIC_SIZE),
  );
  const last = magicOps.at(-1);
  if (last === undefined || cut.atOp > last.index) return true;
  if (cut.atOp < last.index || cut.outcome === 'not-started') return false;
  if (cut.outcome === 'completed' || cut.tear === undefined || !('units' in cut.tear)) return true;
  const writeStart = slotEnds.find((end) => last.offset < end && last.offset + last.length > end - BOOT_MAGIC_SIZE)! - write.length;
  if (last.offset < writeStart) return true;
  const landed = write.slice().fill(erasedValue);
  const data = write.subarray(last.offset - writeStart, last.offset - writeStart + last.length);
  landed.set(tornProgramAs(data, writeUnit, erasedValue, cut.tear).effective, last.offset - writeStart);
  return decodeMagic(landed.subarray(landed.length - BOOT_MAGIC_SIZE), maxAlign, erasedValue) === MagicState.GOOD;
}
