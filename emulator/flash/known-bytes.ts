/**
 * Bytes known to sit at one place of the flash, and the content spans last seen holding them there. A span's handle
 * names one content of a sector (`Flash.contentKey`): while a span has the handle it had then, its bytes are the
 * ones compared then. So whether the flash still holds the bytes is answered by comparing only the spans whose handle changed:
 * after a write to one sector of an image, that sector alone.
 */
import type { ContentSpan } from './types.ts';

export class KnownBytes {
  /**
   * `bytes` must not change afterwards: keep a copy of your own. `readFrom`: the spans the bytes were just read
   * from, if they were (a read of the same handles reads the same bytes); else the first question compares them all.
   */
  constructor(
    readonly offset: number,
    readonly bytes: Uint8Array,
    private held: readonly ContentSpan[] = [],
  ) {}

  /**
   * Whether `spans` (the flash's spans over `bytes.length` bytes at `offset`, now) hold the bytes. `same(span,
   * expected)` compares one span whose handle changed with the bytes expected there; it may refuse a span it cannot
   * compare (one that reads as an ECC fault, say), which answers no.
   */
  heldIn(spans: readonly ContentSpan[], same: (span: ContentSpan, expected: Uint8Array) => boolean): boolean {
    let covered = 0;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (span.from !== covered || span.from + span.length > this.bytes.length) return false;
      covered += span.length;
      const before = this.held[i];
      if (before?.handle === span.handle && before.from === span.from && before.length === span.length) continue;
      if (!same(span, this.bytes.subarray(span.from, span.from + span.length))) return false;
    }
    if (covered !== this.bytes.length) return false;
    this.held = spans;
    return true;
  }
}
