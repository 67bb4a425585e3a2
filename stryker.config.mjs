// Mutation testing of the critical code (npm run mutate). scripts/mutate.ts runs one Stryker pass per file,
// scoped to that file's own tests, with an incremental file per target so a re-run mutates only what changed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'json'],
  concurrency: 1,
  timeoutMS: 60000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
