// KnownBytes answers whether the flash still holds remembered bytes, comparing only the sectors whose content handle
// changed: these tests pin what it compares, and that a changed byte in a changed sector is always seen.
import { describe, expect, it } from 'vitest';
import { KnownBytes } from './known-bytes.ts';
import { NorFlash } from './nor-flash.ts';
import { testGeometry } from './test/helpers.ts';
import type { ContentSpan } from './types.ts';

const geometry = testGeometry({ sectors: Array(4).fill(1024) });
/** Three sectors' worth of bytes from 512 on: a part of sector 0, sectors 1 and 2, a part of sector 3. */
const AT = 512;
const bytes = Uint8Array.from({ length: 3 * 1024 }, (_, i) => (i * 7 + 3) & 0xff);

function flashHolding(): NorFlash {
  const flash = new NorFlash(geometry);
  flash.load(AT, bytes);
  return flash;
}

/** A compare that records the offsets it was asked about, answered by the flash in place. */
function comparer(flash: NorFlash) {
  const asked: number[] = [];
  const same = (span: ContentSpan, expected: Uint8Array) => {
    asked.push(AT + span.from);
    return flash.matches(AT + span.from, expected);
  };
  return { asked, same };
}

/** Rewrites the sector at `offset` with the bytes it holds, `change` applied first: another handle. */
function rewrite(flash: NorFlash, offset: number, change: (sector: Uint8Array) => void = () => {}): void {
  const sector = flash.peek(offset, 1024);
  change(sector);
  flash.erase(offset);
  flash.program(offset, sector);
}

describe('KnownBytes', () => {
  it('compares every span the first time, then only the spans whose sector was written since', () => {
    const flash = flashHolding();
    const known = new KnownBytes(AT, bytes.slice());
    const { asked, same } = comparer(flash);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
    expect(asked).toEqual([512, 1024, 2048, 3072]);
    asked.length = 0;
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
    expect(asked).toEqual([]);
    rewrite(flash, 2048);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
    expect(asked).toEqual([2048]);
  });

  it('sees one changed bit in a rewritten sector, and holds again once the bytes come back', () => {
    const flash = flashHolding();
    const known = new KnownBytes(AT, bytes.slice());
    const { same } = comparer(flash);
    const original = flash.snapshot();
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
    rewrite(flash, 1024, (sector) => {
      sector[700] &= 0xfe;
    });
    expect(flash.peek(1024 + 700, 1)[0]).not.toBe(bytes[1024 + 700 - AT]);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(false);
    // Still changed: the refusal was not remembered as a hold.
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(false);
    flash.restore(original);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
  });

  it('answers no when the compare refuses a span, even one whose bytes are right', () => {
    const flash = flashHolding();
    const known = new KnownBytes(AT, bytes.slice());
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), () => false)).toBe(false);
  });

  it('trusts the spans the bytes were read from, and compares nothing while they stay', () => {
    const flash = flashHolding();
    const spans = flash.contentSpans(AT, bytes.length);
    const known = new KnownBytes(AT, flash.read(AT, bytes.length), spans);
    const { asked, same } = comparer(flash);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length), same)).toBe(true);
    expect(asked).toEqual([]);
  });

  it('answers no for spans that do not cover exactly its bytes', () => {
    const flash = flashHolding();
    const known = new KnownBytes(AT, bytes.slice());
    const always = () => true;
    expect(known.heldIn(flash.contentSpans(AT, bytes.length - 4), always)).toBe(false);
    expect(known.heldIn(flash.contentSpans(AT, bytes.length + 4), always)).toBe(false);
    const spans = flash.contentSpans(AT, bytes.length);
    expect(known.heldIn([spans[0], spans[2], spans[1], spans[3]], always)).toBe(false);
    expect(known.heldIn([], always)).toBe(false);
  });
});

describe('NorFlash.contentSpans', () => {
  it('names each sector of a range with where its bytes lie, and whether it reads as an ECC fault', () => {
    const flash = new NorFlash({ ...geometry, programRule: 'ecc' });
    flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 1, tear: { units: 1, unit: 'ones' } });
    expect(() => flash.program(2048, new Uint8Array(16))).toThrow();
    const spans = flash.contentSpans(AT, bytes.length);
    expect(spans.map(({ from, length, eccFaults }) => ({ from, length, eccFaults }))).toEqual([
      { from: 0, length: 512, eccFaults: false },
      { from: 512, length: 1024, eccFaults: false },
      { from: 1536, length: 1024, eccFaults: true },
      { from: 2560, length: 512, eccFaults: false },
    ]);
    expect(flash.contentKey(AT, bytes.length)).toEqual(spans.map((s) => s.handle));
  });

  it('gives a sector another handle once it is written in place, and never hands a reused sector its old one', () => {
    const flash = new NorFlash(geometry);
    const first = flash.contentKey(1024, 1024)[0];
    expect(flash.contentKey(1024, 1024)[0]).toBe(first);
    flash.program(1024, new Uint8Array(16));
    const written = flash.contentKey(1024, 1024)[0];
    expect(written).not.toBe(first);
    // A sector written after a snapshot is dropped by the restore and reused by the next erase: its handle goes.
    const snapshot = flash.snapshot();
    flash.program(2048, new Uint8Array(16));
    const dropped = flash.contentKey(2048, 1024)[0];
    flash.restore(snapshot);
    flash.erase(3072);
    const handles = flash.contentKey(0, 4096);
    expect(handles).not.toContain(dropped);
    expect(handles[1]).toBe(written);
  });
});
