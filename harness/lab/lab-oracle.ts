/**
 * The oracle's view of a real board: not its flash, which cannot be read, but what the board shows — mcumgr's image
 * list (each slot's hash TLV digest, version, active/confirmed/pending) and the version the console banner prints.
 * The running image is identified by its hash; the invariants and their names are the oracle's (safety, exactness,
 * no-brick). What cannot be seen from outside (collateral flash, hardware counters) is not claimed.
 */

import { formatVersion } from '../../images/index.ts';
import type { RunningImage } from '../device.ts';
import type { Violation } from '../invariants.ts';
import type { KnownImage, Scenario } from '../scenario.ts';
import { type ImageSlotState, imageIdentity } from '../serial/index.ts';

export interface LabVerdict {
  readonly violations: Violation[];
  /** The known image that runs, per image index (undefined: bytes of no known image). */
  readonly names: readonly (string | undefined)[];
  /** The image list's flags, so two boots can be compared (the board settled when nothing changed). */
  readonly state: string;
}

export class LabOracle {
  private readonly byHash = new Map<string, { image: KnownImage; version: string }[]>();

  constructor(private readonly scenario: Scenario) {
    for (const image of scenario.images) {
      const identity = imageIdentity(image.bytes);
      if (identity?.hash === undefined) continue;
      const key = Buffer.from(identity.hash).toString('hex');
      const version = zephyrVersion(formatVersion(identity.header.version));
      this.byHash.set(key, [...(this.byHash.get(key) ?? []), { image, version }]);
    }
  }

  known(name: string): KnownImage {
    const image = this.scenario.images.find((i) => i.name === name);
    if (!image) throw new Error(`scenario ${this.scenario.id} names an image '${name}' it does not define`);
    return image;
  }

  /** Judges a hand-off from the banner (`running`) and the image list the application answered with. */
  checkHandoff(running: readonly RunningImage[], list: readonly ImageSlotState[], boot: string): LabVerdict {
    const violations: Violation[] = [];
    const names = running.map((run) => {
      const slot = run.slot === 'primary' ? 0 : 1;
      const listed = list.find((s) => s.image === run.image && s.slot === slot);
      const where = `image ${run.image} ${run.slot} slot`;
      if (listed === undefined) {
        violations.push({ invariant: 'exactness', message: `${boot}: the board runs ${where}, which its image list does not show` });
        return undefined;
      }
      if (zephyrVersion(run.version) !== listed.version) {
        violations.push({
          invariant: 'exactness',
          message: `${boot}: the console says version ${run.version}, the image list says ${listed.version} for ${where}`,
        });
      }
      const hash = listed.hash === undefined ? undefined : Buffer.from(listed.hash).toString('hex');
      // A corrupted copy may carry another image's hash TLV: the version tells them apart. Beyond that, bytes
      // that differ under the same hash and version cannot be told apart from outside the board.
      const candidates = (hash === undefined ? [] : (this.byHash.get(hash) ?? [])).filter((c) => c.version === listed.version);
      const known = (candidates.find((c) => c.image.trusted) ?? candidates[0])?.image;
      if (known === undefined) {
        violations.push({
          invariant: 'exactness',
          message: `${boot}: ${where} holds hash ${hash ?? '(none)'}, version ${listed.version}: none of ${this.scenario.images.map((i) => i.name).join(', ')}`,
        });
        return undefined;
      }
      if (!known.trusted) {
        violations.push({ invariant: 'safety', message: `${boot}: ${where} runs '${known.name}', which is not valid under the trust policy` });
      }
      return known.name;
    });
    return { violations, names, state: describeList(list) };
  }
}

/** The banner's `1.2.3+4` as mcumgr lists it: `1.2.3.4`, or `1.2.3` when the build number is 0. */
function zephyrVersion(banner: string): string {
  const match = /^(\d+\.\d+\.\d+)(?:\+(\d+))?$/.exec(banner);
  if (!match) return banner;
  return match[2] === undefined || match[2] === '0' ? match[1] : `${match[1]}.${match[2]}`;
}

function describeList(list: readonly ImageSlotState[]): string {
  return list
    .map((s) => {
      const flags = [s.active && 'active', s.confirmed && 'confirmed', s.pending && 'pending', s.permanent && 'permanent'];
      const hash = s.hash === undefined ? '-' : Buffer.from(s.hash).toString('hex').slice(0, 16);
      return `${s.image}/${s.slot} ${s.version} ${hash} ${flags.filter(Boolean).join(',')}`;
    })
    .join('; ');
}
