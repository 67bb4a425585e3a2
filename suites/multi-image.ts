/**
 * multi-image: two images updated together with DEPENDENCY TLVs (FAULTS F-33, F-34, F-35): a met dependency
 * installs both, an unmet one installs neither, and power cuts during the pair's install never leave a mix.
 */
import type { Scenario } from '../harness/scenario.ts';
import { defineSuite, type SuiteContext } from '../harness/suite.ts';
import { TlvType } from '../images/index.ts';
import { dependencyValue, withUnprotectedTlvs } from './tlv-faults.ts';

function pair(ctx: SuiteContext, dependsOn: string, id: string, title: string, expectNew: boolean, forged?: string): Scenario {
  const { fixtures } = ctx;
  const trust = fixtures.trust();
  const image = (n: number, version: string, dependencies?: { imageId: number; version: string }[]) =>
    fixtures.image({
      image: n,
      version,
      dependencies: dependencies?.map((d) => ({ imageId: d.imageId, version: parseVersion(d.version) })),
    });
  return {
    id,
    title,
    config: { ...ctx.config, imageCount: 2 },
    trust,
    clock: { kind: 'rtc', seconds: 1_700_000_000 },
    images: [
      fixtures.known('old0', image(0, '1.0.0'), trust),
      fixtures.known('old1', image(1, '1.0.0'), trust),
      fixtures.known('new0', forgedDependency(image(0, '2.0.0', [{ imageId: 1, version: dependsOn }]), forged), trust),
      fixtures.known('new1', image(1, '2.0.0'), trust),
    ],
    factory: { primaries: ['old0', 'old1'] },
    steps: [
      { kind: 'download', image: 1, name: 'new1' },
      { kind: 'download', image: 0, name: 'new0' },
      { kind: 'request', image: 1, mode: 'test' },
      { kind: 'request', image: 0, mode: 'test' },
      { kind: 'reboot' },
    ],
    expect: expectNew ? ['new0', 'new1'] : ['old0', 'old1'],
    cuts: expectNew ? { points: { kind: 'interesting' }, outcomes: ['torn'], phases: ['install'] } : undefined,
  };
}

/** A dependency appended to the unprotected TLV area, which no signature covers: it must be ignored. */
function forgedDependency(image: Uint8Array, version: string | undefined): Uint8Array {
  if (version === undefined) return image;
  const { major, minor, revision } = parseVersion(version);
  return withUnprotectedTlvs(image, [{ type: TlvType.DEPENDENCY, value: dependencyValue(1, major, minor, revision) }]);
}

function parseVersion(text: string) {
  const [major, minor, revision] = text.split('.').map(Number);
  return { major, minor, revision, build: 0 };
}

export default defineSuite({
  name: 'multi-image',
  title: 'two images with dependencies: met, unmet, and cuts during the pair install (no mix-and-match)',
  skip: (ctx) =>
    ctx.board.partitions.images.length < 2
      ? `board ${ctx.board.name} has one image slot pair; multi-image needs two (e.g. nucleo_l552ze_q)`
      : ctx.fixtures.pair.fromUser
        ? 'needs its own test images (no --image-from/--image-to)'
        : undefined,
  scenarios: (ctx) => [
    pair(ctx, '2.0.0', 'dependency-met', 'image 0 2.0.0 needs image 1 ≥ 2.0.0, both updated', true),
    pair(ctx, '3.0.0', 'dependency-unmet', 'image 0 2.0.0 needs image 1 ≥ 3.0.0, but image 1 2.0.0 is offered', false),
    pair(ctx, '2.0.0', 'forged-dependency', 'a forged, unmet dependency in the unprotected TLV area of image 0 is ignored', true, '9.0.0'),
  ],
});
