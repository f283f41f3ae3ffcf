import { describe, expect, it } from 'vitest';
import { resolveVllmRelease } from '../../src/engine/profiles.ts';
import { SizingReportSchema } from '../../src/engine/report.ts';
import { estimate, EstimateError } from '../../src/engine/estimate.ts';
import { cat, GiB, request, size } from '../helpers/req.ts';

describe('vLLM profile', () => {
  it('reproduces the worked example of vllm.md §6 (Llama-3.1-8B, H100, v0.19, util 0.9)', () => {
    // budget ceil(0.9 x 79.19 GiB); minus weights 14.99, activation 1.89 (sampler peak), non-torch 0.25
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', engine: 'vllm@0.19', util: '0.9' });
    const budget = Math.ceil(0.9 * Math.round(79.19 * GiB));
    expect(r.perGpu.budgetBytes).toBe(budget);
    expect(r.perGpu.kvPoolBytes / GiB).toBeCloseTo(71.27 - 14.99 - 1.885 - 0.25, 1);
    // 128 KiB per token, blocks of 16 tokens
    expect(r.kv.poolTokens).toBe(Math.floor(r.perGpu.kvPoolBytes / (16 * 131072)) * 16);
    expect(r.capacity.maxUsers).toBe(Math.min(1024, Math.floor(r.perGpu.kvPoolBytes / (4096 * 131072))));
  });

  it('max context at the requested users is the pool split evenly, in whole blocks, capped at the model maximum', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'rtx4090', users: '4', engine: 'vllm@0.19' });
    const perUserBlocks = Math.floor(r.perGpu.kvPoolBytes / 4 / (16 * 131072));
    expect(r.capacity.maxContextTokens).toBe(Math.min(131072, perUserBlocks * 16));
    const one = size({ model: 'llama-3.1-8b', gpu: 'h100', users: '1' });
    expect(one.capacity.maxContextTokens).toBe(131072);
  });

  it('picks the release profile at or before the version asked', () => {
    const v = cat.engines.vllm;
    expect(resolveVllmRelease(v, '0.19').version).toBe('0.17');
    expect(resolveVllmRelease(v, '0.21').utilDefault).toBe(0.92);
    expect(resolveVllmRelease(v).version).toBe('0.21');
    expect(() => resolveVllmRelease(v, '0.6')).toThrow(RangeError);
  });

  it('v0.21 subtracts CUDA-graph memory inside the budget; v0.19 does not', () => {
    const a = size({ model: 'llama-3.1-8b', gpu: 'h100', engine: 'vllm@0.19' });
    const b = size({ model: 'llama-3.1-8b', gpu: 'h100', engine: 'vllm@0.21' });
    // H100 defaults: max_num_seqs 1024 -> 51 PIECEWISE + 51 FULL graphs, 8.43 MiB each (0.84 GiB as logged)
    expect(b.perGpu.overheadBytes - a.perGpu.overheadBytes).toBeCloseTo(102 * 8.43 * 2 ** 20, 0);
    expect(b.request.util).toBe(0.92);
  });

  it('smaller GPUs get the 2048-token / 256-sequence defaults, which cap concurrent users', () => {
    const r = size({ model: 'qwen3-0.6b', gpu: 'a100-80gb', users: '300', context: '1k' });
    expect(r.capacity.maxUsers).toBe(256);
    expect(r.notes.some((n) => n.code === 'capacity.maxSeqs')).toBe(true);
  });
});

describe('layouts', () => {
  it('rejects a TP size that does not divide the heads, with the sizes that work', () => {
    expect(() => estimate(request({ model: 'qwen3-32b', gpu: 'h100x6', tp: '3' }), cat.engines)).toThrow(EstimateError);
    try {
      estimate(request({ model: 'qwen3-32b', gpu: 'h100x6', tp: '3' }), cat.engines);
    } catch (e) {
      expect((e as EstimateError).message).toMatch(/64 attention heads are not divisible by tp=3/);
      expect((e as EstimateError).suggestions).toEqual(['tp:1', 'tp:2']);
    }
  });

  it('chooses a layout automatically and lists the alternatives it considered', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4' });
    expect(r.layout.tp * r.layout.pp * r.layout.replicas).toBe(8);
    expect(r.layout.alternatives.length).toBeGreaterThanOrEqual(2);
    expect(r.fits).toBe(true);
  });

  it('uses pipeline stages only across nodes (16 GPUs -> TP8 x PP2 for a model that needs both)', () => {
    const r = size({ model: 'deepseek-r1', gpu: 'atlas-800i-a2x2', quant: 'int8' });
    expect(r.layout).toMatchObject({ tp: 8, pp: 2, replicas: 1 });
  });

  it('MoE group-quantized experts must shard into whole groups (Qwen3-30B-A3B: 768 / 8 = 96)', () => {
    const r = size({ model: 'qwen3-30b-a3b', gpu: 'a10x8', quant: 'awq' });
    const tp8 = r.layout.alternatives.find((a) => a.tp === 8 && !a.dp);
    expect(r.layout.tp).not.toBe(8);
    expect(tp8?.reason).toMatch(/moe_intermediate_size 768/);
  });
});

