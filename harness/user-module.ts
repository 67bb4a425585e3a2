/**
 * Loading a user's module (`--bootloader`, a suite file) from the user's own project: ESM or CommonJS, JavaScript
 * or TypeScript. Installed bootproof runs as compiled JavaScript; TypeScript's loader (tsx) is registered only when
 * a TypeScript module is given, so a JavaScript-only run never pays for it.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/i;
/** Running from the TypeScript sources (a checkout, or a test runner), which already have a TypeScript loader. */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

let typescriptLoader: Promise<void> | undefined;

/** Imports the module at `path` (relative to the working directory); its namespace, whatever the module kind. */
export async function importUserModule(path: string): Promise<{ default?: unknown }> {
  if (TYPESCRIPT_MODULE.test(path) && !RUNNING_FROM_SOURCES) {
    typescriptLoader ??= registerTypeScriptLoader();
    await typescriptLoader;
  }
  const module = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  return unwrapCommonJsDefault(module);
}

async function registerTypeScriptLoader(): Promise<void> {
  // Both hooks: `import()` of a .ts file goes through the ESM one; a CommonJS .ts file's own require() calls
  // (of other .ts files) go through the CommonJS one.
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}

/**
 * A CommonJS module compiled from TypeScript sets `exports.default` and `__esModule`; imported from ESM its
 * namespace's default is then the whole `exports` object, one level too high.
 */
function unwrapCommonJsDefault(module: { default?: unknown }): { default?: unknown } {
  const inner = module.default as { __esModule?: unknown; default?: unknown } | undefined;
  if (inner !== null && typeof inner === 'object' && inner.__esModule === true && 'default' in inner) {
    return { default: inner.default };
  }
  return module;
}
