// The engine modules: one profile per engine behind one interface, and the format x engine x hardware matrix.
import { describe, expect, it } from 'vitest';
import { ENGINE_IDS, ENGINES, isLayerSplitEngine, needsCuda } from '../../src/engine/engines/index.ts';
import { estimate, EstimateError } from '../../src/engine/estimate.ts';
import { cat, request, size } from '../helpers/req.ts';

const gpu = (id: string) => {
  const g = cat.gpus.get(id);
  if (!g) throw new Error(`no gpu ${id}`);
  return g;
};
const quant = (id: string) => cat.quants.get(id)!;

describe('engine registry', () => {
  it('has one module per engine id, each naming itself', () => {
    for (const id of ENGINE_IDS) expect(ENGINES[id].id).toBe(id);
    expect(ENGINE_IDS).toEqual(expect.arrayContaining(['vllm', 'sglang', 'llamacpp', 'ollama', 'tgi', 'transformers', 'ktransformers']));
  });

  it('layer-split and CUDA-only engines come from the modules', () => {
    expect(isLayerSplitEngine('llamacpp')).toBe(true);
    expect(isLayerSplitEngine('vllm')).toBe(false);
    expect(needsCuda('vllm')).toBe(true);
    expect(needsCuda('llamacpp')).toBe(false);
  });

  it('every engine carries its speed constants, and the report uses them', () => {
    for (const id of ENGINE_IDS) {
      expect(ENGINES[id].speed.memEfficiency).toBeGreaterThan(0);
      expect(ENGINES[id].speed.computeEfficiency).toBeGreaterThan(0);
    }
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100' });
    const note = r.notes.find((n) => n.code === 'perf.assumptions')!;
    expect(note.params?.mem).toBe(Math.round(ENGINES.vllm.speed.memEfficiency * 100));
  });
});

describe('format x engine x hardware', () => {
  it('FP8 on Ampere: vLLM runs it weight-only through Marlin and says so', () => {
    const s = ENGINES.vllm.supports(quant('fp8'), gpu('a100-80gb'));
    expect(s.ok).toBe(true);
    expect(s.ok && s.note?.code).toBe('hw.fp8');
    expect(ENGINES.vllm.supports(quant('fp8'), gpu('h100-sxm'))).toEqual({ ok: true });
  });

  it('before sm80 (V100, T4): no FP8 at all, and bf16 runs as fp16', () => {
    for (const id of ['v100-32gb', 't4']) {
      const g = gpu(id);
      expect(ENGINES.vllm.supports(quant('fp8'), g).ok).toBe(false);
      const b = ENGINES.vllm.supports(quant('bf16'), g);
      expect(b.ok && b.note?.code).toBe('hw.bf16');
    }
  });

  it('Ascend never gets a CUDA-only kernel: FP8 and AWQ are refused with W8A8 as the way', () => {
    const npu = gpu('ascend-910b3');
    for (const e of ['vllm', 'sglang'] as const) {
      for (const q of ['fp8', 'awq', 'nvfp4']) {
        const s = ENGINES[e].supports(quant(q), npu);
        expect(s.ok).toBe(false);
        if (!s.ok) expect(s.alternative).toMatch(/int8/);
      }
      expect(ENGINES[e].supports(quant('int8'), npu).ok).toBe(true);
      expect(ENGINES[e].supports(quant('bf16'), npu).ok).toBe(true);
    }
    expect(ENGINES.tgi.supports(quant('bf16'), npu).ok).toBe(false);
  });

  it('estimate refuses a pair the engine cannot run, with what would work, and never mentions Marlin on Ascend', () => {
    const req = request({ model: 'deepseek-v3', gpu: '910b3x8', users: '1' });
    expect(req.quant.id).toBe('fp8');
    try {
      estimate(req, cat.engines);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EstimateError);
      expect((e as EstimateError).suggestions).toEqual(['quant:int8']);
      expect((e as Error).message).not.toMatch(/Marlin \(/);
    }
    const ok = size({ model: 'deepseek-v3', gpu: '910b3x8', quant: 'int8' });
    expect(ok.notes.some((n) => /Marlin/.test(n.message))).toBe(false);
  });

  it('CUDA engines do not run on Apple unified memory; llama.cpp does', () => {
    const m = gpu('m3-ultra');
    expect(ENGINES.vllm.supports(quant('bf16'), m).ok).toBe(false);
    expect(ENGINES.sglang.supports(quant('bf16'), m).ok).toBe(false);
    expect(ENGINES.llamacpp.supports(quant('q4_k_m'), m).ok).toBe(true);
  });
});

