// The largest image is computed one sector short: an image that reaches the sector holding the trailer, though it
// fits, is refused as too large (scenario-space: size).
import type { BootRun } from '../../emulator/boot/index.ts';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class TrailerSectorUnused extends ReferenceBootloader {
  override readonly name = 'space-trailer-sector-unused';
  override maxImageSize(run: BootRun, image: number): number {
    const primary = run.images[image].primary;
    const lastSector = primary.sectors.at(-1)?.size ?? 0;
    return Math.min(super.maxImageSize(run, image), primary.size - 2 * lastSector);
  }
}
