import { describe, expect, it } from 'vitest';
import { parameterCounts } from '../../src/engine/architecture.ts';
import { ggufTypeFor, useMoreBits } from '../../src/engine/gguf.ts';
import { computeWeights } from '../../src/engine/weights.ts';
import { cat, GiB, model, size } from '../helpers/req.ts';

const q = (id: string) => cat.quants.get(id)!;
const plain = { tp: 1, pp: 1, vocabPad: 1, ropeCacheBytes: 0, dtypeBits: 16, embeddingOnHost: false };

describe('parameter counts', () => {
  it.each(cat.modelEntries.map((e) => [e.id]))('%s is within 1.5 % of its published total', (id) => {
    const m = model(id);
    const entry = cat.modelEntries.find((e) => e.id === id)!;
    const { total } = parameterCounts(m);
    // A card that counts the text decoder only (Gemma 4) is compared without the vision tower it lists separately.
    const counted = entry.published.scope === 'decoder' ? total - (entry.extraParams?.count ?? 0) : entry.published.scope === 'with-mtp' ? total + m.mtpParams : total;
    expect(Math.abs(counted / m.publishedTotalParams! - 1)).toBeLessThan(0.015);
  });

  it('Llama-3.1-8B: embeddings 128256 x 4096 untied, 32 layers of attention (GQA 32/8) and a 14336 MLP', () => {
    const perLayer = 4096 * 4096 * 2 + 4096 * 1024 * 2 + 3 * 4096 * 14336 + 2 * 4096;
    expect(parameterCounts(model('llama-3.1-8b')).total).toBe(2 * 128256 * 4096 + 32 * perLayer + 4096);
  });
});

describe('weights by format', () => {
  it('bf16 Llama-3.1-8B = params x 2 bytes', () => {
    const w = computeWeights(model('llama-3.1-8b'), q('bf16'), plain, false);
    expect(w.totalBytes).toBe(parameterCounts(model('llama-3.1-8b')).total * 2);
  });

  it('int4 (group 128) keeps embeddings and lm_head in 16 bit and adds scales + zeros', () => {
    const m = model('llama-3.1-70b');
    const w = computeWeights(m, q('int4'), plain, false);
    const embed = 2 * 128256 * 8192;
    const norms = w.byKind.norm! / 2;
    const linear = parameterCounts(m).total - embed - norms;
    expect(w.totalBytes).toBeCloseTo(embed * 2 + norms * 2 + (linear * (4 + 16 / 128 + 4 / 128)) / 8, -3);
  });

  it('MXFP4 touches gpt-oss experts only (4.25 bits); attention, router and embeddings stay bf16', () => {
    const m = model('gpt-oss-120b');
    const w = computeWeights(m, q('mxfp4'), plain, false);
    const experts = m.tensors.filter((t) => t.kind === 'routedExperts').reduce((a, t) => a + t.params, 0);
    expect(w.byKind.routedExperts).toBeCloseTo((experts * 4.25) / 8, -2);
    expect(w.byKind.attention).toBe(m.tensors.filter((t) => t.kind === 'attention').reduce((a, t) => a + t.params, 0) * 2);
  });

  it('GGUF Q4_K_M Llama-3.1-8B is 4,912,898,304 bytes (= llama.cpp CPU_Mapped 4685.30 MiB)', () => {
    const w = computeWeights(model('llama-3.1-8b'), q('q4_k_m'), { ...plain, gguf: true }, false);
    expect(w.totalBytes).toBe(4_912_898_304);
  });

  it('llama.cpp type rules: use_more_bits and the 70B attn_v bump', () => {
    expect([...Array(32).keys()].filter((i) => useMoreBits(i, 32))).toHaveLength(16);
    const m70 = model('llama-3.1-70b');
    const v = m70.tensors.find((t) => t.part === 'v' && t.layer === 20)!;
    expect(useMoreBits(20, 80)).toBe(false);
    expect(ggufTypeFor(v, 'q4_k_m', m70)).toBe('Q5_K');
    const out = m70.tensors.find((t) => t.kind === 'lmHead')!;
    expect(ggufTypeFor(out, 'q4_k_m', m70)).toBe('Q6_K');
    const mix = model('mixtral-8x7b');
    expect(ggufTypeFor(mix.tensors.find((t) => t.part === 'k')!, 'q4_k_m', mix)).toBe('Q8_0');
  });

  it('TP shards layers and the vocab-padded embedding; norms are replicated', () => {
    const m = model('llama-3.1-8b');
    const w1 = computeWeights(m, q('bf16'), { ...plain, vocabPad: 64 }, false);
    const w2 = computeWeights(m, q('bf16'), { ...plain, tp: 2, vocabPad: 64 }, false);
    const normBytes = w1.byKind.norm!;
    expect(w2.perGpuBytes).toBeCloseTo((w1.perGpuBytes - normBytes) / 2 + normBytes, -1);
  });

  it('vLLM weights include the RoPE cos/sin cache (Llama-3.1-8B: 14.99 GiB as logged)', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100' });
    expect(r.perGpu.weightsBytes).toBe(parameterCounts(model('llama-3.1-8b')).total * 2 + 131072 * 128 * 2);
    expect(r.perGpu.weightsBytes / GiB).toBeCloseTo(14.99, 2);
  });
});

