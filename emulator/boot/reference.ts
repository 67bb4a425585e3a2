/**
 * The reference bootloader: MCUboot's boot flow (loader.c `context_boot_go`, FORMATS §3.1) over the flash model.
 *
 * Extension points (a mutant is a subclass overriding ONE of these in a few lines):
 * - trailers: `readTrailer`, `decideSwapType`, `writeMagic`, `writeFlag`, `writeSwapInfo`, `writeSwapSize`,
 *   `writeStatusRecord`, `isStatusWritten`;
 * - flash work: `eraseSector`, `copyRegion`, `scrambleSlot`;
 * - validation and trust: `validateSlot`, `checkKeyValidity`, `readDependencies`, `downgradeAllowed`;
 * - counters: `counterMayAdvance`, `bumpSecurityCounter`;
 * - flow: `prepareImage`, `performUpdate`, `completeUpdate`, `refuseSecondary`;
 * - strategies: `strategyFor`, `directXip` (each strategy is a class in strategies/ whose steps are overridable methods too).
 */

import type { Dependency } from '../../images/sign.ts';
import { compareVersions } from '../../images/version.ts';
import { BootproofError } from '../common/errors.ts';
import { FlashRuleViolation, PowerCut } from '../flash/errors.ts';
import { type FlashArea, readArea, readAreaView } from './area.ts';
import { securityCounterId } from './clock.ts';
import { decideSwapType } from './decision.ts';
import { BootLog } from './log.ts';
import { type BootRun, openImageAreas, trailerFormat } from './run.ts';
import { DirectXip } from './strategies/direct-xip.ts';
import { OverwriteOnly } from './strategies/overwrite-only.ts';
import type { UpdateStrategy } from './strategies/strategy.ts';
import { SwapMove } from './strategies/swap-move.ts';
import { SwapOffset } from './strategies/swap-offset.ts';
import { SwapScratch } from './strategies/swap-scratch.ts';
import * as trailerIo from './trailer-io.ts';
import { advanceTimeFloor, keyValidityProblem, type ValidationPurpose } from './trust.ts';
import type {
  BootContext,
  BootedImage,
  Bootloader,
  BootOutcome,
  SlotName,
  SwapType,
  TrailerState,
  TrustedKey,
} from './types.ts';
import { NO_IMAGE, readHeader, type SlotImage, validateImageAt } from './validate.ts';

export type { ValidationPurpose } from './trust.ts';

const isUpdate = (type: SwapType): type is 'test' | 'perm' | 'revert' =>
  type === 'test' || type === 'perm' || type === 'revert';

export class ReferenceBootloader implements Bootloader {
  readonly name: string = 'reference';

  boot(ctx: BootContext): BootOutcome {
    const log = new BootLog();
    const areas = openImageAreas(ctx);
    if (typeof areas === 'string') return { kind: 'halt', reason: areas, log: log.entries };
    const run: BootRun = { ctx, format: trailerFormat(ctx), ...areas, log };
    try {
      if (ctx.config.strategy === 'direct-xip') return this.directXip().boot(run);
      return this.bootWithUpdates(run, this.strategyFor(run));
    } catch (error) {
      // A power cut ends the boot; a broken flash rule is a bug the harness must see. Anything else typed is a
      // refusal to boot with a reason, never an exception escaping to the caller.
      if (error instanceof PowerCut || error instanceof FlashRuleViolation) throw error;
      if (error instanceof BootproofError) return { kind: 'halt', reason: error.message, log: log.entries };
      throw error;
    }
  }

  strategyFor(run: BootRun): UpdateStrategy {
    switch (run.ctx.config.strategy) {
      case 'swap-scratch':
        return new SwapScratch(this);
      case 'swap-move':
        return new SwapMove(this);
      case 'swap-offset':
        return new SwapOffset(this);
      case 'overwrite-only':
        return new OverwriteOnly(this);
      case 'direct-xip':
        throw new BootproofError('direct-xip has no update strategy: it boots through directXip()');
    }
  }

  directXip(): DirectXip {
    return new DirectXip(this);
  }

  /** The largest image end the configured strategy allows in this image's slots (FORMATS §2.6). */
  maxImageSize(run: BootRun, image: number): number {
    if (run.ctx.config.strategy === 'direct-xip') return this.directXip().maxImageSize(run, image);
    return this.strategyFor(run).maxImageSize(run, image);
  }

