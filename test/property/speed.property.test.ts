// Speed invariants over the whole catalog: bytes read per step are never negative (the old model subtracted the
// routed experts twice when they were in host RAM), every figure is finite, and offload only ever slows decode.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/engine/estimate.ts';
import { evaluateLayout, type ProfileInput } from '../../src/engine/profiles.ts';
import { decodeStep, prefillSeconds, serve, speedModel } from '../../src/engine/throughput.ts';
import type { Architecture, EngineId } from '../../src/engine/types.ts';
import { cat } from '../helpers/req.ts';

const models = [...cat.models.values()];
const h100 = cat.gpus.get('h100-sxm')!;
const rtx4090 = cat.gpus.get('rtx4090')!;
const ddr5 = cat.hosts.get('ddr5x2')!;

type Mode = 'gpu' | 'ktransformers' | 'llamacpp-experts' | 'llamacpp-spill';
const MODES: Mode[] = ['gpu', 'ktransformers', 'llamacpp-experts', 'llamacpp-spill'];

function model(m: Architecture, mode: Mode) {
  const engine: EngineId = mode === 'gpu' ? 'vllm' : mode === 'ktransformers' ? 'ktransformers' : 'llamacpp';
  const llama = engine === 'llamacpp';
  const gpu = mode === 'gpu' ? h100 : rtx4090;
  const p: ProfileInput = {
    arch: m,
    gpu,
    quant: cat.quants.get(llama || engine === 'ktransformers' ? 'q4_k_m' : (m.nativeQuant ?? 'bf16'))!,
    kv: cat.kvDtypes.get(llama ? 'fp16' : 'bf16')!,
    engine,
    engines: cat.engines,
    users: 1,
    context: 4096,
    explain: false,
    overrides: llama ? { expertsOnHost: mode === 'llamacpp-experts' } : undefined,
  };
  const ev = evaluateLayout(p, 1, 1, 1);
  return speedModel(ev, m, gpu, p.quant, {
    engine,
    host: ddr5,
    context: 4096,
    users: 1,
    engines: cat.engines,
    expertsOnHost: mode === 'ktransformers' || mode === 'llamacpp-experts',
    spilledBytes: mode === 'llamacpp-spill' ? ev.weights.totalBytes / 2 : 0,
  });
}

describe('speed invariants', () => {
  it('bytes read per step are never negative and every step is finite, for every catalog model and offload mode', () => {
    const bad: string[] = [];
    for (const m of models) {
      for (const mode of MODES) {
        const sm = model(m, mode);
        for (const [b, tokens] of [
          [1, 1],
          [8, 8],
          [64, 2048],
        ]) {
          const st = decodeStep(sm, b, b, tokens - b, 2048, []);
          const steps: Parameters<typeof decodeStep>[5] = [];
          decodeStep(sm, b, b, tokens - b, 2048, steps);
          const read = steps.find((s) => s.id === 'perf.decodeStep')!.scope;
          if (!(read.weightBytes >= 0 && read.kvBytes >= 0 && st.hostBytes >= 0)) bad.push(`${m.id} ${mode}: weights ${read.weightBytes}, kv ${read.kvBytes}, host ${st.hostBytes}`);
          if (!(Number.isFinite(st.seconds) && st.seconds > 0)) bad.push(`${m.id} ${mode}: step ${st.seconds}`);
        }
        const pf = prefillSeconds(sm, 1024);
        if (!(Number.isFinite(pf) && pf > 0)) bad.push(`${m.id} ${mode}: prefill ${pf}`);
        if (mode !== 'gpu' && m.moe === undefined && mode !== 'llamacpp-spill' && sm.expertsOnHost) bad.push(`${m.id}: dense model with experts on host`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeping experts or layers in host RAM never makes one user faster', () => {
    for (const m of models) {
      const onGpu = decodeStep(model(m, 'llamacpp-spill'), 1, 1, 0, 2048).seconds;
      const gpuOnly = (() => {
        const sm = model(m, 'llamacpp-spill');
        return decodeStep({ ...sm, spilledBytes: 0 }, 1, 1, 0, 2048).seconds;
      })();
      expect(onGpu, m.id).toBeGreaterThanOrEqual(gpuOnly);
    }
  });

  it('per-user speed falls and total output rises (or holds) as users are added', () => {
    const sm = model(cat.models.get('qwen3-32b')!, 'gpu');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), (u, extra) => {
        const a = serve(sm, u, 2048, 256);
        const b = serve(sm, u + extra, 2048, 256);
        expect(b.perUser).toBeLessThanOrEqual(a.perUser * 1.000001);
        expect(b.total).toBeGreaterThanOrEqual(a.total * 0.999);
      }),
      { numRuns: 60 },
    );
  });

  it('the report stays finite with offload and speed targets for MoE models on a small GPU', () => {
    for (const m of models.filter((x) => x.moe)) {
      const r = estimate(
        { model: m, gpu: rtx4090, gpuCount: 1, users: 4, contextTokens: 8192, quant: cat.quants.get('q4_k_m')!, kvDtype: cat.kvDtypes.get('bf16')!, engine: { id: 'ktransformers' }, host: ddr5, targetTps: 10, defaulted: {} },
        cat.engines,
      );
      const p = r.performance;
      for (const v of Object.values(p)) if (typeof v === 'number') expect(Number.isFinite(v) && v >= 0, `${m.id} ${JSON.stringify(p)}`).toBe(true);
      expect(r.capacity.maxUsersAtTarget).toBeLessThanOrEqual(r.capacity.maxUsers);
    }
  });
});
