// TensorRT-LLM (trtllm-serve, PyTorch backend): after the weights and a warm-up of max_num_tokens, the KV cache
// manager takes kv_cache_free_gpu_memory_fraction (default 0.9) of the free memory; paged blocks of
// tokens_per_block tokens. Sources in catalogs/engines.yaml and docs/engines/trtllm.md.
import { F } from '../formulas.ts';
import { windowPlain } from '../kv.ts';
import { cudaContextBytes, vllmNonTorch } from '../overhead.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { cellPoolTokens, fmtGiB, hasFp8, isNvidia, isSm80Plus, no, caveat, OK, GPU_KV } from './common.ts';
import type { EngineProfile, Launch, LaunchInput, Support, SpeedConstants } from './types.ts';
import { needsQuantizedCheckpoint, quantizedRepo, repoOf, shell } from './launch.ts';

/** NVIDIA only; FP8 needs FP8 tensor cores (SM89+), NVFP4 Blackwell; no GGUF, no bitsandbytes. */
export function trtllmSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (!isNvidia(gpu)) return no(`TensorRT-LLM runs on NVIDIA GPUs only`, gpu.vendor === 'huawei' ? 'engine:mindie' : gpu.unified ? 'engine:llamacpp' : 'engine:vllm');
  if (quant.family === 'gguf') return no(`TensorRT-LLM does not load GGUF files`, 'engine:llamacpp');
  if (quant.id === 'nf4') return no('TensorRT-LLM has no bitsandbytes NF4 kernels', 'quant:int4 (AWQ)');
  if ((quant.id === 'fp8' || quant.id === 'mxfp4') && !hasFp8(gpu)) return no(`${gpu.name} has no FP8 tensor cores (TensorRT-LLM FP8 needs Ada, Hopper or Blackwell)`, 'quant:int8 or quant:int4 (AWQ)');
  if (quant.id === 'nvfp4' && gpu.tflopsFp4 === null) return no(`${gpu.name} has no FP4 tensor cores (NVFP4 needs Blackwell)`, 'quant:fp8');
  if (!isSm80Plus(gpu) && quant.id === 'bf16') return caveat('hw.bf16', `${gpu.name} has no bf16 (before sm80): TensorRT-LLM runs the model in fp16, same memory`, { gpu: gpu.name, engine: 'TensorRT-LLM' });
  return OK;
}

/** trtllm-serve (PyTorch backend) with the settings the estimate assumed. */
export function trtllmLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const repo = repoOf(req.model);
  const quantized = needsQuantizedCheckpoint(req.model, req.quant) || (req.quant.id === 'fp8' && req.model.nativeQuant !== 'fp8');
  const target = quantized ? quantizedRepo(repo, req.quant) : repo;
  const s = ev.settings;
  const command = shell(`trtllm-serve ${target}`, [
    '--backend pytorch',
    `--tp_size ${ev.tp}`,
    ev.pp > 1 && `--pp_size ${ev.pp}`,
    `--max_batch_size ${s.maxBatchSize}`,
    `--max_num_tokens ${s.maxNumTokens}`,
    `--max_seq_len ${l.maxModelLen}`,
    `--kv_cache_free_gpu_memory_fraction ${s.freeGpuMemoryFraction}`,
    req.kvDtype.id === 'fp8' && '--extra_llm_api_options kv_fp8.yaml',
  ]);
  const notes: string[] = [];
  if (req.kvDtype.id === 'fp8') notes.push('kv_fp8.yaml holds "kv_cache_config: { dtype: fp8 }".');
  if (quantized) notes.push(`${target} stands for a ${req.quant.id.toUpperCase()} checkpoint of ${repo} (TensorRT Model Optimizer / ModelOpt export).`);
  if (ev.replicas > 1) notes.push(`Run ${ev.replicas} servers, one per group of ${ev.tp * ev.pp} GPUs, behind a load balancer.`);
  return { engine: 'trtllm', command, env: {}, notes };
}