  // ---- the boot flow for swap and overwrite builds (FORMATS §3.1) ----

  protected bootWithUpdates(run: BootRun, strategy: UpdateStrategy): BootOutcome {
    const count = run.images.length;
    const types: SwapType[] = new Array(count).fill('none');
    for (let image = 0; image < count; image++) types[image] = this.prepareImage(run, strategy, image, types);
    if (count > 1 && types.some(isUpdate) && !this.dependenciesMet(run, strategy, types)) types.fill('none');
    for (let image = 0; image < count; image++) this.performUpdate(run, strategy, image, types[image]);
    return this.handOff(run);
  }

  /** Loop 1 of `context_boot_go`: resume an interrupted update, or decide (and pre-validate) a new one. */
  prepareImage(run: BootRun, strategy: UpdateStrategy, image: number, types: SwapType[]): SwapType {
    const problem = strategy.layoutProblem(run, image);
    if (problem !== undefined) {
      run.log.note(`image ${image}: no update possible: ${problem}`);
      return 'none';
    }
    const progress = strategy.readProgress(run, image);
    if (progress.done > 0) {
      run.log.note(`image ${image}: resuming ${progress.swapType} after ${progress.done} recorded step(s)`);
      cancelEarlierReverts(types, image);
      strategy.run(run, image, progress);
      this.completeUpdate(run, strategy, image, progress.swapType);
      return this.tornTrialOver(run, image, progress.swapType) ? 'revert' : 'none';
    }
    const recorded = progress.source !== 'none' && isUpdate(progress.swapType);
    let type = recorded
      ? progress.swapType
      : this.decideSwapType(
          run,
          this.readTrailer(run, run.images[image].primary),
          this.readTrailer(run, run.images[image].secondary),
        );
    if (isUpdate(type)) {
      const candidate = this.validateSecondary(run, strategy, image, type, recorded);
      if (!candidate.valid) {
        run.log.note(`image ${image}: ${type} refused: secondary ${candidate.reason}`);
        type = this.refuseSecondary(run, image, type, recorded);
      }
    }
    if (type === 'test' || type === 'perm' || type === 'fail') cancelEarlierReverts(types, image);
    return type;
  }

  /**
   * A test swap that is complete but whose copy_done write tore (BAD, so it can be neither read as set nor written
   * again) cannot be closed: left alone it is resumed, and its image tried, at every boot, so an image that never
   * confirms itself would never be reverted. FAULTS F-07 asks every torn state to reach a bootable image: the trial
   * counts as over, and the image is reverted unless it confirmed itself.
   */
  private tornTrialOver(run: BootRun, image: number, swapType: SwapType): boolean {
    if (swapType !== 'test') return false;
    const trailer = this.readTrailer(run, run.images[image].primary);
    if (trailer.copyDone !== 'bad' || trailer.imageOk !== 'unset') return false;
    run.log.note(`image ${image}: copy_done torn after a complete test swap: the unconfirmed image is reverted`);
    return true;
  }

  /** Loop 2: downgrade check, then the update itself, then the completion flags. */
  performUpdate(run: BootRun, strategy: UpdateStrategy, image: number, type: SwapType): void {
    if (type === 'fail') {
      this.confirmPrimary(run, image);
      return;
    }
    if (!isUpdate(type)) return;
    if (type !== 'revert') {
      if (!this.downgradeAllowed(run, strategy, image, type)) {
        run.log.note(`image ${image}: downgrade refused, secondary erased`);
        this.scrambleSlot(run, run.images[image].secondary);
        return;
      }
      this.advanceTimeFloor(run);
    }
    run.log.note(`image ${image}: starting ${type}`);
    strategy.run(run, image, strategy.begin(run, image, type));
    this.completeUpdate(run, strategy, image, type);
  }

  /** After a swap: image_ok for a revert or a permanent upgrade, copy_done for any (FORMATS §3.1 step 6). */
  completeUpdate(run: BootRun, strategy: UpdateStrategy, image: number, type: SwapType): void {
    if (!strategy.marksCompletion) return;
    const area = run.images[image].primary;
    const trailer = this.readTrailer(run, area);
    if ((type === 'revert' || type === 'perm') && trailer.imageOk === 'unset') this.writeFlag(run, area, 'imageOk');
    if (trailer.copyDone === 'unset') this.writeFlag(run, area, 'copyDone');
    run.log.note(`image ${image}: ${type} complete`);
  }

