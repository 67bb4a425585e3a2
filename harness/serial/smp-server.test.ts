import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrames, FrameDecoder } from './framing.ts';
import { decodeMessage, encodeMessage, MgmtErr, type SmpBody } from './smp.ts';
import { TEST_BOARD, testDevice, testImage } from './testing.ts';

/** A device whose answers are decoded back into messages. */
function device(bufSize?: number, onReset?: () => void) {
  const decoder = new FrameDecoder();
  const answers: ReturnType<typeof decodeMessage>[] = [];
  const lines: string[] = [];
  const { server, flash } = testDevice(
    (bytes) => {
      for (const event of decoder.push(bytes)) {
        if (event.kind === 'packet') answers.push(decodeMessage(event.body));
        else if (event.kind === 'console') lines.push(event.line);
        else throw event.error;
      }
    },
    { bufSize, onReset },
  );
  const ask = (op: number, group: number, id: number, body: SmpBody, seq = 1) => {
    server.receive(encodeFrames(encodeMessage({ op: op as 0 | 2, version: 1, flags: 0, group, seq, id }, body)));
    return answers.at(-1);
  };
  return { server, flash, answers, lines, ask };
}

describe('SmpServer', () => {
  it('answers with the request sequence number and op + 1, and ENOTSUP for a command it lacks', () => {
    const d = device();
    const answer = d.ask(2, 0, 0, { d: 'seq' }, 200);
    expect(answer?.header).toMatchObject({ op: 3, seq: 200, group: 0, id: 0 });
    expect(d.ask(0, 64, 3, {})?.body).toEqual({ rc: MgmtErr.ENOTSUP });
    expect(d.ask(2, 0, 0, { d: 5 })?.body).toEqual({ rc: MgmtErr.EINVAL });
  });

  it('drops frames it cannot decode, and requests larger than its buffer, without answering', () => {
    const d = device(128);
    const bad = encodeFrames(encodeMessage({ op: 2, version: 1, flags: 0, group: 0, seq: 1, id: 0 }, { d: 'x' }));
    bad[5] ^= 0x01;
    d.server.receive(bad);
    d.ask(2, 0, 0, { d: 'y'.repeat(200) });
    expect(d.answers).toEqual([]);
    // The bad CRC, then the oversized packet's first frame and its two continuation frames, orphaned.
    expect(d.server.framingErrors).toBe(4);
  });

  it('asks for a restart (off 0) for a chunk with no upload in progress, and the expected offset for a wrong one', () => {
    const d = device();
    expect(d.ask(2, 1, 1, { off: 100, data: new Uint8Array(8) })?.body).toEqual({ rc: 0, off: 0 });
    d.ask(2, 1, 1, { off: 0, len: 64, data: new Uint8Array(16) });
    expect(d.ask(2, 1, 1, { off: 40, data: new Uint8Array(8) })?.body).toEqual({ rc: 0, off: 16 });
  });

  it('refuses an upload larger than the slot, and a chunk past len', () => {
    const d = device();
    const slot = TEST_BOARD.partitions.images[0].secondary.size;
    expect(d.ask(2, 1, 1, { off: 0, len: slot + 1, data: new Uint8Array(8) })?.body).toEqual({ rc: MgmtErr.EINVAL });
    expect(d.ask(2, 1, 1, { off: 0, len: 8, data: new Uint8Array(9) })?.body).toEqual({ rc: MgmtErr.EINVAL });
  });

  it('erases the secondary on request, after which the image list is empty', () => {
    const d = device();
    const image = testImage(1000, '1.0.0');
    d.flash.load(TEST_BOARD.partitions.images[0].secondary.offset, image);
    expect(d.ask(0, 1, 0, {})?.body.images).toHaveLength(1);
    expect(d.ask(2, 1, 5, {})?.body).toEqual({});
    expect(d.ask(0, 1, 0, {})?.body).toEqual({ images: [] });
  });

  it('resets after answering a reset request, forgetting the upload in progress', () => {
    const events: string[] = [];
    const d = device(undefined, () => events.push(`reset after ${d.answers.length} answer(s)`));
    d.ask(2, 1, 1, { off: 0, len: 64, data: new Uint8Array(16) });
    expect(d.ask(2, 0, 5, {})?.body).toEqual({});
    expect(events).toEqual(['reset after 2 answer(s)']);
    expect(d.ask(2, 1, 1, { off: 16, data: new Uint8Array(16) })?.body).toEqual({ rc: 0, off: 0 });
  });

  it('prints console lines between frames', () => {
    const d = device();
    d.server.printConsole('I: mcuboot 2.1.0');
    d.ask(2, 0, 0, { d: 'x' });
    expect(d.lines).toEqual(['I: mcuboot 2.1.0']);
    expect(d.answers).toHaveLength(1);
  });

  it('never throws and answers every decodable request, whatever the group, command and body', () => {
    const value = fc.oneof(
      fc.nat({ max: 70_000 }),
      fc.integer({ min: -5, max: 5 }),
      fc.boolean(),
      fc.string({ maxLength: 8 }),
      fc.uint8Array({ maxLength: 64 }),
    );
    const body = fc.dictionary(fc.constantFrom('off', 'len', 'data', 'sha', 'image', 'hash', 'confirm', 'slot', 'd', 'force'), value);
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom(0, 2), group: fc.constantFrom(0, 1, 2, 64), id: fc.nat({ max: 7 }), body }), {
          maxLength: 12,
        }),
        (requests) => {
          const d = device();
          requests.forEach((r, seq) => {
            const answer = d.ask(r.op, r.group, r.id, r.body, seq);
            expect(answer?.header.seq).toBe(seq);
          });
        },
      ),
      { seed: 5, numRuns: 80 },
    );
  });
});
