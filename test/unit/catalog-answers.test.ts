// Every catalog model answers offline, through the same option parsing a user goes through, on a sensible set of
// hardware: 8 x H100 with vLLM in the model's own format, one RTX 4090 with llama.cpp at Q4_K_M, and an Apple
// M3 Ultra (llama.cpp, Metal). Each answer must be a report (not an error) that meets the report schema, with every
// number in it finite and the core figures positive; a model that does not fit says so in the report rather than failing.
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/engine/estimate.ts';
import { SizingReportSchema, type SizingReport } from '../../src/engine/report.ts';
import { buildRequest } from '../../src/catalog/parse.ts';
import { cat } from '../helpers/req.ts';

/** Paths of every number in the report that is NaN or infinite. */
function nonFinite(x: unknown, path = '', out: string[] = []): string[] {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) out.push(path);
  } else if (Array.isArray(x)) x.forEach((v, i) => nonFinite(v, `${path}[${i}]`, out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) nonFinite(v, path ? `${path}.${k}` : k, out);
  return out;
}

const SETUPS = [
  { gpu: 'h100x8', users: '16', context: '8k' },
  { gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', users: '1', context: '4k' },
  { gpu: 'm3-ultra', engine: 'llamacpp', quant: 'q4_k_m', users: '1', context: '4k' },
] as const;

describe('every catalog model answers offline', () => {
  it.each(cat.modelEntries.map((e) => [e.id]))('%s', (id) => {
    for (const s of SETUPS) {
      const req = buildRequest({ model: id, ...s }, cat);
      if (!req.ok) throw new Error(`${id} on ${s.gpu}: ${req.error.message}`);
      const r: SizingReport = estimate(req.value, cat.engines);
      expect(nonFinite(r), `${id} on ${s.gpu}`).toEqual([]);
      // The report contract (design.md §2): every field present and in range.
      expect(SizingReportSchema.safeParse(r).success, `${id} on ${s.gpu}: report contract`).toBe(true);
      expect(r.weights.totalBytes, `${id} weights`).toBeGreaterThan(0);
      expect(r.perGpu.weightsBytes, `${id} weights per GPU`).toBeGreaterThan(0);
      expect(r.kv.bytesPerToken, `${id} KV bytes per token`).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(r.capacity.maxUsers), `${id} users`).toBe(true);
    }
  });
});
