/**
 * bootproof's own version, from its package.json: the first one named bootproof above this file, which is two
 * folders up in the sources and three in the compiled dist/.
 */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (let up = 1; up <= 3; up++) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(`${'../'.repeat(up)}package.json`, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'bootproof' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json at this level: look one folder further up
    }
  }
  return 'unknown';
}
