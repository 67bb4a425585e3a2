/**
 * The built-in suites are suite files like a user's: the engine knows only their names (in `suites/catalog.json`,
 * in the order `bootproof suites` lists them and `run all` runs them) and loads each one by module path, so the
 * harness never imports the catalogue it runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BootproofError } from '../emulator/common/errors.ts';
import { isSuite, type Suite } from './suite.ts';

const SUITES_FOLDER = new URL('../suites/', import.meta.url);
/** Built, the suites are JavaScript beside this module's own JavaScript. */
const MODULE_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The built-in suites' names, in catalogue order. */
export function builtinSuiteNames(): readonly string[] {
  const catalog = new URL('catalog.json', SUITES_FOLDER);
  const names: unknown = JSON.parse(readFileSync(catalog, 'utf8'));
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && /^[a-z0-9-]+$/.test(n))) {
    throw new BootproofError(`${fileURLToPath(catalog)}: expected a list of suite names`);
  }
  return names;
}

/** Loads the built-in suite `name` from its module; its default export must be the suite of that name. */
export async function loadBuiltinSuite(name: string): Promise<Suite> {
  const module = (await import(new URL(`${name}${MODULE_EXTENSION}`, SUITES_FOLDER).href)) as { default?: unknown };
  if (!isSuite(module.default) || module.default.name !== name) {
    throw new BootproofError(`built-in suite ${name}: its module does not export the suite '${name}'`);
  }
  return module.default;
}

export async function loadBuiltinSuites(): Promise<Suite[]> {
  return Promise.all(builtinSuiteNames().map(loadBuiltinSuite));
}