  /**
   * The secondary failed validation. A swap already initialised becomes FAIL; otherwise the slot is erased (once:
   * a blank slot costs no operation, so the device settles). A revert with nothing valid to go back to leaves the
   * running image unconfirmed: only the application may confirm it, and only then may its counter move.
   */
  refuseSecondary(run: BootRun, image: number, _type: SwapType, recorded: boolean): SwapType {
    if (recorded) return 'fail';
    const secondary = run.images[image].secondary;
    if (!this.isBlank(run, secondary)) this.scrambleSlot(run, secondary);
    return 'none';
  }

  /** Whether every byte of `area` reads erased. */
  protected isBlank(run: BootRun, area: FlashArea): boolean {
    const erased = run.ctx.flash.geometry.erasedValue;
    return area.sectors.every((sector) =>
      readArea(run.ctx.flash, area, sector.offset, sector.size).every((b) => b === erased),
    );
  }

  /** A swap already initialised (`recorded`) has started rewriting the slot: only a fresh request is screened. */
  protected validateSecondary(
    run: BootRun,
    strategy: UpdateStrategy,
    image: number,
    type: SwapType,
    recorded: boolean,
  ): SlotImage {
    const base = strategy.secondaryBase(run, image, type);
    // An install that already started (overwrite-only erases the primary first, and keeps no progress record) is
    // finished whatever the clock says now: it was accepted, and refusing it would leave nothing to boot.
    const started = type !== 'revert' && !this.validateSlot(run, image, 'primary', 0, 'boot').valid;
    const purpose: ValidationPurpose = type === 'revert' || started ? 'boot' : 'install';
    const candidate = this.validateSlot(run, image, 'secondary', base, purpose);
    const fresh = type !== 'revert' && !recorded;
    const refusal = candidate.valid && fresh ? strategy.candidateProblem?.(run, image) : undefined;
    return refusal === undefined ? candidate : { ...candidate, valid: false, reason: refusal };
  }

  protected confirmPrimary(run: BootRun, image: number): void {
    const area = run.images[image].primary;
    if (this.readTrailer(run, area).imageOk === 'unset') this.writeFlag(run, area, 'imageOk');
  }

  /** Loop 3: check (or validate) every primary, move the rollback counters, hand off image 0. */
  protected handOff(run: BootRun): BootOutcome {
    const { config, trust } = run.ctx;
    const validate = config.validatePrimaryAtBoot || config.hardwareRollback || trust.enforce === 'every-boot';
    const booted: BootedImage[] = [];
    for (let image = 0; image < run.images.length; image++) {
      const area = run.images[image].primary;
      let info: SlotImage;
      if (validate) {
        info = this.validateSlot(run, image, 'primary', 0, 'boot');
        if (!info.valid) return this.halt(run, `image ${image}: primary slot is not bootable: ${info.reason}`);
      } else {
        const header = readHeader(run.ctx.flash, area, 0);
        if (header === undefined) return this.halt(run, `image ${image}: no image header in the primary slot`);
        info = { ...NO_IMAGE, valid: true, version: header.version };
      }
      if (config.hardwareRollback) this.updateSecurityCounter(run, image, area, info);
      booted.push(this.bootedImage(run, image, 'primary', area, info));
    }
    return this.handoffOutcome(run, booted);
  }

  handoffOutcome(run: BootRun, booted: BootedImage[]): BootOutcome {
    const first = booted[0];
    return {
      kind: 'handoff',
      image: first.image,
      slot: first.slot,
      address: first.address,
      offset: first.offset,
      version: first.version,
      digest: first.digest,
      images: booted,
      log: run.log.entries,
    };
  }

  bootedImage(run: BootRun, image: number, slot: SlotName, area: FlashArea, info: SlotImage): BootedImage {
    const header = readHeader(run.ctx.flash, area, 0);
    return {
      image,
      slot,
      offset: area.offset,
      address: run.ctx.board.memory.flash.base + area.offset,
      headerSize: header?.hdrSize ?? 0,
      version: info.version ?? { major: 0, minor: 0, revision: 0, build: 0 },
      digest: info.digest,
      keyIndex: info.keyIndex,
    };
  }

  halt(run: BootRun, reason: string): BootOutcome {
    run.log.note(`halt: ${reason}`);
    return { kind: 'halt', reason, log: run.log.entries };
  }

