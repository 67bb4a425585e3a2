// Builds the package: the TypeScript sources compiled to JavaScript with declarations in dist/, plus the data
// files the code reads at run time (the built-in board files). Starts from an empty dist/ so nothing stale ships.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of readdirSync(join(root, 'boards')).filter((f) => f.endsWith('.json'))) {
  copyFileSync(join(root, 'boards', file), join(dist, 'boards', file));
}
chmodSync(join(dist, 'harness/cli/bin.js'), 0o755);
