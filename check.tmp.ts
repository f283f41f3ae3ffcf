import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { modelFromEntry } from './src/catalog/load.ts';
import { ModelEntrySchema } from './src/catalog/schema.ts';
import { parameterCounts } from './src/engine/architecture.ts';
const entries = load(readFileSync(process.argv[2], 'utf8')) as unknown[];
for (const raw of entries) {
  const e = ModelEntrySchema.parse(raw);
  const a = modelFromEntry(e);
  const p = parameterCounts(a);
  const dec = (e.published as { scope?: string }).scope === 'decoder' ? p.total - (e.extraParams?.count ?? 0) : p.total;
  const err = dec / e.published.totalParams - 1;
  console.log(e.id.padEnd(28), (dec / 1e9).toFixed(3), 'vs', (e.published.totalParams / 1e9).toFixed(2), (err * 100).toFixed(2) + '%', Math.abs(err) > 0.015 ? '  <<<<< FAIL' : '', 'active', (p.active / 1e9).toFixed(2), 'vision', ((e.extraParams?.count ?? 0) / 1e9).toFixed(3));
}
