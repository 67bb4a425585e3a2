/**
 * A build's hardware security counters as the reference C bootloader keeps them (images/firmware/bootloader,
 * counter.c): the declared `hardwareCounter` region split evenly between the images, each part an append-only
 * log of entries `u32 value, u32 ~value` (little-endian), one write unit each (8 bytes, or the unit if larger).
 * The counter is the largest entry whose check word matches, up to the first erased entry; a torn one is skipped.
 */
import type { Board } from '../../boards/types.ts';
import type { HardwareCounterStore } from '../../emulator/boot/index.ts';
import type { HardwareCounter } from './build-config.ts';

export function counterLog(counter: HardwareCounter, board: Board, imageCount: number): HardwareCounterStore {
  const entrySize = Math.max(8, board.flash.writeUnit);
  const partSize = Math.floor(counter.size / imageCount / entrySize) * entrySize;
  const offset = counter.address - board.memory.flash.base;
  const erased = board.flash.erasedValue;
  return {
    region: { offset, size: counter.size },
    read(peek, image) {
      const part = peek(offset + image * partSize, partSize);
      const words = new DataView(part.buffer, part.byteOffset, part.byteLength);
      let best = 0;
      for (let at = 0; at + entrySize <= partSize; at += entrySize) {
        if (part.subarray(at, at + entrySize).every((b) => b === erased)) break;
        const value = words.getUint32(at, true);
        if (value === ~words.getUint32(at + 4, true) >>> 0 && value > best) best = value;
      }
      return best;
    },
    factoryEntry(image, value) {
      const bytes = new Uint8Array(entrySize).fill(erased);
      const words = new DataView(bytes.buffer);
      words.setUint32(0, value, true);
      words.setUint32(4, ~value >>> 0, true);
      return { offset: offset + image * partSize, bytes };
    },
  };
}