describe('vision towers under tensor parallelism', () => {
  it('vLLM shards the ViT linear layers over TP; patch embedding, norms and row-parallel biases stay whole on every rank', () => {
    // Qwen2.5-VL-72B extraParams: 704,573,696 parameters, 1,678,592 of them replicated (catalog entry, from vision_config).
    const m = model('qwen2.5-vl-72b');
    const w1 = computeWeights(m, q('bf16'), plain, false);
    const w4 = computeWeights(m, q('bf16'), { ...plain, tp: 4 }, false);
    expect(w1.byKind.vision).toBe(704_573_696 * 2);
    const vision4 = ((704_573_696 - 1_678_592) / 4 + 1_678_592) * 2;
    // The rest of rank 0 is the decoder's own TP4 share (Qwen2.5-72B has the same decoder shapes).
    expect(w4.perGpuBytes).toBeCloseTo(computeWeights(model('qwen2.5-72b'), q('bf16'), { ...plain, tp: 4 }, false).perGpuBytes + vision4, -1);
  });
});

describe('vLLM Gemma 4 weight rules (vllm gemma4.py)', () => {
  // gemma-4-31B config: 60 layers, 10 full_attention layers with attention_k_eq_v, 4 global KV heads x global_head_dim 512, hidden 5376.
  it('K = V global layers still get a V slot of K shape: 10 x 4 x 512 x 5376 parameters more', () => {
    const m = model('gemma-4-31b');
    const plainW = computeWeights(m, q('bf16'), plain, false);
    const slotW = computeWeights(m, q('bf16'), { ...plain, kEqVSlot: true }, false);
    expect(slotW.totalBytes - plainW.totalBytes).toBe(10 * 4 * 512 * 5376 * 2);
  });
  it('two RoPE caches: sliding layers rotate head_dim 256, global layers all 512 dims (proportional RoPE)', () => {
    expect(model('gemma-4-31b').ropeCacheDims).toBe(256 + 512);
    expect(model('llama-3.1-8b').ropeCacheDims).toBeUndefined();
  });
});

describe('per-layer embeddings (Gemma 3n / 4 E-series)', () => {
  it('the PLE table is vocab_size_per_layer_input x (layers x hidden_size_per_layer_input) wide on the GPU, not hidden wide', () => {
    // gemma-4-E4B: 262144 x (42 x 256) bf16 next to the 262144 x 2560 token embedding.
    const w = computeWeights(model('gemma-4-e4b'), q('bf16'), plain, false);
    expect(w.byKind.embedding).toBe((262144 * 42 * 256 + 262144 * 2560) * 2);
    expect(w.perGpuBytes).toBe(w.totalBytes);
  });
});
