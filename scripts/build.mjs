// Builds the package: the TypeScript sources compiled to JavaScript with declarations in dist/, plus the data
// files the code reads at run time (the built-in board files). A build starts from an empty dist/ so nothing stale
// ships. It is skipped when dist/ is already up to date (no source newer, none added or removed): `npx bootproof`
// at the root of a clone packs the repository, running `prepare` (this build), before it runs the CLI.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** Written last: its time is the build's. */
const stamp = join(dist, 'harness/cli/bin.js');
const SOURCE_FOLDERS = ['emulator', 'images', 'boards', 'harness', 'suites'];
const SETTINGS = ['index.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function filesUnder(folder, keep) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function upToDate() {
  if (process.argv.includes('--force') || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  const sources = SOURCE_FOLDERS.flatMap((folder) => filesUnder(join(root, folder), (name) => /\.(ts|json)$/.test(name)));
  if ([...sources, ...SETTINGS.map((file) => join(root, file))].some((file) => statSync(file).mtimeMs > built)) return false;
  // A removed source leaves its output behind; a new one has none yet.
  const compiled = new Set(filesUnder(dist, (name) => name.endsWith('.js')).map((file) => relative(dist, file).replace(/\.js$/, '.ts')));
  const compilable = sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => relative(root, file));
  return [...compiled].every((file) => existsSync(join(root, file))) && compilable.every((file) => compiled.has(file) || isExcluded(file));
}

/** The sources tsconfig.build.json leaves out (tests and test helpers, the conformance tooling, firmware scripts). */
function isExcluded(file) {
  return /\.test\.ts$|(^|\/)test\/|\/conformance\/|^images\/firmware\/|(^|\/)testing\.ts$/.test(file);
}

if (upToDate()) {
  console.log('build: dist/ is up to date');
} else {
  rmSync(dist, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  for (const file of readdirSync(join(root, 'boards')).filter((f) => f.endsWith('.json'))) {
    copyFileSync(join(root, 'boards', file), join(dist, 'boards', file));
  }
  chmodSync(stamp, 0o755);
  const now = new Date();
  utimesSync(stamp, now, now);
}