/** Fitted on NVIDIA's published trtllm-bench saturation tables (test/calibration/throughput/trtllm-perf-overview.json). */
export const TRTLLM_SPEED: SpeedConstants = {
  label: 'TensorRT-LLM (CUDA)',
  memEfficiency: 0.84,
  // The saturation cases cannot separate the per-layer cost from the GEMM fraction: vLLM's value.
  layerSeconds: 2.1e-5,
  computeEfficiency: 0.51,
  gemmPeak: 'native',
  fittedOn: [
    'trt-h100-llama31-8b-fp8-128-128',
    'trt-h100-llama31-8b-fp8-1000-1000',
    'trt-h100-llama31-8b-fp8-2048-2048',
    'trt-h100-llama31-8b-fp8-2048-128',
    'trt-h100-llama31-8b-fp8-5000-500',
    'trt-h100x2-llama33-70b-fp8-1000-1000',
  ],
  source: 'trtllm-bench throughput (perf-overview, v1.0) on H100: Llama 3.1 8B FP8 at five ISL/OSL and Llama 3.3 70B FP8 TP2; held out: H200 and Llama 3.1 405B TP8',
};

export const trtllm: EngineProfile = {
  id: 'trtllm',
  label: 'TensorRT-LLM',
  needsCuda: true,
  gguf: false,
  layouts: { layerSplit: false },
  kvCache: { ...GPU_KV, dtypes: ['bf16', 'fp16', 'fp8'] },
  speed: TRTLLM_SPEED,
  supports: trtllmSupports,
  weightOptions(inp) {
    return { vocabPad: inp.engines.vllm.vocabPad, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: false, gguf: false, expertPadFactor: 1 };
  },
  budget({ inp, tp, pp, dtypeBytes: d, kv, weights, steps: s }) {
    const { arch, gpu, engines } = inp;
    const cfg = engines.trtllm;
    const fraction = inp.util ?? cfg.freeGpuMemoryFraction;
    const total = gpu.visibleBytes;
    const inter = arch.intermediate > 0 ? arch.intermediate / tp : (arch.moe?.expertIntermediate ?? 0) / tp;
    const act = F.warmupForward.eval({ N: cfg.maxNumTokens, hidden: arch.hidden, intermediate: inter, d }, s);
    // CUDA context and, with TP, NCCL buffers: the vLLM-measured non-torch constant (TensorRT-LLM's own is not published).
    const base = cudaContextBytes(gpu) + (tp > 1 ? vllmNonTorch(engines.vllm, tp, pp) : 0);
    const stageOverhead = weights.perStage.map((w, i) => base + Math.max(0, F.trtllmReserve.eval({ fraction, total, weights: w, activation: act, base }, i === 0 ? s : undefined)));
    const B = cfg.tokensPerBlock;
    return {
      budget: total,
      // The budget is the whole GPU; the fraction applies to what is free after weights (in settings and the note).
      utilUsed: 1,
      blockSize: B,
      costOptions: { blockSize: B, windowRule: windowPlain },
      stageActivation: Array.from({ length: pp }, () => act),
      stageOverhead,
      poolTokens: (stages) => Math.floor(cellPoolTokens(kv, stages, (pool, cell) => Math.floor(pool / cell)) / B) * B,
      maxSeqs: cfg.maxBatchSize,
      settings: { freeGpuMemoryFraction: fraction, maxNumTokens: cfg.maxNumTokens, maxBatchSize: cfg.maxBatchSize },
      notes: [
        {
          code: 'engine.trtllm',
          params: { fraction, tokens: cfg.maxNumTokens, batch: cfg.maxBatchSize, block: B, base: fmtGiB(base), nccl: tp > 1 ? 1 : 0 },
          message: `TensorRT-LLM profile (trtllm-serve, PyTorch backend): KV = kv_cache_free_gpu_memory_fraction ${fraction} × the memory free after weights, the max_num_tokens ${cfg.maxNumTokens} warm-up and ${fmtGiB(base)} of CUDA context${tp > 1 ? ' and NCCL buffers' : ''}; the other ${Math.round((1 - fraction) * 100)} % of it stays free (counted as overhead); max_batch_size ${cfg.maxBatchSize}; blocks of ${B} tokens.`,
        },
      ],
    };
  },
  launch: trtllmLaunch,
};
