// Helpers shared by several engine modules.
import { stageKv, type KvSpec, type StageKv, type WindowRule } from '../kv.ts';
import type { Architecture, Gpu, QuantFormat } from '../types.ts';
import type { StageEval, Support } from './types.ts';

export const GiB = 2 ** 30;

export function fmtGiB(b: number): string {
  return `${(b / GiB).toFixed(2)} GiB`;
}

/** vLLM / SGLang sliding-window rule: window - 1 + one prefill chunk, plus one block. */
export function pagedWindowRule(chunk: number): WindowRule {
  return (kind, w, ctx) =>
    kind === 'sliding' ? { tokens: Math.min(w - 1 + chunk, ctx), extraBlocks: 1 } : { tokens: Math.min(w + chunk, ctx), extraBlocks: 0 };
}

/** Bytes of one token in every attention layer of a GPU (engines that size one pool for all layers). */
export function tokenCell(st: StageKv): number {
  return st.fullBytesPerToken + st.windows.reduce((a, w) => a + w.bytesPerToken, 0);
}

/** Pool tokens of engines that size one pool of whole-token cells for all layers (SGLang, TGI). */
export function cellPoolTokens(kv: KvSpec, stages: StageEval[], cellTokens: (pool: number, cell: number) => number): number {
  return Math.min(
    ...stages.map((x) => {
      const per = tokenCell(stageKv(kv, x.layers));
      return per > 0 ? cellTokens(Math.max(0, x.poolBytes), per) : 0;
    }),
  );
}


/** GPU families. */
export const isNvidia = (g: Gpu) => g.vendor === 'nvidia';
export const isAmd = (g: Gpu) => g.vendor === 'amd';
export const isAscend = (g: Gpu) => g.vendor === 'huawei';
export const isApple = (g: Gpu) => g.unified || g.vendor === 'apple';
/** NVIDIA compute capability >= 8.0 (Ampere and newer): bf16 tensor cores, Marlin kernels. */
export const isSm80Plus = (g: Gpu) => isNvidia(g) && !['volta', 'turing', 'pascal'].includes(g.arch);
/** FP8 tensor cores (Ada, Hopper, Blackwell; CDNA3+ on AMD). */
export const hasFp8 = (g: Gpu) => g.tflopsFp8 !== null;

export const OK: Support = { ok: true };
export const no = (reason: string, alternative?: string): Support => ({ ok: false, reason, alternative });
export const caveat = (code: string, message: string, params: Record<string, string | number> = {}): Support => ({ ok: true, note: { code, message, params } });

/** A GGUF file in an engine whose GGUF loader is experimental. */
export const ggufCaveat = (quantName: string, engine: string): Support =>
  caveat('quant.gguf', `${quantName} is a llama.cpp format; ${engine} support for GGUF is experimental — engine:llamacpp models it exactly.`, { quant: quantName, engine });

/**
 * kv_cache_dtype "auto": the KV cache is stored in the dtype the model runs in — fp32 when the model runs in fp32
 * (vLLM CacheConfig: "auto" uses the model data type), fp16 for fp16 checkpoints and on GPUs without bf16.
 */
export function modelDtypeKv(arch: Architecture, quant: QuantFormat, gpu: Gpu): string {
  if (quant.id === 'fp32') return 'fp32';
  if (arch.dtype === 'fp16' || (isNvidia(gpu) && !isSm80Plus(gpu))) return 'fp16';
  return 'bf16';
}

/** KV cache choices of GPU serving engines (fp8 KV in vLLM / SGLang / TGI / TensorRT-LLM). */
export const GPU_KV = { dtypes: ['bf16', 'fp16', 'fp8', 'fp32'], defaultFor: modelDtypeKv, hint: 'fp8' };
