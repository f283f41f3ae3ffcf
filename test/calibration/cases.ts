// How each measured case is expressed as an engine input, or why it cannot be yet.
// Measured numbers are never copied here: the harness reads them from the case files by key.
// The GPU total vLLM logs (total_gpu_memory) is an input the log itself prints, not an output.
import type { ProfileInput } from '../../src/engine/profiles.ts';

export type Metric =
  | 'weights' // per-rank "Model loading took" / GGUF or safetensors size (2 %)
  | 'vllmKvGiB' // "Available KV cache memory" (3 %)
  | 'vllmKvTokens' // "GPU KV cache size: N tokens" (3 %)
  | 'llamacppKv' // llama.cpp "KV buffer size" (1 %)
  | 'llamacppModel' // llama.cpp "model buffer size" on the GPUs (3 %)
  | 'sglangTokens' // SGLang "#tokens" (3 %)
  | 'activation' // informational
  | 'nonTorch' // informational
  | 'compute' // informational (llama.cpp compute buffer)
  | 'transformersIdle' // informational (transformers: weights + CUDA context, idle)
  | 'cudaGraphs'; // informational (vLLM 'Estimated CUDA graph memory')

export const THRESHOLDS: Partial<Record<Metric, number>> = {
  weights: 0.02,
  vllmKvGiB: 0.03,
  vllmKvTokens: 0.03,
  llamacppKv: 0.01,
  llamacppModel: 0.03,
  sglangTokens: 0.03, // not in the list; held to the vLLM token limit
};

export interface CaseInput {
  model: string;
  gpu?: string;
  gpuCount?: number;
  engine?: string;
  quant?: string;
  kv?: string;
  tp?: number;
  pp?: number;
  util?: number;
  users?: number;
  context?: number;
  overrides?: ProfileInput['overrides'];
  /** Checkpoint cases: compare the file size of the whole model (no engine). */
  checkpoint?: boolean;
}

/** measured keys per metric; a key may name several (summed), a unit is taken from its suffix (_gib, _mib, _gb). */
export interface CaseMapping {
  id: string;
  input?: CaseInput;
  metrics: Partial<Record<Metric, string | string[]>>;
  /** Metrics or the whole case ('all') that cannot be expressed yet, with the reason. */
  skip?: Partial<Record<Metric | 'all', string>>;
  note?: string;
}

const V0 = 'vLLM V0 engine (before v0.8): its profiling run differs and is not modelled; weights are release-independent and are compared';
const NOT_IN_CATALOG = (m: string) => `${m} is not in the model catalog`;

