/** bootproof's own version, read from its package.json (two folders up from the sources, three from dist/). */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'bootproof' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not this folder: try the next one up
    }
  }
  return 'unknown';
}
