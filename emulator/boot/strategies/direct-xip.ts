/**
 * direct-xip with revert (MCUboot loader.c second `context_boot_go`, FORMATS §3.13): no copying at all. Each boot
 * runs the valid slot with the highest version in place; a slot booted once (copy_done) and never confirmed
 * (image_ok) is a failed trial and is erased, which is the revert.
 */
import { ImageFlag } from '../../../images/tlv-types.ts';
import { maxImageSizeWithoutSwap } from '../../../images/trailer.ts';
import { compareVersions } from '../../../images/version.ts';
import type { FlashArea } from '../area.ts';
import { securityCounterId } from '../clock.ts';
import type { BootRun } from '../run.ts';
import type { BootedImage, BootOutcome, SlotName } from '../types.ts';
import { readHeader, type SlotImage } from '../validate.ts';
import type { DirectXipPrimitives } from './strategy.ts';

interface Choice {
  readonly slot: SlotName;
  readonly area: FlashArea;
  readonly info: SlotImage;
}

const SLOTS: readonly SlotName[] = ['primary', 'secondary'];

export class DirectXip {
  constructor(protected readonly loader: DirectXipPrimitives) {}

  maxImageSize(run: BootRun, image: number): number {
    const { primary, secondary } = run.images[image];
    return maxImageSizeWithoutSwap({ slotSize: Math.min(primary.size, secondary.size), maxAlign: run.format.maxAlign });
  }

  boot(run: BootRun): BootOutcome {
    const unavailable = run.images.map(() => new Set<SlotName>());
    // Each round either hands off or removes one slot from the candidates: bounded by the number of slots.
    for (let round = 0; round <= 2 * run.images.length; round++) {
      const chosen: Choice[] = [];
      for (let image = 0; image < run.images.length; image++) {
        const choice = this.select(run, image, unavailable[image]);
        if (choice === undefined) return this.loader.halt(run, `image ${image}: no bootable slot`);
        chosen.push(choice);
      }
      const unmet = this.firstUnmetDependency(chosen);
      if (unmet === undefined) return this.handOff(run, chosen);
      run.log.note(`image ${unmet}: ${chosen[unmet].slot} has an unmet dependency, trying the other slot`);
      unavailable[unmet].add(chosen[unmet].slot);
    }
    return this.loader.halt(run, 'no combination of slots satisfies the dependencies');
  }

  /** `boot_select_or_erase`, then validation; a slot that fails either is erased and the other one is tried. */
  protected select(run: BootRun, image: number, unavailable: Set<SlotName>): Choice | undefined {
    for (let attempt = 0; attempt < SLOTS.length; attempt++) {
      const slot = this.highestVersion(run, image, unavailable);
      if (slot === undefined) return undefined;
      const area = run.images[image][slot];
      const trailer = this.loader.readTrailer(run, area);
      // Without a GOOD magic nobody requested this image (a download cut before `setPending`), so it never runs:
      // every direct-xip image needs a trailer, the factory one a confirmed trailer (`imgtool --confirm`), as in
      // MCUboot (FORMATS §3.13; §6 bug 20 is what happens to a factory image without one). A copy_done that is
      // anything but erased means "booted once": a torn write must not be written again.
      if (trailer.magic !== 'good' || (trailer.copyDone !== 'unset' && trailer.imageOk !== 'set')) {
        run.log.note(`image ${image}: ${slot} was never requested, or not confirmed after its trial boot: erased`);
        this.loader.scrambleSlot(run, area);
        unavailable.add(slot);
        continue;
      }
      // Until copy_done reads set, this is the slot's first boot, validated as an install (key validity, revocation):
      // a copy_done torn by a cut in this very boot must not let the next one skip those checks.
      const info = this.loader.validateSlot(run, image, slot, 0, trailer.copyDone === 'set' ? 'boot' : 'install');
      if (!info.valid) {
        run.log.note(`image ${image}: ${slot} refused: ${info.reason}: erased`);
        this.loader.scrambleSlot(run, area);
        unavailable.add(slot);
        continue;
      }
      if (trailer.copyDone === 'unset') this.loader.writeFlag(run, area, 'copyDone');
      return { slot, area, info };
    }
    return undefined;
  }

  /** The available slot whose header has the highest version; the primary wins a tie. */
  protected highestVersion(run: BootRun, image: number, unavailable: Set<SlotName>): SlotName | undefined {
    let best: { slot: SlotName; version: SlotImage['version'] } | undefined;
    for (const slot of SLOTS) {
      if (unavailable.has(slot)) continue;
      const area = run.images[image][slot];
      const header = readHeader(run.ctx.flash, area, 0);
      if (header === undefined || header.hdrSize + header.imgSize + header.protectTlvSize >= area.size) continue;
      const romFixed = (header.flags & ImageFlag.ROM_FIXED) !== 0;
      if (romFixed && header.loadAddr !== run.ctx.board.memory.flash.base + area.offset) continue;
      if (best?.version === undefined || compareVersions(header.version, best.version) > 0) {
        best = { slot, version: header.version };
      }
    }
    return best?.slot;
  }

  protected firstUnmetDependency(chosen: readonly Choice[]): number | undefined {
    for (let image = 0; image < chosen.length; image++) {
      for (const dependency of this.loader.readDependencies(chosen[image].info)) {
        const target = chosen[dependency.imageId]?.info.version;
        if (target === undefined || compareVersions(target, dependency.version) < 0) return image;
      }
    }
    return undefined;
  }

  protected handOff(run: BootRun, chosen: readonly Choice[]): BootOutcome {
    const booted: BootedImage[] = chosen.map((choice, image) => {
      if (run.ctx.config.hardwareRollback) this.raiseCounter(run, image, choice);
      return this.loader.bootedImage(run, image, choice.slot, choice.area, choice.info);
    });
    return this.loader.handoffOutcome(run, booted);
  }

  /** Only once the running image is confirmed (image_ok), as with revert enabled. */
  protected raiseCounter(run: BootRun, image: number, choice: Choice): void {
    const value = choice.info.securityCounter;
    if (value === undefined) return;
    const trailer = this.loader.readTrailer(run, choice.area);
    const current = run.ctx.flash.readCounter(securityCounterId(image));
    if (value > current && this.loader.counterMayAdvance(run, trailer)) this.loader.bumpSecurityCounter(run, image, value);
  }
}
