/**
 * The image group's view of a device, as Zephyr's img_mgmt reports it (img_mgmt_state.c): what each slot holds
 * (version, hash TLV digest, bootable) and the flags that follow from the next swap type. The trailer reads and
 * writes and the swap decision are the application-side operations of emulator/boot (boot_set_pending,
 * boot_set_confirmed, the decision table), so the SMP server and the bootloader can never disagree about them.
 */
import type { FlashRegion } from '../../boards/types.ts';
import { type AppContext, readSwapState, runningSlot, type SlotName, setConfirmed, setPending, UpdateRequestError } from '../../emulator/boot/index.ts';
import { ImageFlag } from '../../images/index.ts';
import { imageIdentity } from './image-hash.ts';
import type { ImageSlotState } from './smp.ts';

/** A refused command, as the MGMT_ERR name the server answers with. */
export class CommandRefused extends Error {
  readonly rc: 'EBADSTATE' | 'ENOENT' | 'EINVAL';
  constructor(rc: CommandRefused['rc'], message: string) {
    super(message);
    this.rc = rc;
  }
}

const SLOTS: readonly SlotName[] = ['primary', 'secondary'];

/**
 * Where an image starts in a slot: one sector in for the secondary of swap-offset builds (FORMATS.md §3.7), at the
 * start everywhere else.
 */
export function imageRegion(app: AppContext, image: number, slot: SlotName): FlashRegion {
  const region = app.board.partitions.images[image][slot];
  if (app.config.strategy !== 'swap-offset' || slot !== 'secondary') return region;
  const skip = app.flash.sectorAt(region.offset).size;
  return { offset: region.offset + skip, size: region.size - skip };
}

/** The slot an upload writes: the one not running (the secondary, except in direct-xip when it runs). */
export function updateRegion(app: AppContext, image: number): FlashRegion | undefined {
  if (image >= app.config.imageCount) return undefined;
  return imageRegion(app, image, runningSlot(app, image) === 'primary' ? 'secondary' : 'primary');
}

/** The `images` array of an image-state answer: one entry per slot that holds a parseable image. */
export function listImages(app: AppContext): ImageSlotState[] {
  const out: ImageSlotState[] = [];
  for (let image = 0; image < app.config.imageCount; image++) {
    const swap = readSwapState(app, image).nextSwap;
    const running = runningSlot(app, image);
    SLOTS.forEach((slot, index) => {
      const region = imageRegion(app, image, slot);
      const found = imageIdentity(app.flash.read(region.offset, region.size));
      if (found === undefined) return;
      const active = slot === running;
      out.push({
        image,
        slot: index,
        version: versionText(found.header.version),
        hash: found.hash,
        bootable: (found.header.flags & ImageFlag.NON_BOOTABLE) === 0,
        pending: !active && (swap === 'test' || swap === 'perm'),
        // img_mgmt_state_flags: the running slot is confirmed unless a revert is due; then the other one is.
        confirmed: swap === 'revert' ? !active : active,
        active,
        permanent: !active && swap === 'perm',
      });
    });
  }
  return out;
}

/** Zephyr's version string: `maj.min.rev`, with `.build` only when the build number is not 0. */
function versionText(v: { major: number; minor: number; revision: number; build: number }): string {
  return `${v.major}.${v.minor}.${v.revision}${v.build === 0 ? '' : `.${v.build}`}`;
}

/**
 * Image state write (FORMATS.md §8): `confirm` without a hash, or with the running image's, confirms it; a hash of
 * the other slot marks it for a test boot, or permanently with `confirm`.
 */
export function writeImageState(app: AppContext, hash: Uint8Array | undefined, confirm: boolean): void {
  const target = hash === undefined ? undefined : listImages(app).find((s) => s.hash !== undefined && Buffer.from(s.hash).equals(Buffer.from(hash)));
  if (hash !== undefined && target === undefined) throw new CommandRefused('ENOENT', 'no slot holds that hash');
  const image = target?.image ?? 0;
  try {
    if (target === undefined || target.active === true) {
      if (!confirm) throw new CommandRefused(target === undefined ? 'EINVAL' : 'EBADSTATE', 'only another slot can be marked for test');
      setConfirmed(app, image);
    } else {
      setPending(app, image, confirm);
    }
  } catch (error) {
    if (error instanceof UpdateRequestError) throw new CommandRefused('EBADSTATE', error.message);
    throw error;
  }
}
