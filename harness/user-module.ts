/**
 * Loading a user's module (`--bootloader`, a suite file) from the user's own project: ESM or CommonJS, JavaScript
 * or TypeScript. Installed bootproof runs as compiled JavaScript; a TypeScript loader is set up only when a
 * TypeScript module is given, so a JavaScript-only run never pays for it.
 *
 * An ES module in TypeScript goes through tsx's ESM hook. A CommonJS one (`.cts`, or `.ts` under a package.json
 * without `"type": "module"`) is compiled by esbuild and required: Node's own `require` then loads the ES modules it
 * names (bootproof itself, execa) as ES modules. tsx's CommonJS hook would instead rewrite those into CommonJS and
 * fail on a dependency that exports for `import` only.
 */
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/i;
/** Running from the TypeScript sources (a checkout, or a test runner), which already have a TypeScript loader. */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

let esmLoader: Promise<void> | undefined;
let commonJsLoader: Promise<void> | undefined;

/** Imports the module at `path` (relative to the working directory); its namespace, whatever the module kind. */
export async function importModuleFile(path: string): Promise<{ default?: unknown }> {
  const file = resolve(path);
  if (TYPESCRIPT_MODULE.test(file) && !RUNNING_FROM_SOURCES) {
    if (isCommonJsTypeScript(file)) {
      commonJsLoader ??= registerCommonJsTypeScript();
      await commonJsLoader;
      return unwrapCommonJsDefault({ default: createRequire(file)(file) });
    }
    esmLoader ??= import('tsx/esm/api').then((tsx) => void tsx.register());
    await esmLoader;
  }
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return unwrapCommonJsDefault(module);
}

/** Whether Node treats the TypeScript file as CommonJS: `.cts`, or `.ts` whose package is not `"type": "module"`. */
function isCommonJsTypeScript(file: string): boolean {
  if (/\.cts$/i.test(file)) return true;
  if (/\.mts$/i.test(file)) return false;
  return packageTypeOf(dirname(file)) !== 'module';
}

function packageTypeOf(directory: string): unknown {
  for (let dir = directory; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      } catch {
        return undefined; // As Node: an unreadable package.json is not a module declaration.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** `require` of a `.ts`/`.cts`/`.tsx` file compiles it to CommonJS with esbuild first; other files load as Node loads them. */
async function registerCommonJsTypeScript(): Promise<void> {
  const { transformSync } = await import('esbuild');
  type Compilable = { _compile(code: string, filename: string): void };
  const extensions = (Module as unknown as { _extensions: Record<string, (module: Compilable, filename: string) => void> })._extensions;
  const compile = (module: Compilable, filename: string): void => {
    const source = readFileSync(filename, 'utf8');
    const loader = filename.toLowerCase().endsWith('x') ? 'tsx' : 'ts';
    const { code } = transformSync(source, { loader, format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'inline' });
    module._compile(code, filename);
  };
  for (const extension of ['.ts', '.cts', '.tsx']) extensions[extension] ??= compile;
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
