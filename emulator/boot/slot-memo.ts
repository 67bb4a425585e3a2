/**
 * Slot validation verdicts keyed by what the flash says of the bytes validated, their sectors' content handles
 * (`Flash.contentKey`), and by every option that decides a verdict. A sweep validates the same unchanged primary at
 * every boot that follows its recovery: with the same handles the bytes are the same, so neither the read nor the
 * verification is needed again. A write anywhere in the range gives it other handles, so the next validation runs.
 * Bounded, the least recently used going first. Every answer is a copy: a caller that changes the SlotImage it got
 * changes nothing here (its `verify`, the verifier's full answer, is shared and read-only).
 */
import type { KeyObject } from 'node:crypto';
import { sameContentKey } from '../flash/index.ts';
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

interface Entry {
  readonly handles: readonly object[];
  readonly question: SlotQuestion;
  readonly result: SlotImage;
}

export class SlotMemo {
  /** Most recently used first. */
  private readonly entries: Entry[] = [];

  find(handles: readonly object[], question: SlotQuestion): SlotImage | undefined {
    const at = this.entries.findIndex((e) => sameContentKey(e.handles, handles) && sameQuestion(e.question, question));
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.unshift(entry);
    return copyOf(entry.result);
  }

  remember(handles: readonly object[], question: SlotQuestion, result: SlotImage): void {
    this.entries.unshift({ handles, question: { ...question, keys: [...question.keys] }, result: copyOf(result) });
    if (this.entries.length > ENTRIES) this.entries.pop();
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
