/** The committed test firmware, for tests. */
import { fileURLToPath } from 'node:url';

export const firmwareFile = (name: string): string =>
  fileURLToPath(new URL(`../../../images/firmware/build/${name}`, import.meta.url));
