/**
 * Headless Chromium for the HTML report's tests and bench: Debian's `chromium` (scripts/setup-debian.sh), driven
 * by playwright-core. No browser is ever downloaded; without one the callers skip, saying why.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.BOOTPROOF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const executable = CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing: string | undefined = executable
  ? undefined
  : 'Chromium is not installed: run scripts/setup-debian.sh (Debian package chromium), or set BOOTPROOF_CHROMIUM to its path';

/** Where the browser tests put their screenshots (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  if (!executable) throw new Error(chromiumMissing);
  mkdirSync(ARTIFACTS, { recursive: true });
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir) and runs it headless.
  return chromium.launch({
    executablePath: executable,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