  // ---- validation, trust, downgrade, dependencies ----

  validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage {
    const { ctx } = run;
    const area = run.images[image][slot];
    const result = validateImageAt(ctx.flash, area, base, {
      keys: ctx.trust.keys,
      slotSize: area.size,
      maxImageSize: this.maxImageSize(run, image),
      minSecurityCounter: ctx.config.hardwareRollback
        ? ctx.flash.readCounter(securityCounterId(image))
        : undefined,
    });
    if (!result.valid || result.keyIndex < 0) return result;
    const problem = this.checkKeyValidity(run, ctx.trust.keys[result.keyIndex], purpose);
    return problem === undefined ? result : { ...result, valid: false, reason: problem };
  }

  /** The trust policy's verdict on the key that signed an image (trust.ts). */
  checkKeyValidity(run: BootRun, key: TrustedKey, purpose: ValidationPurpose): string | undefined {
    return keyValidityProblem(run.ctx, key, purpose, (line) => run.log.note(line));
  }

  /** Persists trusted time as the time floor, once per accepted install. */
  protected advanceTimeFloor(run: BootRun): void {
    advanceTimeFloor(run.ctx);
  }

  /** MCUboot `check_downgrade_prevention`, for TEST and PERM alike (#1708); never for a revert, which must go back. */
  downgradeAllowed(run: BootRun, strategy: UpdateStrategy, image: number, type: 'test' | 'perm' = 'test'): boolean {
    const mode = run.ctx.config.downgradePrevention;
    if (mode === 'none') return true;
    // swap-move's fixup marks the secondary it turns into a "permanent upgrade" with swap_info REVERT: it is the old
    // image coming back, which a revert may always do. The application API (`setPending`) never writes REVERT.
    if (this.readTrailer(run, run.images[image].secondary).swapType === 'revert') return true;
    const candidate = this.validateSlot(run, image, 'secondary', strategy.secondaryBase(run, image, type), 'install');
    if (mode === 'version') {
      // Only an image that validates is something to downgrade from: a header torn by a cut during an
      // overwrite-only copy carries a garbage version, and comparing against it refuses every update and bricks.
      const primary = this.validateSlot(run, image, 'primary', 0, 'boot');
      if (!primary.valid || primary.version === undefined || candidate.version === undefined) return true;
      return compareVersions(candidate.version, primary.version) >= 0;
    }
    const current = this.validateSlot(run, image, 'primary', 0, 'boot');
    if (!current.valid || current.securityCounter === undefined) return true;
    return candidate.securityCounter !== undefined && candidate.securityCounter >= current.securityCounter;
  }

  /** DEPENDENCY TLVs, from the protected area only (an unprotected one could be edited without breaking the signature). */
  readDependencies(image: SlotImage): readonly Dependency[] {
    return image.dependencies;
  }

  /** FORMATS §3.9: any unmet dependency of a slot about to become active cancels every update of this boot. */
  protected dependenciesMet(run: BootRun, strategy: UpdateStrategy, types: readonly SwapType[]): boolean {
    const active = types.map((type, image) => {
      const slot: SlotName = isUpdate(type) ? 'secondary' : 'primary';
      const base = slot === 'secondary' ? strategy.secondaryBase(run, image, type) : 0;
      return this.validateSlot(run, image, slot, base, 'boot');
    });
    for (let image = 0; image < active.length; image++) {
      for (const dependency of this.readDependencies(active[image])) {
        const target = active[dependency.imageId];
        if (target?.version === undefined || compareVersions(target.version, dependency.version) < 0) {
          run.log.note(`image ${image}: dependency on image ${dependency.imageId} not met, no update this boot`);
          return false;
        }
      }
    }
    return true;
  }

  // ---- security counters ----

  /** Only a confirmed image moves the counter: never during a test run (mcu-tools/mcuboot PR #2282). */
  counterMayAdvance(run: BootRun, primary: TrailerState): boolean {
    void run;
    return primary.magic !== 'good' || primary.imageOk === 'set';
  }

  protected updateSecurityCounter(run: BootRun, image: number, area: FlashArea, info: SlotImage): void {
    const value = info.securityCounter;
    if (value === undefined || value <= run.ctx.flash.readCounter(securityCounterId(image))) return;
    if (this.counterMayAdvance(run, this.readTrailer(run, area))) this.bumpSecurityCounter(run, image, value);
  }

