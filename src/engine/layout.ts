// Tensor / pipeline parallel layouts for N GPUs: which are valid for a model, and what each GPU holds.
import { engineProfile, isLayerSplitEngine } from './engines/index.ts';
import type { Architecture, EngineId, QuantFormat } from './types.ts';

/** GPUs that share one NVLink/PCIe domain; tensor parallelism stays inside one node. */
export const GPUS_PER_NODE = 8;

export interface LayoutCandidate {
  tp: number;
  pp: number;
  replicas: number;
  /** DP attention ranks inside one replica of tp GPUs (1 = plain tensor parallel). */
  dp?: number;
}

/** Why `tp` is not a valid tensor-parallel size for this model (null when valid). Mirrors vLLM's checks. */
export function tpInvalidReason(arch: Architecture, tp: number, quant: QuantFormat): string | null {
  return tpInvalid(arch, tp, quant)?.message ?? null;
}

/** Why a tensor-parallel size cannot shard this model: code, values and the English sentence (null when it can). */
export interface LayoutProblem {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

export function tpInvalid(arch: Architecture, tp: number, quant: QuantFormat): LayoutProblem | null {
  if (tp === 1) return null;
  if (arch.heads % tp !== 0) return { code: 'tp.heads', params: { heads: arch.heads, tp }, message: `${arch.heads} attention heads are not divisible by tp=${tp}` };
  if (!arch.mla) {
    const kv = arch.kvHeads;
    if (tp < kv ? kv % tp !== 0 : tp % kv !== 0) return { code: 'tp.kvHeads', params: { kvHeads: kv, tp }, message: `${kv} KV heads and tp=${tp} do not divide each other` };
  }
  const l = arch.linear;
  if (l?.kind === 'gated_deltanet') {
    if (l.numValueHeads % tp !== 0 || l.numKeyHeads % tp !== 0)
      return { code: 'tp.linear', params: { heads: `${l.numKeyHeads}/${l.numValueHeads}`, kind: 'linear-attention', tp }, message: `linear-attention heads (${l.numKeyHeads}/${l.numValueHeads}) are not divisible by tp=${tp}` };
  } else if (l && l.numHeads % tp !== 0) {
    const kind = l.kind === 'mamba2' ? 'Mamba-2' : 'KDA';
    return { code: 'tp.linear', params: { heads: l.numHeads, kind, tp }, message: `${kind} heads (${l.numHeads}) are not divisible by tp=${tp}` };
  }
  // Group-quantized weights need every sharded input width to be a whole number of groups.
  const group = ['int4', 'awq', 'gptq'].includes(quant.id) ? 128 : quant.id === 'fp8' && arch.nativeQuant === 'fp8' ? 128 : 0;
  if (group) {
    const widths: Array<[string, number]> = [];
    if (arch.intermediate > 0 && arch.layerSpecs.some((l) => l.ffn === 'dense')) widths.push(['intermediate_size', arch.intermediate]);
    if (arch.moe) widths.push(['moe_intermediate_size', arch.moe.expertIntermediate]);
    for (const [name, w] of widths) {
      if ((w / tp) % group !== 0)
        return { code: 'tp.group', params: { name, width: w, tp, shard: w / tp, quant: quant.id, group }, message: `${name} ${w} / tp=${tp} = ${w / tp} is not a multiple of the ${quant.id} group size ${group}` };
    }
  }
  return null;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/**
 * Layouts to consider for `gpuCount` GPUs. Tensor parallelism inside a node; pipeline stages only when one
 * replica needs more GPUs than a node has (or the user asked for pp).
 */
export function candidateLayouts(
  arch: Architecture,
  gpuCount: number,
  engine: EngineId,
  quant: QuantFormat,
  fixed: { tp?: number; pp?: number },
): { valid: LayoutCandidate[]; rejected: Array<LayoutCandidate & { reason: string; problem: LayoutProblem }> } {
  const valid: LayoutCandidate[] = [];
  const rejected: Array<LayoutCandidate & { reason: string; problem: LayoutProblem }> = [];
  if (isLayerSplitEngine(engine)) {
    // One process spreads its layers over every GPU it is given.
    valid.push({ tp: 1, pp: gpuCount, replicas: 1 });
    return { valid, rejected };
  }
  for (const tp of divisors(gpuCount)) {
    if (fixed.tp && tp !== fixed.tp) continue;
    for (const pp of divisors(gpuCount / tp)) {
      if (fixed.pp && pp !== fixed.pp) continue;
      if (!fixed.pp && pp > 1 && tp < Math.min(GPUS_PER_NODE, gpuCount)) continue; // pp only across nodes
      if (!fixed.tp && tp > GPUS_PER_NODE) continue;
      const replicas = gpuCount / (tp * pp);
      const why = tpInvalid(arch, tp, quant);
      if (pp > arch.layers) continue;
      if (why) rejected.push({ tp, pp, replicas, reason: why.message, problem: why });
      else valid.push({ tp, pp, replicas });
    }
  }
  // DP attention with expert parallelism (MoE models): a group of tp GPUs runs attention data-parallel (one rank per
  // GPU, each with the KV of its own requests) and the experts expert-parallel over the group. Groups may span nodes
  // (SGLang --tp 16 --dp 16 --enable-dp-attention --nnodes 2), as one group over all GPUs.
  if (arch.moe && engineProfile(engine).layouts.dpAttention && (!fixed.pp || fixed.pp === 1)) {
    for (const tp of divisors(gpuCount)) {
      if (tp < 2 || (fixed.tp && tp !== fixed.tp)) continue;
      if (tp > GPUS_PER_NODE && tp !== gpuCount) continue;
      const replicas = gpuCount / tp;
      if (arch.moe.experts % tp !== 0) {
        const message = `${arch.moe.experts} experts do not split evenly over ${tp} expert-parallel ranks`;
        rejected.push({ tp, pp: 1, replicas, dp: tp, reason: message, problem: { code: 'ep.experts', params: { experts: arch.moe.experts, tp }, message } });
      }
      else valid.push({ tp, pp: 1, replicas, dp: tp });
    }
  }
  return { valid, rejected };
}
