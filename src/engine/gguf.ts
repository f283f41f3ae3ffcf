// llama.cpp's per-tensor type choice for a GGUF ftype (llama_tensor_get_type in src/llama-quant.cpp),
// reduced to the tensor kinds Headroom derives. Sources and the full table: docs/engines/llamacpp.md.
import type { Architecture, TensorGroup } from './types.ts';

/** ggml block types: bits per weight = bytes per block * 8 / values per block (ggml-common.h). */
export const GGML_BITS: Record<string, number> = {
  F32: 32,
  F16: 16,
  BF16: 16,
  Q8_0: (34 * 8) / 32,
  Q6_K: (210 * 8) / 256,
  Q5_K: (176 * 8) / 256,
  Q5_0: (22 * 8) / 32,
  Q5_1: (24 * 8) / 32,
  Q4_K: (144 * 8) / 256,
  Q4_0: (18 * 8) / 32,
  Q4_1: (20 * 8) / 32,
  Q3_K: (110 * 8) / 256,
  Q2_K: (84 * 8) / 256,
  IQ4_XS: (136 * 8) / 256,
  IQ4_NL: (18 * 8) / 32,
  MXFP4: (17 * 8) / 32,
  // Types a downloaded GGUF may carry beyond the ftypes Headroom models (block bytes from ggml-common.h; the same
  // figures as GGML_QUANT_SIZES in @huggingface/gguf's quant-descriptions.ts). Used for stored GGUF tensors.
  Q8_1: (36 * 8) / 32,
  Q8_K: (292 * 8) / 256,
  IQ1_S: (50 * 8) / 256,
  IQ1_M: (56 * 8) / 256,
  IQ2_XXS: (66 * 8) / 256,
  IQ2_XS: (74 * 8) / 256,
  IQ2_S: (82 * 8) / 256,
  IQ3_XXS: (98 * 8) / 256,
  IQ3_S: (110 * 8) / 256,
  TQ1_0: (54 * 8) / 256,
  TQ2_0: (66 * 8) / 256,
  NVFP4: (36 * 8) / 64,
  I8: 8,
  I16: 16,
  I32: 32,
  I64: 64,
  F64: 64,
};

/** Base ggml type of each ftype (the type a tensor gets when no rule bumps it). */
const BASE: Record<string, string> = {
  q8_0: 'Q8_0',
  q6_k: 'Q6_K',
  q5_k_m: 'Q5_K',
  q4_k_m: 'Q4_K',
  q4_0: 'Q4_0',
  q3_k_m: 'Q3_K',
  q2_k: 'Q2_K',
  iq4_xs: 'IQ4_XS',
};

/** When a row length is not a multiple of 256, K/IQ types fall back to a 32-block type. */
const FALLBACK: Record<string, string> = {
  Q2_K: 'Q4_0',
  Q3_K: 'Q4_0',
  IQ4_XS: 'IQ4_NL',
  Q4_K: 'Q5_0',
  Q5_K: 'Q5_1',
  Q6_K: 'Q8_0',
};

export function isGguf(quantId: string): boolean {
  return quantId in BASE;
}

/** llama.cpp's use_more_bits(i_layer, n_layers). */
export function useMoreBits(i: number, n: number): boolean {
  return i < n / 8 || i >= (7 * n) / 8 || (i - Math.floor(n / 8)) % 3 === 2;
}

/**
 * ggml type llama.cpp picks for one tensor under `ftype` (llama_tensor_get_type, src/llama-quant.cpp;
 * table in docs/engines/llamacpp.md §1.3–1.4). "MoE8" = exactly 8 experts (Mixtral-style); "70B" = an
 * 80-layer llama-architecture model.
 */
