/** Writes harness/reporters/report.schema.json from the zod schema (`npx tsx scripts/report-schema.ts`). */
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../harness/report-schema.ts';

const target = new URL('../harness/reporters/report.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