  bumpSecurityCounter(run: BootRun, image: number, value: number): void {
    run.log.note(`image ${image}: security counter raised to ${value}`);
    run.ctx.flash.advanceCounter(securityCounterId(image), value);
  }

  // ---- trailers and status ----

  readTrailer(run: BootRun, area: FlashArea): TrailerState {
    return trailerIo.readTrailerState(run.ctx.flash, area, run.format);
  }

  decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    return decideSwapType(primary, secondary, run.format.swapOffset);
  }

  writeMagic(run: BootRun, area: FlashArea): void {
    trailerIo.writeMagic(run.ctx.flash, area, run.format);
  }

  writeFlag(run: BootRun, area: FlashArea, field: trailerIo.TrailerField): void {
    trailerIo.writeFlag(run.ctx.flash, area, run.format, field);
  }

  writeSwapInfo(run: BootRun, area: FlashArea, type: 'test' | 'perm' | 'revert', image: number): void {
    trailerIo.writeSwapInfo(run.ctx.flash, area, run.format, type, image);
  }

  writeSwapSize(run: BootRun, area: FlashArea, size: number): void {
    trailerIo.writeSwapSize(run.ctx.flash, area, run.format, size);
  }

  writeUnprotectedSizes(run: BootRun, area: FlashArea, sizes: number): void {
    trailerIo.writeUnprotectedSizes(run.ctx.flash, area, run.format, sizes);
  }

  /** One status record: the state number in the first byte of one write unit (FORMATS §2.4). */
  writeStatusRecord(run: BootRun, area: FlashArea, offset: number, value: number): void {
    trailerIo.writeTrailerBytes(run.ctx.flash, area, offset, Uint8Array.of(value));
  }

  /** A record counts as written when its first byte is not erased (MCUboot reads one byte per record). */
  isStatusWritten(run: BootRun, firstByte: number): boolean {
    return firstByte !== run.ctx.flash.geometry.erasedValue;
  }

  // ---- flash work ----

  eraseSector(run: BootRun, area: FlashArea, index: number): void {
    run.ctx.flash.erase(area.offset + area.sectors[index].offset);
  }

  /**
   * Copies `length` bytes in chunks of 1024 (MCUboot's BUF_SZ), one program per chunk; the length is rounded up
   * to the write unit, as the copy's buffer is.
   */
  copyRegion(run: BootRun, from: FlashArea, fromOffset: number, to: FlashArea, toOffset: number, length: number): void {
    const { flash } = run.ctx;
    const unit = flash.geometry.writeUnit;
    const total = Math.ceil(length / unit) * unit;
    const chunk = Math.max(1024, unit);
    // Where no program of this copy can reach its source, each chunk is programmed straight from the flash's own
    // bytes (a view, not a copy): the same bytes, the same programs, each still an operation a cut lands on.
    const inPlace = !overlaps(from.offset + fromOffset, to.offset + toOffset, total);
    for (let done = 0; done < total; done += chunk) {
      const size = Math.min(chunk, total - done);
      const bytes = inPlace ? readAreaView(flash, from, fromOffset + done, size) : readArea(flash, from, fromOffset + done, size);
      flash.program(to.offset + toOffset + done, bytes);
    }
  }

  /**
   * Erases a whole slot, header first: a cut part-way leaves no image to boot, never a valid image whose trailer
   * is gone (which direct-xip would take for an installed, confirmed image).
   */
  scrambleSlot(run: BootRun, area: FlashArea): void {
    for (let index = 0; index < area.sectors.length; index++) this.eraseSector(run, area, index);
  }

  /** Erases the sectors of `area` that hold bytes in [from, to). */
  eraseRange(run: BootRun, area: FlashArea, from: number, to: number): void {
    area.sectors.forEach((sector, index) => {
      if (sector.offset < to && sector.offset + sector.size > from) this.eraseSector(run, area, index);
    });
  }
}

/** Whether [a, a + length) and [b, b + length) share a byte. */
function overlaps(a: number, b: number, length: number): boolean {
  return a < b + length && b < a + length;
}

/** MCUboot's "review" of earlier images: their REVERT waits while a later image is mid-update (FORMATS §3.9). */
function cancelEarlierReverts(types: SwapType[], image: number): void {
  for (let earlier = 0; earlier < image; earlier++) if (types[earlier] === 'revert') types[earlier] = 'none';
}
