/** xmllint (Debian libxml2-utils) for the JUnit tests, and the shared junit-10.xsd read in place. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const JUNIT_XSD = fileURLToPath(new URL('../../../../shared/schemas/junit-10.xsd', import.meta.url));

function hasXmllint(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0;
}

/** Why the schema tests cannot run here, or undefined when they can. */
export const xmllintMissing: string | undefined = !hasXmllint()
  ? 'xmllint is not installed: run scripts/setup-debian.sh (Debian package libxml2-utils)'
  : !existsSync(JUNIT_XSD)
    ? `the JUnit schema is absent (${JUNIT_XSD}): it is read in place from ../shared/schemas/junit-10.xsd`
    : undefined;

/** Validates a file against junit-10.xsd; returns xmllint's verdict (status and what it printed). */
export function validateJUnit(file: string): { status: number | null; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export function xpath(file: string, expression: string): string {
  return execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' }).replace(/\n$/, '');
}
