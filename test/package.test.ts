/**
 * The package as a user gets it: built, packed, installed from the tarball into a fresh ESM project and a fresh
 * CommonJS project, then driven there with `npx bootproof` and with the user's own bootloader and suite, written in
 * TypeScript and in JavaScript. Installs come from the npm cache when it has the dependencies (as after `npm ci`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from './cli-helpers.ts';

const TIMEOUT_MS = 600_000;
/** The environment of `npm test` without the npm variables that would point the nested npm back at this repo. */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') || name === 'npm_config_cache'),
);

let tarball = '';
let packedFiles: string[] = [];

beforeAll(async () => {
  const dir = tempDir();
  await execa('node', ['scripts/build.mjs'], { cwd: REPO, env: ENV });
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, env: ENV });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, info.filename);
  packedFiles = info.files.map((f) => f.path);
}, TIMEOUT_MS);

describe('the packed tarball', () => {
  it('holds the compiled package, its declarations and its licence, and no sources, tests or keys', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/harness/cli/bin.js']));
    expect(packedFiles).toContain('dist/boards/nrf52840dk.json');
    const unwanted = packedFiles.filter(
      (path) => /\.test\.|\/test\/|\.pem$|\.tsbuildinfo$|(?<!\.d)\.ts$/.test(path) || !/^(dist\/|[A-Z]|package\.json)/.test(path),
    );
    expect(unwanted).toEqual([]);
  });

  for (const kind of ['esm', 'commonjs'] as const) {
    // The two projects install and run side by side: most of the wait is npm and process start-up.
    it.concurrent(
      `installs into a fresh ${kind} project, runs the CLI, and loads a user bootloader and suite in TS and JS`,
      async () => {
        const project = userProject(kind);
        const bin = join(project, 'node_modules/.bin/bootproof');
        const run = (...args: string[]) => execa(bin, args, { cwd: project, env: ENV, reject: false });
        await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, env: ENV });

        const version = await run('--version');
        expect(version.stdout).toBe('0.1.0');

        const npx = ['bootproof', 'run', 'power-loss', '--board', 'nrf52840dk'];
        const builtIn = await execa('npx', npx, { cwd: project, env: ENV, reject: false });
        expect(builtIn.stderr).toBe('');
        expect(builtIn.stdout).toContain('PASS: every invariant held');
        expect(builtIn.exitCode).toBe(0);

        // The TypeScript suite with the JavaScript bootloader, then the other way round: each run needs both loaded.
        for (const [suite, bootloader] of [
          ['./my-suite.ts', './my-bootloader.js'],
          ['./my-suite.js', './my-bootloader.ts'],
        ]) {
          const result = await run('run', suite, '--board', 'nrf52840dk', '--bootloader', bootloader);
          const language = bootloader.endsWith('.ts') ? 'ts' : 'js';
          expect(result.stderr).toBe('');
          expect(result.stdout).toContain(`bootloader user-${language}-${kind}`);
          expect(result.stdout).toMatch(/PASS: every invariant held \([1-9]\d* passed, 0 failed/);
          expect(result.exitCode).toBe(0);
        }

        // The declarations type-check a user's TypeScript against the root and sub-path exports.
        const tsc = await execa('node', [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', project], { env: ENV, reject: false });
        expect(tsc.stdout).toBe('');
        expect(tsc.exitCode).toBe(0);
      },
      TIMEOUT_MS,
    );
  }
});

/** A project of the given kind holding a bootloader and a suite in TypeScript and in JavaScript, and a tsconfig. */
function userProject(kind: 'esm' | 'commonjs'): string {
  const project = join(tempDir(), `user-${kind}`);
  mkdirSync(project);
  const write = (name: string, text: string) => writeFileSync(join(project, name), text);
  write('package.json', JSON.stringify({ name: `user-${kind}`, version: '1.0.0', private: true, type: kind === 'esm' ? 'module' : 'commonjs' }));
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        typeRoots: [join(REPO, 'node_modules/@types')],
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  );
  const suiteBody = (language: string) => `{
  name: 'user-${language}-suite',
  title: 'a permanent upgrade cut at a few points',
  scenarios: (ctx) => [
    updateScenario(ctx, {
      id: 'permanent',
      title: 'permanent upgrade',
      mode: 'permanent',
      cuts: { points: { kind: 'random', count: 3 }, outcomes: ['torn'], phases: ['install'] },
    }),
  ],
}`;
  write(
    'my-bootloader.ts',
    `import { type BootRun, ReferenceBootloader, type SwapType, type TrailerState } from 'bootproof';

export default class MyBootloader extends ReferenceBootloader {
  override readonly name: string = 'user-ts-${kind}';

  override decideSwapType(run: BootRun, primary: TrailerState, secondary: TrailerState): SwapType {
    return super.decideSwapType(run, primary, secondary);
  }
}
`,
  );
  write('my-suite.ts', `import { defineSuite, updateScenario } from 'bootproof/harness';\n\nexport default defineSuite(${suiteBody('ts')});\n`);
  if (kind === 'esm') {
    write(
      'my-bootloader.js',
      `import { ReferenceBootloader } from 'bootproof/boot';\n\nexport default class extends ReferenceBootloader {\n  name = 'user-js-${kind}';\n}\n`,
    );
    write('my-suite.js', `import { defineSuite, updateScenario } from 'bootproof/harness';\n\nexport default defineSuite(${suiteBody('js')});\n`);
  } else {
    write(
      'my-bootloader.js',
      `const { ReferenceBootloader } = require('bootproof/boot');\n\nmodule.exports = class extends ReferenceBootloader {\n  name = 'user-js-${kind}';\n};\n`,
    );
    write('my-suite.js', `const { defineSuite, updateScenario } = require('bootproof/harness');\n\nmodule.exports = defineSuite(${suiteBody('js')});\n`);
  }
  return project;
}
