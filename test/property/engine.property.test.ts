import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/engines/index.ts';
import { estimate } from '../../src/engine/estimate.ts';
import type { SizingReport } from '../../src/engine/report.ts';
import { cat } from '../helpers/req.ts';

const models = [...cat.models.values()];
const gpus = [...cat.gpus.values()];
const bf16 = cat.kvDtypes.get('bf16')!;

function run(mi: number, gi: number, count: number, users: number, ctx: number, engineAsked: 'vllm' | 'sglang' | 'llamacpp' = 'vllm'): SizingReport {
  const m = models[mi];
  // A pair the engine cannot run (vLLM on Apple, FP8 on Ascend) is refused by estimate(): size it with llama.cpp.
  const native = cat.quants.get(m.nativeQuant ?? 'bf16')!;
  const engine = ENGINES[engineAsked].supports(native, gpus[gi]).ok ? engineAsked : 'llamacpp';
  const quant = engine === 'llamacpp' ? cat.quants.get('q4_k_m')! : cat.quants.get(m.nativeQuant ?? 'bf16')!;
  return estimate(
    { model: m, gpu: gpus[gi], gpuCount: count, users, contextTokens: ctx, quant, kvDtype: engine === 'llamacpp' ? cat.kvDtypes.get('fp16')! : bf16, engine: { id: engine }, defaulted: {} },
    cat.engines,
  );
}

function allFinite(x: unknown, path = ''): string[] {
  if (typeof x === 'number') return Number.isFinite(x) && x >= 0 ? [] : [`${path}=${x}`];
  if (Array.isArray(x)) return x.flatMap((v, i) => allFinite(v, `${path}[${i}]`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => (k === 'explain' ? [] : allFinite(v, `${path}.${k}`)));
  return [];
}

describe('engine invariants', () => {
  it('no NaN, Infinity or negative figure for any catalog model x GPU', () => {
    const bad: string[] = [];
    for (let mi = 0; mi < models.length; mi++) {
      for (let gi = 0; gi < gpus.length; gi++) {
        const r = run(mi, gi, 1, 1, 4096);
        const errs = allFinite(r);
        if (errs.length) bad.push(`${models[mi].id} on ${gpus[gi].id}: ${errs.slice(0, 3).join(', ')}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('more users never needs less memory, and never fits where fewer did not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: models.length - 1 }),
        fc.integer({ min: 0, max: gpus.length - 1 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 256, max: 32768 }),
        (mi, gi, count, users, extra, ctx) => {
          const a = run(mi, gi, count, users, ctx);
          const b = run(mi, gi, count, users + extra, ctx);
          // Same layout, DP-attention ranks included (DP attention splits the KV of the users across ranks).
          if (a.layout.tp === b.layout.tp && a.layout.pp === b.layout.pp && a.layout.dp === b.layout.dp) {
            expect(b.perGpu.kvRequiredBytes).toBeGreaterThanOrEqual(a.perGpu.kvRequiredBytes);
          }
          if (b.fits) expect(a.fits).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('longer context never needs less KV, in every engine', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: models.length - 1 }),
        fc.constantFrom<'vllm' | 'sglang' | 'llamacpp'>('vllm', 'sglang', 'llamacpp'),
        fc.integer({ min: 128, max: 16384 }),
        fc.integer({ min: 1, max: 16384 }),
        (mi, engine, ctx, more) => {
          const gi = gpus.findIndex((g) => g.id === 'h100-sxm');
          const a = run(mi, gi, 8, 4, ctx, engine);
          const b = run(mi, gi, 8, 4, ctx + more, engine);
          if (a.layout.tp === b.layout.tp && a.layout.pp === b.layout.pp) expect(b.perGpu.kvRequiredBytes).toBeGreaterThanOrEqual(a.perGpu.kvRequiredBytes);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('maxUsers at the requested context is consistent with fits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: models.length - 1 }), fc.integer({ min: 0, max: gpus.length - 1 }), fc.integer({ min: 1, max: 64 }), (mi, gi, users) => {
        const r = run(mi, gi, 8, users, 4096);
        if (r.fits) expect(r.capacity.maxUsers).toBeGreaterThanOrEqual(users);
        else if (r.capacity.maxUsers >= users) expect(4096).toBeGreaterThan(models[mi].maxPosition);
      }),
      { numRuns: 150 },
    );
  });
});