export const CASES: CaseMapping[] = [
  // ---------------- measured.json ----------------
  {
    id: 'vllm-pr10511-llama3-8b-h100-tp2',
    input: { model: 'llama-3-8b', gpu: 'h100-sxm', gpuCount: 2, tp: 2, engine: 'vllm@0.8', util: 0.9 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0 },
  },
  {
    id: 'vllm-pr12126-llama32-11b-vision-h100-64k-eager',
    input: { model: 'llama-3.2-11b-vision', gpu: 'h100-sxm', engine: 'vllm@0.8', util: 0.9, context: 65536, overrides: { maxNumSeqs: 128 } },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: `${V0}; its multimodal profiling run (36.63 GiB activation peak) is not modelled either` },
    note: 'dummy weights (--load-format dummy) have the checkpoint shapes; weights are release-independent',
  },
  {
    id: 'vllm-10517-llama31-8b-3090-20k',
    input: { model: 'llama-3.1-8b', gpu: 'rtx3090', engine: 'vllm@0.8', util: 0.9, context: 20000 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0 },
  },
  {
    id: 'vllm-10517-llama31-8b-3090-29k',
    input: { model: 'llama-3.1-8b', gpu: 'rtx3090', engine: 'vllm@0.8', util: 0.9, context: 29000 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0, vllmKvTokens: V0 },
  },
  {
    id: 'vllm-13061-r1-distill-qwen14b-2x4090-tp2',
    input: { model: 'deepseek-r1-distill-qwen-14b', gpu: 'rtx4090', gpuCount: 2, tp: 2, engine: 'vllm@0.8', util: 0.98 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0, vllmKvTokens: V0 },
  },
  { id: 'vllm-pr2031-llama2-7b-a100-80gb', metrics: {}, skip: { all: 'vLLM v0.2 (Dec 2023): only block counts are logged, and that profiler is not modelled' } },
  { id: 'vllm-pr2031-llama2-70b-4xa100-80gb-tp4', metrics: {}, skip: { all: 'vLLM v0.2 (Dec 2023): only block counts are logged, and that profiler is not modelled' } },
  {
    id: 'vllm-21348-qwen3-235b-a22b-fp8-4xh100-tp4',
    input: { model: 'qwen3-235b-a22b', gpu: 'h100-sxm', gpuCount: 4, tp: 4, quant: 'fp8', engine: 'vllm@0.9', util: 0.9, context: 40960 },
    metrics: { vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens' },
    note: 'V1 ~July 2025 (v0.9.x/0.10): the 0.8 profile (sort sampler) applies',
  },
  {
    id: 'vllm-6746-llama31-405b-fp8-8xh100',
    metrics: {},
    skip: {
      all: "Meta's FP8 checkpoint quantizes only the FFN (attention, embeddings and the first/last layers' MLP stay BF16; by hand that is 56.7 GiB per GPU, as logged); quant:fp8 means every linear layer, which would give 47.8 GiB",
    },
  },
  {
    id: 'vllm-23278-gpt-oss-120b-h100-v0101',
    input: { model: 'gpt-oss-120b', gpu: 'h100-sxm', engine: 'vllm@0.10', context: 131072, overrides: { maxNumBatchedTokens: 8192 } },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: 'start-up failed: the log prints a negative KV budget' },
  },
  {
    id: 'vllm-16570-qwen25-vl-72b-4xa100-tp4',
    input: { model: 'qwen2.5-vl-72b', gpu: 'a100-80gb', gpuCount: 4, tp: 4, engine: 'vllm@0.8' },
    metrics: { weights: 'weights_gib' },
    note: 'A100 memory size not stated; weights do not depend on it. The per-rank figure includes the ViT, which vLLM shards over TP (qwen2_5_vl.py parallel linears)',
  },
  {
    id: 'vllm-17469-qwen3-30b-a3b-4xa10-tp4',
    input: { model: 'qwen3-30b-a3b', gpu: 'a10', gpuCount: 4, tp: 4, engine: 'vllm@0.8', context: 1024, overrides: { maxNumSeqs: 1 } },
    metrics: { weights: 'weights_gib' },
  },
  {
    id: 'vllm-11230-qwen25-72b-gptq-int4-a40-48q',
    input: { model: 'qwen2.5-72b', gpu: 'a40', quant: 'gptq', engine: 'vllm@0.8', util: 0.95, context: 8192 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0 },
  },
  { id: 'vllm-10360-qwen25-32b-awq-a6000', metrics: {}, skip: { all: 'no weights figure in the log; KV is from the V0 engine (not modelled)' } },
  {
    id: 'vllm-selfllm-phi4-bnb4-a100-80gb-512',
    input: { model: 'phi-4', gpu: 'a100-80gb', quant: 'nf4', engine: 'vllm@0.8', util: 0.7, context: 512 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0 },
  },
  {
    id: 'vllm-myoceane-gpt-oss-20b-a100-128k',
    input: { model: 'gpt-oss-20b', gpu: 'a100-80gb', engine: 'vllm@0.19', util: 0.65, context: 131072 },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib' },
    note: 'A100 variant not stated; 36.56 GiB of KV at util 0.65 is only possible on the 80 GB card',
  },
  {
    id: 'vllm-lmcache1739-qwen3-14b-32k',
    input: { model: 'qwen3-14b', engine: 'vllm@0.10', context: 32768, overrides: { kvPoolBytes: 6.51 * 2 ** 30 } },
    metrics: { vllmKvTokens: 'kv_cache_tokens' },
    skip: { vllmKvGiB: 'GPU and utilization not stated: the pool itself is the input here' },
    note: 'GPU not stated; the logged pool (6.51 GiB, printed to 0.01 GiB) is the input, so this checks only the bytes per token and paging rule (160 KiB/token, 16-token blocks)',
  },
  {
    id: 'sglang-21348-qwen3-235b-a22b-fp8-4xh100-tp4',
    input: { model: 'qwen3-235b-a22b', gpu: 'h100-sxm', gpuCount: 4, tp: 4, quant: 'fp8', engine: 'sglang', util: 0.93 },
    metrics: { sglangTokens: 'kv_cache_tokens' },
  },
  {
    id: 'sglang-didierdurand-qwq-32b-4xl4-tp4',
    input: { model: 'qwq-32b', gpu: 'l4', gpuCount: 4, tp: 4, engine: 'sglang', util: 0.85 },
    metrics: { sglangTokens: 'kv_cache_tokens', weights: 'weights_gb' },
  },
  {
    id: 'ollama-8667-deepseek-r1-671b-q4km-estimate',
    input: { model: 'deepseek-r1', quant: 'q4_k_m', checkpoint: true },
    metrics: { weights: 'weights_total_gib' },
    skip: { llamacppKv: 'GGUFs converted before ~Apr 2025 cache DeepSeek MLA as full per-head K/V (2048 x 61 x 128 x 320 x 2 B = 9.5 GiB, as logged); the profile models current builds (latent only)' },
  },
  {
    id: 'ollama-8922-r1-distill-llama-70b-q4km-3gpu',
    input: { model: 'deepseek-r1-distill-llama-70b', gpu: 'rtx3090', gpuCount: 3, engine: 'ollama', quant: 'q4_k_m', context: 2048, users: 4 },
    metrics: { llamacppModel: ['model_buffer_mib_cuda0', 'model_buffer_mib_cuda1', 'model_buffer_mib_cuda2'], weights: 'checkpoint_gib' },
    note: 'GPU models not in the excerpt; model buffers are compared summed over the 3 GPUs (the split follows free memory)',
  },
  { id: 'ollama-10740-qwen3-32b-q6k-3x3090-32k', metrics: {}, skip: { all: "Ollama's own pre-load estimate against a user-reported total, not an allocation" } },
  {
    id: 'transformers-fastchat2005-llama2-7b-3090',
    input: { model: 'llama-2-7b', gpu: 'rtx3090', engine: 'transformers', quant: 'fp16', context: 1 },
    metrics: { transformersIdle: 'total_used_mib_nvidia_smi_fp16' },
    note: 'idle after load: nvidia-smi shows weights + CUDA context; compared with weights + the CUDA-context constant',
  },
  { id: 'ckpt-gpt-oss-120b-hf', input: { model: 'gpt-oss-120b', quant: 'mxfp4', checkpoint: true }, metrics: { weights: 'mirror_without_extra_folders_gb' } },
  { id: 'ckpt-deepseek-v3-q4km-gguf', input: { model: 'deepseek-v3', quant: 'q4_k_m', checkpoint: true }, metrics: { weights: 'checkpoint_gib' } },
  { id: 'ckpt-gemma-3-27b-it-gguf-ggml-org', input: { model: 'gemma-3-27b', quant: 'q4_k_m', checkpoint: true }, metrics: { weights: 'q4_k_m_gb' } },
  { id: 'ckpt-gemma-3-27b-it-gguf-ggml-org#q8_0', input: { model: 'gemma-3-27b', quant: 'q8_0', checkpoint: true }, metrics: { weights: 'q8_0_gb' } },
  { id: 'ckpt-gemma-3-27b-it-qat-q4km-gguf-bartowski', input: { model: 'gemma-3-27b', quant: 'q4_k_m', checkpoint: true }, metrics: { weights: 'checkpoint_gib' } },
  { id: 'ckpt-llama31-8b-instruct-hf-shards', input: { model: 'llama-3.1-8b', quant: 'bf16', checkpoint: true }, metrics: { weights: 'shard_gb' } },
  {
    id: 'llamacpp-ik-glm-z1-32b-iq4xs-3090ti-32k',
    input: { model: 'glm-z1-32b', gpu: 'rtx3090ti', engine: 'llamacpp', quant: 'iq4_xs', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib', llamacppModel: 'model_buffer_mib', weights: 'checkpoint_gib', compute: 'compute_buffer_mib' },
    note: 'ik_llama.cpp fork; the KV and model-buffer rules are the same as mainline for this dense GQA model',
  },
  {
    id: 'llamacpp-ik-qwen3-30b-a3b-iq4k-3090ti-32k',
    input: { model: 'qwen3-30b-a3b', gpu: 'rtx3090ti', engine: 'llamacpp', quant: 'q4_k_m', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib' },
    skip: { llamacppModel: 'IQ4_K is an ik_llama.cpp-only type' },
  },
  {
    id: 'llamacpp-mainline-qwen3-235b-a22b-q8_0-a6000-hybrid-32k',
    input: { model: 'qwen3-235b-a22b', gpu: 'rtx-a6000', engine: 'llamacpp', quant: 'q8_0', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib' },
    skip: { llamacppModel: 'a layer-range -ot split (FFN of layers 13-93 on CPU) is not expressible as an option' },
  },
  {
    id: 'llamacpp-mainline-qwen3-235b-a22b-128k-q6_k-3090-hybrid-16k',
    input: { model: 'qwen3-235b-a22b', gpu: 'rtx3090', engine: 'llamacpp', quant: 'q6_k', kv: 'q8_0', overrides: { nCtx: 16384, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib' },
    skip: { llamacppModel: 'a layer-range -ot split is not expressible as an option' },
  },
  {
    id: 'llamacpp-ik-gemma-3-27b-it-qat-q4km-a6000-32k',
    input: { model: 'gemma-3-27b', gpu: 'rtx-a6000', engine: 'llamacpp', quant: 'q4_k_m', overrides: { nCtx: 32768, nParallel: 1, swaFull: true } },
    metrics: { llamacppKv: 'kv_buffer_mib', llamacppModel: 'model_buffer_mib', compute: 'compute_buffer_mib' },
    note: 'ik_llama.cpp has no SWA cache: sliding-window layers are allocated at full context (swa_full)',
  },
  {
    id: 'llamacpp-ik-qwen3-30b-a3b-ud-q4kxl-2xT4-32k',
    input: { model: 'qwen3-30b-a3b', gpu: 't4', gpuCount: 2, engine: 'llamacpp', quant: 'q4_k_m', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_total_mib' },
    skip: { llamacppModel: 'Unsloth UD-Q4_K_XL overrides per-tensor types; not predictable from the ftype' },
  },
  {
    id: 'llamacpp-mainline-llama31-8b-q4_0-vulkan-4080-16k',
    input: { model: 'llama-3.1-8b', gpu: 'rtx4080', engine: 'llamacpp', quant: 'q4_0', overrides: { nCtx: 16384, nParallel: 1, nUbatch: 1024 } },
    metrics: { llamacppKv: 'kv_buffer_mib', llamacppModel: 'model_buffer_mib', compute: 'compute_buffer_mib' },
  },
  {
    id: 'llamacpp-ik-qwen3-235b-iq3k-5090-4090-32k',
    input: { model: 'qwen3-235b-a22b', gpu: 'rtx4090', gpuCount: 2, engine: 'llamacpp', quant: 'q3_k_m', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_total_mib' },
    skip: { llamacppModel: 'IQ3_K mix is ik_llama.cpp-only, with a CPU expert split' },
  },
  {
    id: 'llamacpp-ik-qwen3-235b-iq3k-2x3090-32k-q8kv',
    input: { model: 'qwen3-235b-a22b', gpu: 'rtx3090', gpuCount: 2, engine: 'llamacpp', quant: 'q3_k_m', kv: 'q8_0', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_total_mib' },
    skip: { llamacppModel: 'IQ3_K mix is ik_llama.cpp-only, with a CPU expert split' },
  },
  ...['gemma-2-9b-it', 'llama-3-1-8b-instruct'].map(
    (m): CaseMapping => ({
      id: `vllm-llmd-${m}-tp1-8192`,
      input: { model: m.startsWith('gemma') ? 'gemma-2-9b' : 'llama-3.1-8b', gpu: 'h100-sxm', engine: 'vllm@0.19', util: 0.95, context: 8192 },
      metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens', activation: 'activation_peak_gib', nonTorch: 'non_torch_gib', cudaGraphs: 'cuda_graph_estimated_gib' },
    }),
  ),
  {
    id: 'vllm-llmd-qwen2-5-7b-instruct-tp2-8192',
    input: { model: 'qwen2.5-7b', gpu: 'h100-sxm', gpuCount: 2, tp: 2, engine: 'vllm@0.19', util: 0.95, context: 8192 },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens', activation: 'activation_peak_gib', nonTorch: 'non_torch_gib', cudaGraphs: 'cuda_graph_estimated_gib' },
  },
  ...[
    ['llama-3-1-8b-instruct-tp1', 'llama-3.1-8b', 1, undefined],
    ['qwen3-0-6b-tp1', 'qwen3-0.6b', 1, undefined],
    ['gpt-oss-20b-tp1', 'gpt-oss-20b', 1, undefined],
    ['llama-3-3-70b-instruct-fp8-dynamic-tp2', 'llama-3.3-70b', 2, 'fp8'],
    ['qwen3-32b-tp1', 'qwen3-32b', 1, undefined],
  ].map(
    ([slug, model, tp, quant]): CaseMapping => ({
      id: `vllm-llmdbench-${slug}-16000`,
      input: { model: model as string, gpu: 'h100-sxm', gpuCount: tp as number, tp: tp as number, quant: quant as string | undefined, engine: 'vllm@0.16', util: 0.9, context: 16000 },
      metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', activation: 'activation_peak_gib', nonTorch: 'non_torch_gib' },
      note: 'release not stated; the 4.76 GiB Llama-8B sampler peak is the pre-Triton sort sampler (<= v0.16, vllm.md §8), so the 0.16 profile runs',
    }),
  ),
  // ---------------- cases-extra.json ----------------
  {
    id: 'vllm-pr10511-llama3-8b-h100-tp1',
    input: { model: 'llama-3-8b', gpu: 'h100-sxm', engine: 'vllm@0.8', util: 0.9 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: V0 },
  },
  {
    id: 'vllm-pr17122-llama31-8b-l40s-v1-32k',
    input: { model: 'llama-3.1-8b', gpu: 'l40s', engine: 'vllm@0.8', util: 0.9, context: 32768 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvTokens: 'gpu_memory_utilization is not stated in the log (the case presumes 0.9; a 4 GiB gap to the logged pool says it was not)' },
  },
  {
    id: 'vllm-27508-gpt-oss-120b-h100-util095-mbt1024',
    input: { model: 'gpt-oss-120b', gpu: 'h100-sxm', engine: 'vllm@0.11', util: 0.95, context: 131072, overrides: { maxNumBatchedTokens: 1024 } },
    metrics: { vllmKvGiB: 'kv_cache_gib' },
  },
  { id: 'vllm-33155-gpt-oss-120b-h100-v0141-5k', input: { model: 'gpt-oss-120b', gpu: 'h100-sxm', engine: 'vllm@0.14', util: 0.97, context: 5120, overrides: { maxNumSeqs: 1 } }, metrics: { weights: 'weights_gib' } },
  {
    id: 'vllm-40691-qwen35-27b-h20-v0190-32k',
    input: { model: 'qwen3.5-27b', gpu: 'h20-141gb', engine: 'vllm@0.19', context: 32768, overrides: { maxNumSeqs: 16, maxNumBatchedTokens: 16384 } },
    metrics: { vllmKvTokens: 'kv_cache_tokens' },
    note:
      'H20 variant not stated. 290,864 tokens in 4 groups of 784-token blocks need a pool of ~71 GiB (1,484 blocks x 16 layers x 784 x 4,096 B), only possible on the 141 GB H20: the 96 GB card has ~30 GiB left after 51 GiB of weights. The command names Qwen3.5-27B (the env block 35B-A3B, whose 1,048-token blocks cannot give this count).',
  },
  {
    id: 'sglang-pr4826-gemma3-4b-h200class',
    input: { model: 'gemma-3-4b', gpu: 'h200', engine: 'sglang', util: 0.836 },
    metrics: { sglangTokens: 'kv_cache_tokens', weights: 'weights_gb' },
    note: 'mem_fraction_static = 0.88 x 0.95 (multimodal), the 0.4.x default of that build',
  },
  ...[
    ['tp2', 2, 1],
    ['tp4', 4, 1],
    ['pp2', 1, 2],
  ].map(
    ([slug, tp, pp]): CaseMapping => ({
      id: `vllm-llmd-report-llama31-8b-${slug}-8192`,
      input: { model: 'llama-3.1-8b', gpu: 'h100-sxm', gpuCount: (tp as number) * (pp as number), tp: tp as number, pp: pp as number, engine: 'vllm@0.19', util: 0.95, context: 8192 },
      metrics: { weights: 'weights_gib', activation: 'activation_peak_gib', nonTorch: 'non_torch_gib' },
    }),
  ),
  {
    id: 'vllm-llmd-report-qwen25-7b-fp8kv-8192',
    input: { model: 'qwen2.5-7b', gpu: 'h100-sxm', kv: 'fp8', engine: 'vllm@0.19', util: 0.95, context: 8192 },
    metrics: { vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens' },
  },
  {
    id: 'vllm-llmd-report-llama31-8b-runtime-fp8-8192',
    input: { model: 'llama-3.1-8b', gpu: 'h100-sxm', quant: 'fp8', engine: 'vllm@0.19', util: 0.95, context: 8192 },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib' },
  },
  {
    id: 'vllm-llmd-report-llama31-8b-float32-8192',
    input: { model: 'llama-3.1-8b', gpu: 'h100-sxm', quant: 'fp32', kv: 'fp32', engine: 'vllm@0.19', util: 0.95, context: 8192 },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib' },
  },
  // ---------------- cases-llamacpp.json ----------------
  {
    id: 'llamacpp-mainline-glm-z1-32b-iq4xs-3090ti-32k',
    input: { model: 'glm-z1-32b', gpu: 'rtx3090ti', engine: 'llamacpp', quant: 'iq4_xs', overrides: { nCtx: 32768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib', llamacppModel: 'model_buffer_mib', weights: 'checkpoint_gib', compute: 'compute_buffer_mib' },
  },
  {
    id: 'llamacpp-mainline-qwen3-235b-a22b-128k-q6k-2x3090-hybrid-16k-q8kv',
    input: { model: 'qwen3-235b-a22b', gpu: 'rtx3090', gpuCount: 2, engine: 'llamacpp', quant: 'q6_k', kv: 'q8_0', overrides: { nCtx: 16384, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_total_mib' },
    skip: { llamacppModel: 'a layer-range -ot split is not expressible as an option' },
  },
  {
    id: 'llamacpp-mainline-qwen3-30b-a3b-q4km-4090-5090-expscpu-16k-nofa',
    input: { model: 'qwen3-30b-a3b', gpu: 'rtx4090', gpuCount: 2, engine: 'llamacpp', quant: 'q4_k_m', overrides: { nCtx: 16384, nParallel: 1, flashAttn: false, expertsOnHost: true } },
    metrics: { llamacppKv: 'kv_total_mib', llamacppModel: ['model_buffer_mib_cuda0', 'model_buffer_mib_cuda1'], compute: 'compute_buffer_mib_cuda1' },
    note: 'RTX 4090 + RTX 5090 (split by free memory); compared summed over both GPUs',
  },
  {
    id: 'llamacpp-ik-qwen3-32b-udq4kxl-7900xtx-vulkan-16768ctx-q8kv',
    input: { model: 'qwen3-32b', gpu: 'rx7900xtx', engine: 'llamacpp', quant: 'q4_k_m', kv: 'q8_0', overrides: { nCtx: 16768, nParallel: 1 } },
    metrics: { llamacppKv: 'kv_buffer_mib' },
    skip: { llamacppModel: 'Unsloth UD-Q4_K_XL overrides per-tensor types' },
  },
  {
    id: 'llamacpp-ik-qwen3-32b-q5km-2xT4-splitrow-8k',
    input: { model: 'qwen3-32b', gpu: 't4', gpuCount: 2, engine: 'llamacpp', quant: 'q5_k_m', overrides: { nCtx: 8192, nParallel: 1, nUbatch: 1024 } },
    metrics: { llamacppKv: 'kv_buffer_mib_cuda0', llamacppModel: ['cuda_split_model_buffer_mib', 'model_buffer_mib_cuda0'] },
    note: '-sm row: all KV on the main GPU; weights compared summed over the split buffer',
  },
  {
    id: 'llamacpp-mainline-llama31-8b-q4km-cpu-amx-4k',
    input: { model: 'llama-3.1-8b', quant: 'q4_k_m', checkpoint: true },
    metrics: { weights: 'cpu_mapped_model_buffer_mib' },
    skip: { llamacppKv: 'CPU-only run (the KV figure matches the same rule; the harness sizes GPUs)' },
  },
  {
    id: 'llamacpp-python-mistral-7b-v02-q4ks-32k-nofa',
    input: { model: 'mistral-7b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', overrides: { nCtx: 32768, nParallel: 1, flashAttn: false } },
    metrics: { llamacppKv: 'kv_buffer_mib', compute: 'compute_buffer_mib' },
    skip: { llamacppModel: 'Q4_K_S ftype is not in the quant catalog' },
    note: 'Mistral-7B v0.2; the catalog has v0.3 (same layers and KV heads; only the vocabulary differs)',
  },
  {
    id: 'ollama-8098-llama32-3b-q4km-np4-estimate',
    input: { model: 'llama-3.2-3b', gpu: 'h100-sxm', engine: 'ollama', quant: 'q4_k_m', overrides: { nCtx: 8192, nParallel: 4 } },
    metrics: { llamacppKv: 'required_kv_mib' },
    skip: { weights: 'printed to 0.1 GiB only' },
  },
  // ---------------- cases-v021.json (vLLM v0.20+) ----------------
  {
    id: 'vllm-lmcache3430-qwen3-8b-a5000-v0210-16k',
    input: { model: 'qwen3-8b', gpu: 'rtx-a5000', engine: 'vllm@0.21', util: 0.9764, context: 16384, overrides: { maxNumBatchedTokens: 8192, maxNumSeqs: 256 } },
    metrics: { vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens', cudaGraphs: 'cuda_graph_estimated_gib' },
    note: 'offline LLM(...) entrypoint: the LLM-class defaults (8192 batched tokens, 256 sequences on a 24 GB card); torch total not printed, the catalog value is used',
  },
  {
    id: 'vllm-pr51590-gpt-oss-120b-8x-rtxpro4500-tp8-v0280',
    input: { model: 'gpt-oss-120b', gpu: 'rtx-pro-6000', gpuCount: 8, tp: 8, engine: 'vllm@0.28', util: 0.95, context: 131072, overrides: { maxNumSeqs: 256 } },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib' },
    note: 'RTX PRO 4500 Blackwell is not in the GPU catalog: the RTX PRO 6000 entry (same SM120 architecture) with the logged 31.38 GiB total stands in; memory rules depend only on the total and the architecture',
  },
  {
    id: 'vllm-pfeiffer-gemma4-31b-b300-v0260-16k-default-util',
    input: { model: 'gemma-4-31b', gpu: 'b300', engine: 'vllm@0.26', util: 0.92, context: 16384, overrides: { maxNumBatchedTokens: 8192 } },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens', cudaGraphs: 'cuda_graph_estimated_gib' },
    note:
      'KV pool within 0.5 %. The token count is not: this v0.26 run (V1 runner forced, images and audio disabled) reports 13.25x concurrency, which is every layer at the full 16,384 tokens; the v0.23 Gemma 4 log (kaggle case) keeps the 1024-token window in the sliding layers, as the profile does. The cause in v0.26 was not found in the source; left as a measured disagreement.',
  },
  {
    id: 'vllm-idx-qwen25-7b-48gbclass-v0220-4k-util095',
    input: { model: 'qwen2.5-7b', gpu: 'l40s', engine: 'vllm@0.22', util: 0.95, context: 4096 },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: 'GPU not stated (a ~45 GiB card is only inferred)', vllmKvTokens: 'GPU not stated in the log' },
    note: 'weights do not depend on the GPU; the L40S (48 GB class) only stands in for the unnamed card',
  },
  {
    id: 'vllm-pufferfish-gemma4-e4b-3090ti-v0221-32k',
    input: { model: 'gemma-4-e4b', gpu: 'rtx3090ti', engine: 'vllm@0.22', util: 0.9, context: 32768 },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens', cudaGraphs: 'cuda_graph_estimated_gib' },
  },
  {
    id: 'vllm-idx-gemma4-31b-kaggle-96gbclass-v0230-32k',
    input: { model: 'gemma-4-31b', gpu: 'rtx-pro-6000', engine: 'vllm@0.23', util: 0.94, context: 32768, overrides: { maxNumSeqs: 20, maxNumBatchedTokens: 8192 } },
    metrics: { weights: 'weights_gib' },
    skip: { vllmKvGiB: 'GPU not stated (a ~93 GiB card is only inferred)' },
    note: 'weights do not depend on the GPU; the RTX PRO 6000 (96 GB class) only stands in for the unnamed card',
  },
  {
    id: 'vllm-idx-gemma4-31b-kaggle-96gbclass-v0230-32k#tokens',
    input: { model: 'gemma-4-31b', engine: 'vllm@0.23', context: 32768, overrides: { maxNumSeqs: 20, maxNumBatchedTokens: 8192, kvPoolBytes: 28.41 * 2 ** 30 } },
    metrics: { vllmKvTokens: 'kv_cache_tokens' },
    note: 'the logged pool is the input (GPU not stated): checks Gemma 4 paging — 5 sliding groups keep window - 1 + 8192 tokens, the global group the whole context (max_concurrency 2.98)',
  },
  {
    id: 'vllm-idx-qwen36-35b-a3b-nvfp4-rtx5090-wsl-v0200-64k',
    input: { model: 'qwen3.6-35b-a3b', gpu: 'rtx5090', quant: 'nvfp4', kv: 'fp8', engine: 'vllm@0.20', util: 0.9, context: 65536, overrides: { maxNumSeqs: 1, maxNumBatchedTokens: 4096 } },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens' },
    note:
      'GPU inferred from the log (one ~32 GiB Blackwell card: RTX 5090). RedHatAI NVFP4 checkpoint (compressed-tensors) whose ignore list was not found, so quant:nvfp4 puts every linear layer at 4.5 bits (weights 6.6 % low). vLLM\'s vision-encoder profiling is modelled (vllmEncoderProfile: budget = max(4096, 16384), 1 image of 65,536 patches; the encoder pass, 1.52 GiB, is above the language-model peak here): 134 % -> 96 %. The rest is the weights (1.45 GiB low), the inferred GPU, and what the per-block encoder estimate leaves out (attention temporaries, allocator fragmentation), which this case alone cannot separate. On a 32 GiB card all these errors land in a 3 GiB pool.',
  },
  {
    id: 'vllm-idx-qwen36-27b-nvfp4-gb10-spark-v0231dev-262k',
    input: { model: 'qwen3.6-27b-nvfp4', gpu: 'dgx-spark', kv: 'fp8', engine: 'vllm@0.23', util: 0.7, context: 262144, overrides: { maxNumSeqs: 8, maxNumBatchedTokens: 65536 } },
    metrics: { weights: 'weights_gib', vllmKvGiB: 'kv_cache_gib', vllmKvTokens: 'kv_cache_tokens' },
    note:
      'nvidia/Qwen3.6-27B-NVFP4 (ModelOpt mixed FP8 / NVFP4) on DGX Spark (GB10 unified memory; the catalog total is used, the log prints none). Weights within 0.7 % and the token count follows the pool exactly; the pool is 8.4 GiB too large. vLLM also profiled the vision encoder ("profiled with 4 image items of the maximum feature size", budget 65,536 = max(max_num_batched_tokens, 16,384 tokens per image), 262,144 ViT patches); modelled by vllmEncoderProfile: the encoder pass (6.1 GiB) is below the language-model peak, so the profile adds the outputs kept through the LM pass (65,536 x 5120 x 2 B = 0.625 GiB): 17.6 % -> 16.3 %. GB10 unified memory (vLLM reads free memory from psutil there) is the other unknown. The Gemma 4 runs profile video items (3 on the B300 even with images and audio limited to 0) and their pools are within 1.5 % without an encoder term: Gemma 4 encoder shapes are not recorded, so no encoder term is added there.',
  },
];
