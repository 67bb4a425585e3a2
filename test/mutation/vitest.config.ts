import { defineConfig } from 'vitest/config';

// The vitest configuration of a mutation run (scripts/mutate.ts): only the test files that scripts/mutate.ts
// names for the file being mutated, so each mutant is judged by that file's own tests.
const files = (process.env.BOOTPROOF_MUTATE_TESTS ?? '').split(',').filter((f) => f !== '');
if (files.length === 0) throw new Error('BOOTPROOF_MUTATE_TESTS names no test file (run through npm run mutate)');

export default defineConfig({
  test: {
    include: files,
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
