// Speculative decoding: a draft (the model's own MTP layers, or an EAGLE-3 head) proposes k tokens, the target
// verifies them in one step of k + 1 tokens per sequence. With a per-token acceptance a, a verify step yields
// (1 - a^(k+1)) / (1 - a) tokens on average. The verify step is priced by the same decode-step model as plain
// decoding (weights read once, GEMMs over k + 1 tokens per sequence, so the gain shrinks once the step is
// compute-bound), plus k draft passes (the draft layer, its KV and the lm_head). Memory adds the draft's weights
// on every GPU of the last stage and one more attention layer of KV per token.
import { F, type Step } from './formulas.ts';
import type { KvSpec, LayerKv } from './kv.ts';
import { bitsFor } from './weights.ts';
import type { Architecture, QuantFormat, SpecRequest } from './types.ts';

export interface SpecPlan {
  method: SpecRequest['method'];
  /** Tokens drafted per verify step (k). */
  tokens: number;
  /** Per-token acceptance of the chain draft. */
  acceptance: number;
  /** Expected tokens per verify step, (1 - a^(k+1)) / (1 - a). */
  acceptLength: number;
  /** Tokens each sequence puts through the verify step (k + 1 for a chain). */
  verifyTokens: number;
  /** Draft parameters (MTP layers, or the EAGLE-3 head without the shared embedding). */
  draftParams: number;
  /** Draft weights on one GPU of the last stage, bytes. */
  draftBytesPerGpu: number;
  /** Bytes one draft pass reads on one GPU besides routed experts: the draft layer's dense part and the lm_head it projects with. */
  readDenseBytesPerGpu: number;
  /** Routed-expert bytes of the MTP layer on one GPU (read as far as the pass's tokens route to them). */
  readExpertBytesPerGpu: number;
  /** Parameters multiplied per drafted token on one GPU. */
  flopParamsPerGpu: number;
  /** KV one cached token adds on one GPU (the draft's attention layer). */
  kvBytesPerTokenPerRank: number;
  /** Decoder layers one draft pass runs. */
  draftLayers: number;
  repo?: string;
  acceptanceKind: SpecRequest['acceptanceKind'];
  acceptanceSource: string;
}

/** The k + 1 tokens of a chain draft: expected tokens per verify step for acceptance a. */
export function acceptLength(acceptance: number, tokens: number, s?: Step[]): number {
  const a = Math.min(0.999, Math.max(0, acceptance));
  return F.specAcceptLength.eval({ alpha: a, k: tokens }, s);
}

