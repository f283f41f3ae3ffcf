// Fixed per-GPU costs that are not weights, KV or activations: CUDA context, NCCL / non-torch memory,
// CUDA-graph pools, and engine reservations. Constants are measured values from catalogs/engines.yaml.
import type { EngineCatalog } from '../catalog/schema.ts';
import type { ProfileInput } from './engines/types.ts';
import type { Gpu } from './types.ts';

const GiB = 2 ** 30;

/** vLLM non-torch growth during profiling (vllm.md §4): ~0.25 GiB TP=1, ~2 GiB TP>=2 (NCCL), ~0.07 GiB PP-only. */
export function vllmNonTorch(cat: EngineCatalog['vllm'], tp: number, pp: number): number {
  if (tp >= 2) return cat.nonTorch.tpNGiB * GiB;
  if (pp >= 2) return cat.nonTorch.ppGiB * GiB;
  return cat.nonTorch.tp1GiB * GiB;
}

/** Batch sizes vLLM captures CUDA graphs for: [1, 2, 4] + range(8, 256, 8) + range(256, max + 1, 16). */
export function vllmCaptureSizes(max: number): number[] {
  const out = [1, 2, 4].filter((x) => x <= max);
  for (let b = 8; b < 256 && b <= max; b += 8) out.push(b);
  for (let b = 256; b <= max; b += 16) out.push(b);
  return out;
}

/** Number of CUDA graphs: PIECEWISE for every capture size, FULL (uniform decode) for sizes <= max_num_seqs. */
export function vllmGraphCount(cat: EngineCatalog['vllm'], maxNumSeqs: number): number {
  const sizes = vllmCaptureSizes(Math.min(2 * maxNumSeqs, cat.cudaGraphs.maxCaptureSize));
  return sizes.length + sizes.filter((b) => b <= maxNumSeqs).length;
}

/** vLLM's CUDA-graph pool estimate (subtracted from the budget from v0.21): graphs x measured memory per graph. */
export function vllmCudaGraphs(cat: EngineCatalog['vllm'], tp: number, maxNumSeqs: number): number {
  const perGraph = (tp >= 2 ? cat.cudaGraphs.perGraphMiBTpN : cat.cudaGraphs.perGraphMiBTp1) * 2 ** 20;
  return vllmGraphCount(cat, maxNumSeqs) * perGraph;
}

/**
 * SGLang's default mem_fraction_static (server_args.py, v0.5.4+ rule, PR #10975; docs/engines/sglang.md §2c):
 * reserve 512 MiB + 1.5 MiB x max(chunked_prefill, 2048) + 2 MiB x cuda_graph_max_bs + P/8 GiB (floor 10 GiB on
 * GPUs over 60 GiB), fraction = (nvidia-smi total - reserve) / total, x0.95 for multimodal models.
 */
export function sglangFraction(gpu: Gpu, tp: number, pp: number, multimodal: boolean): number {
  const gpuMem = gpu.nvidiaSmiMiB ?? gpu.visibleBytes / 2 ** 20;
  const gib = gpuMem / 1024;
  const chunk = gib < 35 ? 2048 : gib < 60 ? 4096 : gib < 160 ? 8192 : 16384;
  const graphBs = gib < 20 ? 8 : gib < 35 ? (tp < 4 ? 24 : 80) : gib < 60 ? (tp < 4 ? 32 : 160) : gib < 160 ? (tp < 4 ? 256 : 512) : 512;
  let reserved = 512 + 1.5 * Math.max(chunk, 2048) + 2 * graphBs + ((tp * pp) / 8) * 1024;
  if (gib > 60) reserved = Math.max(reserved, 10240);
  let f = Math.round(((gpuMem - reserved) / gpuMem) * 1000) / 1000;
  if (multimodal) f = Math.round(f * 0.95 * 1000) / 1000;
  return f;
}

/**
 * Memory in use when SGLang measures its total T (free after CUDA context, NCCL and custom all-reduce init).
 * Measured: QwQ-32B 4xL4 TP4 (22.16 visible - 21.63 logged) = 0.53 GiB; Gemma-3 TP1 on H200 (139.80 - 139.21) = 0.59 GiB.
 */
export const SGLANG_INIT_BYTES = 0.55 * GiB;

/** CUDA context and cuBLAS handles of a process that owns the GPU (not in the visible total's free part). */
export function cudaContextBytes(gpu: Gpu): number {
  return gpu.unified ? 0 : 0.3 * GiB;
}

export interface LlamacppSettings {
  nCtx: number;
  nParallel: number;
  nUbatch: number;
  flashAttn: boolean;
  pad: number;
  swaFull: boolean;
  expertsOnHost: boolean;
  /** Largest routed-expert tensor kept in host RAM (its copy sits in the first GPU's compute buffer). */
  hostExpertMaxBytes: number;
}

/**
 * llama-server / Ollama settings for serving `users` slots of `context` tokens: -c users*context -np users
 * (Ollama: num_ctx x OLLAMA_NUM_PARALLEL), n_ubatch 512, flash attention auto (on), swa_full off.
 */
export function llamacppSettings(_engine: 'llamacpp' | 'ollama', inp: ProfileInput): LlamacppSettings {
  const o = inp.overrides ?? {};
  const nParallel = o.nParallel ?? inp.users;
  const expertsOnHost = o.expertsOnHost === true;
  let hostExpertMaxBytes = 0;
  if (expertsOnHost && inp.arch.moe) {
    // one layer's gate/up/down expert stack, at the GGUF type of the largest (ffn_*_exps are stored per kind)
    const t = inp.arch.tensors.find((x) => x.kind === 'routedExperts' && x.part === 'exps_gate_up');
    hostExpertMaxBytes = t ? (t.params / 2) * (inp.quant.bitsPerWeight / 8) : 0;
  }
  return {
    nCtx: o.nCtx ?? inp.context * nParallel,
    nParallel,
    nUbatch: o.nUbatch ?? 512,
    flashAttn: o.flashAttn ?? true,
    pad: 256,
    swaFull: o.swaFull === true,
    expertsOnHost,
    hostExpertMaxBytes,
  };
}
