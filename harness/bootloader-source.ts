/**
 * Where a device gets the bootloader it powers on. A power cut loses volatile state, so every power-on gets a fresh
 * bootloader: a new instance of the user's class, or a copy of the user's instance as it was when loaded (its own
 * fields cloned, its methods shared). What a copy cannot reset is state kept outside the instance (a module
 * variable); the runner finds that by re-running a failing case alone in a fresh worker (invariant I-8).
 */
import type { Bootloader } from '../emulator/boot/index.ts';

export interface BootloaderSource {
  readonly name: string;
  /** A bootloader in its power-on state. */
  create(): Bootloader;
}

/** Fresh instances of a class whose constructor takes no argument. */
export function fromClass(make: new () => Bootloader): BootloaderSource {
  const first = new make();
  return { name: first.name, create: () => new make() };
}

/** Copies of `instance` as it is now: every power-on starts from this state, whatever the last boot changed. */
export function fromInstance(instance: Bootloader): BootloaderSource {
  const prototype = Object.getPrototypeOf(instance) as object | null;
  const fields = Object.getOwnPropertyDescriptors(instance);
  return {
    name: instance.name,
    create: () => Object.create(prototype, cloneFields(fields)) as Bootloader,
  };
}

/** A bootloader given as an instance or as a source, as a source. */
export function sourceOf(bootloader: Bootloader | BootloaderSource): BootloaderSource {
  return 'create' in bootloader && typeof bootloader.create === 'function' ? bootloader : fromInstance(bootloader as Bootloader);
}

function cloneFields(fields: PropertyDescriptorMap): PropertyDescriptorMap {
  const out: PropertyDescriptorMap = {};
  for (const [key, field] of Object.entries(fields)) {
    out[key] = 'value' in field ? { ...field, value: cloned(field.value) } : field;
  }
  return out;
}

/** Data is cloned; what cannot be (functions, class instances with private state) is shared as it is. */
function cloned(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}