/** The acceptance a whose chain of k tokens yields `length` tokens per verify step (bisection; length in [1, k + 1)). */
export function acceptanceFromLength(length: number, tokens: number): number {
  let lo = 0;
  let hi = 0.999;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (acceptLength(mid, tokens) < length) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** KV bytes per token per rank of one full-attention (or MLA) layer of the target: the draft layer caches the same. */
function fullLayerKv(kv: KvSpec): LayerKv | undefined {
  let best: LayerKv | undefined;
  for (const l of kv.layers) if ((l.kind === 'full' || l.kind === 'mla') && (!best || l.bytesPerToken > best.bytesPerToken)) best = l;
  return best;
}

/**
 * The draft of one layout: its parameters and bytes per GPU (TP-split like the target), what one draft pass
 * reads and multiplies, and the KV layer it adds. `tp` is the layout's tensor-parallel size.
 */
export function specPlan(arch: Architecture, quant: QuantFormat, spec: SpecRequest, tp: number, dtypeBytes: number, kv: KvSpec, s?: Step[]): SpecPlan {
  const h = arch.hidden;
  const dtypeBits = 8 * dtypeBytes;
  const lmHead = arch.tensors.find((t) => t.kind === 'lmHead') ?? arch.tensors.find((t) => t.kind === 'embedding');
  const lmHeadBytes = lmHead ? (lmHead.params * bitsFor(lmHead, quant, arch, dtypeBits)) / 8 : arch.vocab * h * dtypeBytes;
  let draftParams = 0;
  let draftBytes = 0;
  let expertBytes = 0;
  let flopParams = 0;
  let readDense = 0;
  let layers = 1;
  if (spec.method === 'mtp') {
    // One MTP module = a copy of the model's last decoder layer + eh_proj (2h -> h) + norms; it shares the
    // embedding and lm_head. k > modules reuses the last module (vLLM, SGLang).
    const last = arch.layerSpecs[arch.layers - 1].index;
    const modules = Math.max(1, Math.round(arch.mtpParams / Math.max(1, mtpModuleParams(arch))));
    let layerBytes = 0;
    let layerExperts = 0;
    let layerParams = 0;
    let activeParams = 0;
    for (const t of arch.tensors) {
      if (t.layer !== last) continue;
      let bits = bitsFor(t, quant, arch, dtypeBits);
      if (t.ckptBits !== undefined && quant.id === arch.nativeQuant) bits = t.ckptBits || dtypeBits;
      const b = (t.params * bits) / 8;
      layerParams += t.params;
      if (t.kind === 'routedExperts') {
        layerExperts += b;
        activeParams += arch.moe ? (t.params * arch.moe.topK) / arch.moe.experts : t.params;
      } else {
        layerBytes += b;
        activeParams += t.params;
      }
    }
    const eh = 2 * h * h;
    const attnBits = quant.id === arch.nativeQuant ? (arch.tensors.find((t) => t.layer === last && t.kind === 'attention')?.ckptBits || dtypeBits) : quant.appliesTo.includes('attention') ? (quant.perKind.attention ?? quant.bitsPerWeight) : dtypeBits;
    const ehBytes = (eh * attnBits) / 8;
    draftParams = modules * (layerParams + eh + 3 * h);
    draftBytes = modules * (layerBytes + layerExperts + ehBytes);
    expertBytes = layerExperts;
    readDense = layerBytes + ehBytes + lmHeadBytes;
    flopParams = activeParams + eh + (lmHead?.params ?? arch.vocab * h);
    layers = 1;
  } else {
    // EAGLE-3: fc fuses three target hidden states (3h -> h); q/k/v read the token embedding and the fused state
    // (2h); one MLP; its own lm_head over draftVocab tokens; the target's embedding is shared.
    const d = spec.draft!;
    const hd = arch.headDim;
    const inter = d.intermediate ?? (arch.intermediate || arch.moe?.expertIntermediate || 4 * h);
    const params =
      F.specEagle3Params.eval({ hidden: h, heads: arch.heads, kvHeads: arch.kvHeads, headDim: hd, intermediate: inter, draftVocab: d.draftVocab }, s);
    draftParams = params;
    // Draft heads are published in bf16 and served in the model dtype.
    draftBytes = params * dtypeBytes;
    readDense = draftBytes;
    flopParams = params;
  }
  const per = (x: number) => x / Math.max(1, tp);
  const layer = fullLayerKv(kv);
  const k = Math.max(1, Math.round(spec.tokens));
  return {
    method: spec.method,
    tokens: k,
    acceptance: spec.acceptance,
    acceptLength: acceptLength(spec.acceptance, k, s),
    verifyTokens: k + 1,
    draftParams,
    draftBytesPerGpu: F.specDraftBytes.eval({ draftBytes, tp: Math.max(1, tp) }, s),
    readDenseBytesPerGpu: per(readDense),
    readExpertBytesPerGpu: per(expertBytes),
    flopParamsPerGpu: per(flopParams),
    kvBytesPerTokenPerRank: layer ? layer.bytesPerToken : 0,
    draftLayers: layers,
    repo: spec.draft?.repo,
    acceptanceKind: spec.acceptanceKind,
    acceptanceSource: spec.acceptanceSource,
  };
}

/** Parameters of one MTP module (a copy of the last layer + eh_proj + three norms), as architecture.ts counts them. */
function mtpModuleParams(arch: Architecture): number {
  const last = arch.layerSpecs[arch.layers - 1].index;
  let layer = 0;
  for (const t of arch.tensors) if (t.layer === last) layer += t.params;
  return layer + 2 * arch.hidden * arch.hidden + 3 * arch.hidden;
}

/** The draft's attention layer as one more KV layer (index past the model's layers), on the last stage. */
export function draftKvLayer(arch: Architecture, kv: KvSpec, plan: SpecPlan): LayerKv | undefined {
  const l = fullLayerKv(kv);
  if (!l || plan.kvBytesPerTokenPerRank <= 0) return undefined;
  return { layer: arch.layers, kind: l.kind, bytesPerToken: plan.kvBytesPerTokenPerRank, stateBytes: 0, stateElems: 0 };
}
