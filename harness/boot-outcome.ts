/**
 * What a bootloader's `boot()` returned, checked before anything believes it: a user's bootloader is code under
 * test, and `undefined`, `{ kind: 'handoff', images: 42 }` or a halt without a log are its failures at that boot,
 * reported as "the bootloader returned …", never a TypeError that stops the run.
 */
/** Why `value` is not a BootOutcome the harness can use, or undefined when it is one. */
export function badBootOutcome(value: unknown, imageCount: number): string | undefined {
  if (typeof value !== 'object' || value === null) return `the bootloader returned ${shown(value)}, not a boot outcome`;
  const outcome = value as Record<string, unknown>;
  const log = outcome.log;
  if (!Array.isArray(log) || !log.every((line) => typeof line === 'string')) {
    return `the bootloader returned a ${shown(outcome.kind)} outcome whose log is ${shown(log)}, not a list of lines`;
  }
  if (outcome.kind === 'halt') {
    return typeof outcome.reason === 'string' ? undefined : `the bootloader returned a halt whose reason is ${shown(outcome.reason)}`;
  }
  if (outcome.kind !== 'handoff') return `the bootloader returned an outcome of kind ${shown(outcome.kind)} (expected 'handoff' or 'halt')`;
  const images = outcome.images;
  if (!Array.isArray(images) || images.length === 0) return `the bootloader returned a hand-off whose images are ${shown(images)}`;
  for (const [i, image] of images.entries()) {
    const why = badImage(image, imageCount);
    if (why) return `the bootloader returned a hand-off whose images[${i}] ${why}`;
  }
  return undefined;
}

function badImage(value: unknown, imageCount: number): string | undefined {
  if (typeof value !== 'object' || value === null) return `is ${shown(value)}`;
  const image = value as Record<string, unknown>;
  if (!Number.isInteger(image.image) || (image.image as number) < 0 || (image.image as number) >= imageCount) {
    return `has image ${shown(image.image)} (the board has ${imageCount})`;
  }
  if (image.slot !== 'primary' && image.slot !== 'secondary') return `has slot ${shown(image.slot)}`;
  if (!Number.isInteger(image.offset) || (image.offset as number) < 0) return `has offset ${shown(image.offset)}`;
  const version = image.version as Record<string, unknown> | undefined;
  const parts = ['major', 'minor', 'revision', 'build'];
  if (typeof version !== 'object' || version === null || !parts.every((p) => Number.isInteger(version[p]))) {
    return `has version ${shown(version)} (expected major, minor, revision and build numbers)`;
  }
  return undefined;
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.slice(0, 40)}'`;
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 80);
  } catch {
    return String(value);
  }
}
