/**
 * corrupt-image: every mutation of the images library's corruptor, delivered as an update (FAULTS F-15 … F-21,
 * F-23, F-24); and, enumerated, every TLV of the image × every way its entry can lie and every header field, in
 * both slots the bootloader reads: delivered as an update (the old image must keep booting) and sitting in the
 * primary at rest (nothing may run it: the device halts). An image a mutation left valid may run.
 */
import { NEW, OLD, updateScenario } from '../harness/builders.ts';
import type { Scenario } from '../harness/scenario.ts';
import { defineSuite, type SuiteContext } from '../harness/suite.ts';
import { corruptImage, MUTATIONS } from '../images/index.ts';
import { signedWithTrailer } from './padded.ts';
import { headerFaults, type ImageFault, TLV_MUTATIONS, tlvFaults } from './tlv-faults.ts';

/** A structural fault in the update (secondary) and in the running image (primary, at rest, then a reboot). */
function slotScenarios(ctx: SuiteContext, fault: ImageFault): Scenario[] {
  const slot = ctx.board.partitions.images[0].secondary;
  const delivered = fault.bytes.length > slot.size ? fault.bytes.subarray(0, slot.size) : fault.bytes;
  const update = updateScenario(ctx, { id: `secondary/${fault.id}`, title: `update with ${fault.summary}`, to: delivered, expect: OLD });
  const updateValid = update.images.find((img) => img.name === NEW)?.trusted === true;
  const base = updateScenario(ctx, { id: `primary/${fault.id}`, title: `running image with ${fault.summary}, at rest`, from: delivered });
  const primaryValid = base.images.find((img) => img.name === OLD)?.trusted === true;
  const primary: Scenario = { ...base, steps: [{ kind: 'reboot' }], expect: primaryValid ? [OLD] : 'halt' };
  return [updateValid ? { ...update, alsoAcceptable: [[NEW]] } : update, primary];
}

function structuralFaults(ctx: SuiteContext): ImageFault[] {
  return [...tlvFaults(ctx.fixtures.pair.to), ...headerFaults(ctx.fixtures.pair.to)];
}

export default defineSuite({
  name: 'corrupt-image',
  title: 'every corruptor mutation (header, TLVs, payload, signature, size, trailer) delivered as an update',
  coverage: (ctx) => {
    const tlvs = tlvFaults(ctx.fixtures.pair.to).length;
    return [
      { what: `TLVs × mutations (${TLV_MUTATIONS.join(', ')}; straddling the boundary) × 2 slots`, how: 'enumerated', count: 2 * tlvs },
      { what: 'header fields × 2 slots', how: 'enumerated', count: 2 * headerFaults(ctx.fixtures.pair.to).length },
      { what: 'corruptor mutations (bit, TLV and field picked from the seed)', how: 'sampled', count: MUTATIONS.length },
    ];
  },
  scenarios: (ctx) => [
    ...MUTATIONS.map((mutation, i) => {
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
    ...structuralFaults(ctx).flatMap((fault) => slotScenarios(ctx, fault)),
  ],
});
