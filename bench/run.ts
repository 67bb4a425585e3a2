/**
 * `npm run bench [name…]`: runs every benchmark module in this folder (or the named ones). A benchmark module
 * exports `title` and `run()`, prints its own figures, and measures its baseline in the same run so the ratios
 * it prints compare like with like.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchModule {
  title: string;
  run(): Promise<void> | void;
}

const folder = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(folder)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => basename(f, '.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (names.length === 0) {
  console.error(`bench: no benchmark matches ${wanted.join(', ')}`);
  process.exitCode = 2;
}
for (const name of names) {
  const module = (await import(new URL(`./${name}.bench.ts`, import.meta.url).href)) as BenchModule;
  console.log(`\n## ${name}: ${module.title}`);
  await module.run();
}