describe('MindIE and TensorRT-LLM profiles', () => {
  it('MindIE: KV = NPU_MEMORY_FRACTION x total - weights - warm-up workspace, in 128-token blocks', () => {
    const r = size({ model: 'qwen3-32b', gpu: '910b3x4', engine: 'mindie', users: '20', context: '8k' });
    const total = r.perGpu.capacityBytes;
    expect(r.perGpu.budgetBytes).toBe(Math.floor(0.8 * total));
    expect(r.perGpu.kvPoolBytes).toBe(r.perGpu.budgetBytes - r.perGpu.weightsBytes - r.perGpu.activationBytes - r.perGpu.overheadBytes);
    // Qwen3-32B: 8 KV heads / TP4 = 2 per NPU, head_dim 128, 64 layers, bf16 -> 64 KiB per token per NPU
    const perTokenRank = 2 * 2 * 128 * 2 * 64;
    expect(r.kv.poolTokens).toBe(Math.floor(Math.floor(r.perGpu.kvPoolBytes / perTokenRank) / 128) * 128);
    expect(r.kv.blockSize).toBe(128);
  });

  it('TensorRT-LLM: KV = 0.9 x (memory free after weights, warm-up and context); the other 10 % stays free', () => {
    const r = size({ model: 'llama-3.1-70b', gpu: 'h100x4', engine: 'trtllm', quant: 'fp8', users: '50', context: '8k', tp: '4' });
    const g = r.perGpu;
    const GiB = 2 ** 30;
    const base = 0.3 * GiB + 2.06 * GiB; // CUDA context + NCCL buffers (TP4)
    const free = g.capacityBytes - g.weightsBytes - g.activationBytes - base;
    expect(g.kvPoolBytes / GiB).toBeCloseTo((0.9 * free) / GiB, 3);
    expect(g.overheadBytes / GiB).toBeCloseTo((base + 0.1 * free) / GiB, 3);
  });

  it('vLLM kv_cache_dtype=auto follows the model dtype: an fp32 model caches fp32 KV', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', quant: 'fp32' });
    expect(r.request.kvDtype).toBe('fp32');
    expect(r.kv.bytesPerToken).toBe(2 * 8 * 128 * 4 * 32);
    expect(size({ model: 'llama-3.1-8b', gpu: 'h100' }).request.kvDtype).toBe('bf16');
    expect(size({ model: 'llama-3.1-8b', gpu: 't4', quant: 'int4' }).request.kvDtype).toBe('fp16');
  });

  it('engines refuse KV dtypes they do not offer, naming the ones they do', () => {
    expect(() => request({ model: 'qwen3-32b', gpu: '910b3x4', engine: 'mindie', kv: 'fp8' })).toThrow(/mindie has no fp8 KV cache; mindie offers bf16, fp16/);
    expect(() => request({ model: 'qwen3-32b', gpu: 'h100', engine: 'vllm', kv: 'q8_0' })).toThrow(/llama.cpp cache type/);
  });
});

describe('DP attention with expert parallel', () => {
  it('each of the 8 ranks holds KV only for its own requests: capacity by hand (DeepSeek-V3 FP8, 8x H200, SGLang)', () => {
    const r = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '100', context: '16k', engine: 'sglang' });
    expect(r.layout.dp).toBe(8);
    expect(r.fits).toBe(true);
    // MLA latent (512 + 64) x 2 B x 61 layers per token, page size 1: one 16k request costs 16384 x 70272 B
    const perUser = 16384 * (512 + 64) * 2 * 61;
    expect(r.kv.bytesPerToken).toBe((512 + 64) * 2 * 61);
    expect(r.capacity.maxUsers).toBe(8 * Math.floor(r.perGpu.kvPoolBytes / perUser));
    // KV on one GPU: ceil(100 / 8) = 13 requests, not all 100
    expect(r.perGpu.kvRequiredBytes).toBe(13 * perUser);
    expect(r.kv.poolTokens).toBe(8 * Math.floor(r.perGpu.kvPoolBytes / ((512 + 64) * 2 * 61)));
    // The plain TP8 layout replicates the latent on every GPU and holds far fewer users.
    const tp8 = r.layout.alternatives.find((a) => a.tp === 8 && a.replicas === 1 && !a.dp)!;
    expect(tp8.fits).toBe(false);
    expect(tp8.maxUsers).toBeLessThan(100);
    expect(r.launch.command).toMatch(/--tp 8 \\\n\s+--dp 8 \\\n\s+--enable-dp-attention/);
  });

  it('vLLM: -dp 8 --enable-expert-parallel with TP1 per rank', () => {
    const r = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '100', context: '16k' });
    expect(r.layout.dp).toBe(8);
    expect(r.launch.command).toContain('--tensor-parallel-size 1');
    expect(r.launch.command).toContain('--data-parallel-size 8');
    expect(r.launch.command).toContain('--enable-expert-parallel');
  });

  it('dense models never get DP attention; attention weights are replicated per rank under it', () => {
    const d = size({ model: 'llama-3.1-70b', gpu: 'h100x8', users: '50' });
    expect(d.layout.dp).toBe(1);
    expect(d.layout.alternatives.some((a) => a.dp)).toBe(false);
  });
});
