/**
 * corrupt-image: every mutation of the images library's corruptor, delivered as an update (FAULTS F-15 … F-21,
 * F-23, F-24). An image the mutation made invalid must never run, and the old image must keep booting.
 */
import { NEW, OLD, updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';
import { corruptImage, MUTATIONS } from '../images/index.ts';
import { signedWithTrailer } from './padded.ts';

export default defineSuite({
  name: 'corrupt-image',
  title: 'every corruptor mutation (header, TLVs, payload, signature, size, trailer) delivered as an update',
  scenarios: (ctx) =>
    MUTATIONS.map((mutation, i) => {
      const id = mutation.name;
      const title = `update with ${mutation.summary}`;
      const slot = ctx.board.partitions.images[0].secondary;
      const source = mutation.needs === 'image+trailer' ? signedWithTrailer(ctx) : ctx.fixtures.pair.to;
      let bytes: Uint8Array;
      try {
        bytes = corruptImage(source, mutation.name, { seed: ctx.seed + i, other: ctx.fixtures.pair.from, slotSize: slot.size }).bytes;
      } catch (error) {
        const scenario = updateScenario(ctx, { id, title });
        return { ...scenario, skip: `the mutation does not apply to this image: ${(error as Error).message}` };
      }
      // The secondary slot bounds what can be downloaded at all; an image grown past it is cut at the slot end.
      const delivered = bytes.length > slot.size ? bytes.subarray(0, slot.size) : bytes;
      const scenario = updateScenario(ctx, { id, title, to: delivered, expect: OLD });
      const stillValid = scenario.images.find((img) => img.name === NEW)?.trusted === true;
      return stillValid ? { ...scenario, alsoAcceptable: [[NEW]] } : scenario;
    }),
});
