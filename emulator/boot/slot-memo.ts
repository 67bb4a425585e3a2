/**
 * Slot validation verdicts, each with the bytes it was given for and by every option that decides a verdict. A
 * sweep validates the same image at every boot: the primary after each recovery, unchanged or rewritten with the
 * same bytes. The bytes are compared in place, and only in the sectors whose content handle changed since they
 * were last seen (`KnownBytes`): a sector whose handle did not change holds the same bytes, read the same way.
 * A sector that reads as an ECC fault is never compared in place (its read is not its raw bits): the slot is read
 * and validated afresh. Bounded, the least recently used going first. Every answer is a copy: a caller that
 * changes the SlotImage it got changes nothing here (its `verify`, the verifier's full answer, is shared and
 * read-only).
 */
import type { KeyObject } from 'node:crypto';
import { type ContentSpan, KnownBytes } from '../flash/index.ts';
import type { SlotImage } from './validate.ts';

const ENTRIES = 8;

/** What decides a verdict besides the bytes. */
export interface SlotQuestion {
  /** Flash offset of the image and the bytes it spans (header to the end of its TLVs). */
  readonly at: number;
  readonly extent: number;
  readonly keys: readonly KeyObject[];
  readonly slotSize: number;
  readonly maxImageSize: number;
  readonly minSecurityCounter: number | undefined;
}

/** How the memo sees the flash: its spans over a range, and an in-place compare of raw bits. */
export interface SlotContent {
  readonly spans: readonly ContentSpan[];
  matches(offset: number, bytes: Uint8Array): boolean;
}

interface Entry {
  readonly known: KnownBytes;
  readonly question: SlotQuestion;
  readonly result: SlotImage;
}

/** How the memo answered so far (`npm run bench sweep` prints them). */
export interface SlotMemoCounts {
  readonly asked: number;
  /** Answered with every sector's handle as when last seen: nothing compared. */
  readonly unchanged: number;
  /** Answered after comparing the sectors whose handle changed. */
  readonly compared: number;
  /** Sectors compared in place, answered or not. */
  readonly sectorsCompared: number;
}

export class SlotMemo {
  /** Most recently used first. */
  private readonly entries: Entry[] = [];
  private asked = 0;
  private unchanged = 0;
  private compared = 0;
  private sectorsCompared = 0;

  find(content: SlotContent, question: SlotQuestion): SlotImage | undefined {
    this.asked++;
    const before = this.sectorsCompared;
    const same = (span: ContentSpan, expected: Uint8Array) => {
      this.sectorsCompared++;
      return !span.eccFaults && content.matches(question.at + span.from, expected);
    };
    const at = this.entries.findIndex((e) => sameQuestion(e.question, question) && e.known.heldIn(content.spans, same));
    if (at < 0) return undefined;
    if (this.sectorsCompared === before) this.unchanged++;
    else this.compared++;
    const [entry] = this.entries.splice(at, 1);
    this.entries.unshift(entry);
    return copyOf(entry.result);
  }

  /** `bytes` are the bytes validated, as read: the memo keeps them (the caller must not change them). */
  remember(content: SlotContent, question: SlotQuestion, bytes: Uint8Array, result: SlotImage): void {
    this.entries.unshift({ known: new KnownBytes(question.at, bytes, content.spans), question: { ...question, keys: [...question.keys] }, result: copyOf(result) });
    if (this.entries.length > ENTRIES) this.entries.pop();
  }

  get counts(): SlotMemoCounts {
    return { asked: this.asked, unchanged: this.unchanged, compared: this.compared, sectorsCompared: this.sectorsCompared };
  }
}

function sameQuestion(a: SlotQuestion, b: SlotQuestion): boolean {
  return (
    a.at === b.at &&
    a.extent === b.extent &&
    a.slotSize === b.slotSize &&
    a.maxImageSize === b.maxImageSize &&
    a.minSecurityCounter === b.minSecurityCounter &&
    a.keys.length === b.keys.length &&
    a.keys.every((key, i) => key === b.keys[i])
  );
}

function copyOf(result: SlotImage): SlotImage {
  return {
    ...result,
    version: result.version && { ...result.version },
    dependencies: result.dependencies.map((d) => ({ ...d, version: { ...d.version } })),
  };
}
