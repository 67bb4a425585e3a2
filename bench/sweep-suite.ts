/**
 * The benchmark's suite: a full-slot test upgrade (both images as large as the strategy allows), with one power
 * cut swept over every flash operation of it, each cut not started or torn. Written as a user's suite is, against
 * the installed package (this repository's own `dist/`, by its name), so the compiled run loads it as it would
 * load theirs.
 */
import { defineSuite, imageExtent, maxImageSize, type SuiteContext, updateScenario } from 'bootproof/harness';

/** The largest image the strategy accepts: sign with a payload that leaves exactly room for header and TLVs. */
function fullSlotImage(ctx: SuiteContext, version: string, securityCounter: number): Uint8Array {
  const limit = maxImageSize(ctx.board, ctx.config);
  if (typeof limit === 'string') throw new Error(`no full-slot image on ${ctx.board.name}: ${limit}`);
  const probe = ctx.fixtures.image({ version, securityCounter, payloadSize: 1024 });
  const overhead = imageExtent(probe) - 1024;
  return ctx.fixtures.image({ version, securityCounter, payloadSize: limit - overhead });
}

export default defineSuite({
  name: 'full-slot-sweep',
  title: 'every operation of a full-slot test upgrade, cut not-started and torn',
  scenarios: (ctx) => [
    updateScenario(ctx, {
      id: 'full-slot',
      title: 'full-slot test upgrade, confirmed',
      from: fullSlotImage(ctx, '1.0.0', 1),
      to: fullSlotImage(ctx, '2.0.0', 2),
      cuts: { points: { kind: 'all' }, outcomes: ['not-started', 'torn'] },
    }),
  ],
});
