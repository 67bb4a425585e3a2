/**
 * How large an image the board's bootloader accepts for a strategy (FORMATS §2.6), asked of the reference model
 * itself so the gate and the loader can never disagree. The model needs a boot's view of the slots to answer;
 * it is built here over an erased flash of the board's geometry.
 */
import type { Board } from '../boards/types.ts';
import type { ImageConfig } from '../emulator/boot/index.ts';
import { NoClock, ReferenceBootloader } from '../emulator/boot/index.ts';
import { BootLog } from '../emulator/boot/log.ts';
import { openImageAreas, trailerFormat } from '../emulator/boot/run.ts';
import { NorFlash } from '../emulator/flash/index.ts';

/** The largest image end (header + payload + TLVs) image `image` may have, or a reason the layout cannot update. */
export function maxImageSize(board: Board, config: ImageConfig, image = 0): number | string {
  const flash = new NorFlash(board.flash, { journal: false });
  const ctx = { flash, board, config, trust: { keys: [], enforce: 'install' as const }, clock: new NoClock() };
  const areas = openImageAreas(ctx);
  if (typeof areas === 'string') return areas;
  const loader = new ReferenceBootloader();
  const run = { ctx, format: trailerFormat(ctx), ...areas, log: new BootLog() };
  // A layout the strategy cannot update at all (swap-offset's secondary one sector short) holds no image either.
  const problem = config.strategy === 'direct-xip' ? undefined : loader.strategyFor(run).layoutProblem(run, image);
  return problem ?? loader.maxImageSize(run, image);
}