export function ggufTypeFor(t: TensorGroup, ftype: string, arch: Architecture): string {
  const base = BASE[ftype];
  if (!base) throw new Error(`not a GGUF ftype: ${ftype}`);
  if (t.kind === 'norm' || t.kind === 'router' || t.cols === 0) return 'F32';
  if (t.kind === 'vision') return 'F16';
  const moe8 = arch.moe?.experts === 8;
  const is70b = arch.layers === 80 && ['llama', 'mistral'].includes(arch.modelType);
  const gqa = arch.heads / Math.max(1, arch.kvHeads);
  const n = arch.layers;
  const i = t.layer ?? 0;
  const fusedQkv = arch.modelType === 'phi3' && (t.part === 'q' || t.part === 'k' || t.part === 'v');
  let type = base;
  const isOutput = t.kind === 'lmHead' || (t.kind === 'embedding' && arch.tiedEmbeddings);
  if (isOutput) type = ftype === 'q8_0' ? 'Q8_0' : t.cols % 256 !== 0 ? 'Q8_0' : 'Q6_K';
  else if (t.kind === 'embedding') type = base;
  else if (fusedQkv) {
    // Phi-3 GGUFs store one fused attn_qkv tensor.
    type = { q8_0: 'Q8_0', q6_k: 'Q6_K', q5_k_m: 'Q6_K', q4_k_m: 'Q5_K', q4_0: 'Q4_0', q3_k_m: 'Q4_K', q2_k: 'Q2_K', iq4_xs: 'IQ4_XS' }[ftype]!;
  } else if (t.part === 'v' || t.part === 'kv_b') {
    if (ftype === 'q2_k') type = is70b ? 'Q5_K' : gqa >= 4 ? 'Q4_K' : 'Q3_K';
    else if (ftype === 'q3_k_m') type = is70b ? 'Q5_K' : i < 2 ? 'Q5_K' : 'Q4_K';
    else if (ftype === 'iq4_xs' && gqa >= 4) type = 'Q5_K';
    else if (ftype === 'q4_k_m') type = useMoreBits(i, n) ? 'Q6_K' : is70b ? 'Q5_K' : 'Q4_K';
    else if (ftype === 'q5_k_m') type = useMoreBits(i, n) ? 'Q6_K' : 'Q5_K';
    if (moe8) type = 'Q8_0';
  } else if (t.part === 'k') {
    if (moe8) type = 'Q8_0';
  } else if (t.part === 'down' || t.part === 'exps_down' || t.part === 'shexp_down') {
    if (ftype === 'q2_k') type = 'Q3_K';
    else if (ftype === 'q3_k_m') type = i < n / 16 ? 'Q5_K' : 'Q4_K';
    else if (ftype === 'iq4_xs') type = i < n / 8 ? 'Q5_K' : 'IQ4_XS';
    else if ((ftype === 'q4_k_m' || ftype === 'q5_k_m') && useMoreBits(i, n)) type = 'Q6_K';
  } else if (t.part === 'o') {
    if (ftype === 'q2_k') type = 'Q3_K';
    else if (ftype === 'q3_k_m') type = 'Q4_K';
    if (moe8 && ['q2_k', 'q3_k_m', 'q4_k_m', 'iq4_xs'].includes(ftype)) type = 'Q5_K';
  }
  const blockValues = type.endsWith('_K') || type === 'IQ4_XS' ? 256 : 32;
  if (t.cols % blockValues !== 0) type = FALLBACK[type] ?? 'F16';
  if (t.cols % 32 !== 0) type = 'F16';
  return type;
}

/** llama.cpp's MXFP4_MOE ftype (gpt-oss GGUFs): experts MXFP4, every other matrix Q8_0. */
export function ggufMxfp4Type(t: TensorGroup): string {
  if (t.kind === 'norm' || t.kind === 'router' || t.cols === 0) return 'F32';
  if (t.kind === 'routedExperts') return 'MXFP4';
  return 'Q8_0';
}

export function ggufBits(t: TensorGroup, ftype: string, arch: Architecture): number {
  return GGML_BITS[ggufTypeFor(t, ftype, arch)];
}