describe('figures that follow from others', () => {
  it('free and shortfall are the budget minus everything placed on the GPU', () => {
    for (const opts of [
      { model: 'llama-3.1-8b', gpu: 'h100', users: '4' },
      { model: 'gemma-2-27b', gpu: 'rtx4090', users: '10', quant: 'int4' },
    ]) {
      const g = size(opts).perGpu;
      const rest = g.budgetBytes - g.weightsBytes - g.activationBytes - g.overheadBytes - g.kvRequiredBytes;
      expect(g.freeBytes - g.shortfallBytes).toBeCloseTo(rest, -1);
      expect(Math.min(g.freeBytes, g.shortfallBytes)).toBe(0);
    }
  });

  it('each alternative layout reports the users the same layout gets when asked for directly', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4' });
    for (const alt of r.layout.alternatives.filter((a) => a.pp === 1)) {
      const direct = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4', tp: String(alt.tp) });
      expect(alt.maxUsers).toBe(direct.capacity.maxUsers);
      expect(alt.fits).toBe(direct.fits);
    }
  });
});

describe('report contract', () => {
  it('matches the zod schema, integers for bytes', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' }, { explain: true });
    expect(() => SizingReportSchema.parse(r)).not.toThrow();
    expect(r.explain!.length).toBeGreaterThan(5);
  });

  it('explanations evaluate to the reported figures', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', engine: 'vllm@0.19' }, { explain: true });
    const kv = r.explain!.find((s) => s.id === 'kv.perToken')!;
    expect(kv.value).toBe(r.kv.bytesPerToken);
    const budget = r.explain!.find((s) => s.id === 'vllm.budget')!;
    expect(budget.value).toBe(r.perGpu.budgetBytes);
  });
});

describe('other engines', () => {
  it('SGLang sizes from mem_fraction_static x free memory', () => {
    const r = size({ model: 'qwq-32b', gpu: 'l4x4', tp: '4', engine: 'sglang', util: '0.85' });
    expect(r.request.util).toBe(0.85);
    // cell: 64 layers x 2 KV heads/rank x 128 x 2 (K,V) x 2 B
    expect(r.kv.poolTokens).toBe(Math.floor(r.perGpu.kvPoolBytes / 65536));
  });

  it('llama.cpp allocates n_ctx for every slot up front and keeps token embeddings on the host', () => {
    const one = size({ model: 'llama-3.1-8b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', context: '8k' });
    const four = size({ model: 'llama-3.1-8b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', context: '8k', users: '4' });
    expect(one.perGpu.kvPoolBytes).toBe(8192 * 131072);
    expect(four.perGpu.kvPoolBytes).toBe(4 * 8192 * 131072);
    // token_embd Q4_K (128256 x 4096 x 4.5 bits) is not on the GPU
    expect(one.weights.totalBytes - one.perGpu.weightsBytes).toBe((128256 * 4096 * 144) / 256);
  });

  it('llama.cpp / Ollama say how many layers would stay on the GPU when the model does not fit', () => {
    const r = size({ model: 'llama-3.1-70b', gpu: 'rtx4090', engine: 'ollama' });
    expect(r.fits).toBe(false);
    const n = r.notes.find((x) => x.code === 'fit.offload')!;
    const onGpu = Number(n.params!.onGpu);
    // Q4_K_M 70B is ~40 GiB over 80 layers (~0.5 GiB each): a 24 GB card holds about 40-48 of them
    expect(onGpu).toBeGreaterThan(35);
    expect(onGpu).toBeLessThan(50);
  });

  it('KTransformers keeps routed experts in host RAM', () => {
    const kt = size({ model: 'deepseek-r1', gpu: 'rtx4090', engine: 'ktransformers', quant: 'q4_k_m' });
    expect(kt.perGpu.weightsBytes / GiB).toBeLessThan(20);
  });
});
