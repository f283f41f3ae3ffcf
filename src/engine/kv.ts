// KV cache: one small spec per attention kind, each answering "bytes per token" or "bytes per sequence"
// (the shape of vLLM's kv_cache_interface.py), and the cost of one request under an engine's paging rules.
import { F, type Step } from './formulas.ts';
import type { Architecture, LayerSpec } from './types.ts';

export interface LayerKv {
  layer: number;
  kind: LayerSpec['attention'];
  /** Bytes per cached token on one TP rank (0 for linear layers). */
  bytesPerToken: number;
  /** Tokens this layer keeps at most (window / chunk); undefined = the whole context. */
  window?: number;
  /** Constant per-sequence state (linear attention, Mamba-2, KDA), bytes on one TP rank, in the engine's state dtypes. */
  stateBytes: number;
  /** The same state in elements (llama.cpp keeps recurrent state in F32). */
  stateElems: number;
}

export interface KvSpec {
  layers: LayerKv[];
  /** Whole model, one replica, all context-growing layers, before TP split. */
  bytesPerTokenModel: number;
  /** Full-attention (and MLA) layers only, whole model. */
  bytesPerTokenFullModel: number;
  stateBytesModel: number;
  kvHeadsPerRank: number;
  steps: Step[];
  /** Per-GPU groupings, filled by stageKv (memo on this object; no module state). */
  stageMemo: Map<Set<number>, StageKv>;
}

/** How an engine lays out the caches that differ between engines (set by the engine profile). */
export interface KvRules {
  /** Gemma 4 global layers with attention_k_eq_v: cache K once (true) or K and V (false). */
  kEqVOnce?: boolean;
  /** Bytes per element of conv state; SSM state follows the checkpoint's mamba_ssm dtype when `honourSsmDtype`. */
  modelDtypeBytes?: number;
  honourSsmDtype?: boolean;
}

/** Conv state of linear / Mamba layers is kept in the model dtype by vLLM / SGLang. */
const LINEAR_STATE_BYTES = 2;

/** One attention layer's KV bytes per token (full / sliding / chunked): K + V heads x head dims. */
function attentionKv(L: LayerSpec, arch: Architecture, kvBytes: number, tp: number, rules: KvRules, s?: Step[]): number {
  const kvHeads = L.kvHeads ?? arch.kvHeads;
  const headDim = L.headDim ?? arch.headDim;
  const vHeadDim = L.kEqV && rules.kEqVOnce ? 0 : (L.vHeadDim ?? headDim);
  const heads = tp === 1 ? kvHeads : F.kvHeadsPerRank.eval({ kvHeads, tp });
  if (vHeadDim === headDim) return F.kvFull.eval({ kvHeads: heads, headDim, kvBytes }, s);
  return F.kvFullKV.eval({ kvHeads: heads, headDim, vHeadDim, kvBytes }, s);
}

/** MLA latent (+ the DSA indexer key). fp8 DSA caches use the fp8_ds_mla layout: 512 fp8 + 4 fp32 scales + 64 bf16 rope = 656 B. */
function mlaKv(arch: Architecture, kvBytes: number, s?: Step[]): number {
  const m = arch.mla!;
  if (!arch.indexer) return F.kvMla.eval({ kvLoraRank: m.kvLoraRank, qkRopeHeadDim: m.qkRopeHeadDim, kvBytes }, s);
  const latent =
    kvBytes === 1
      ? F.kvDsMlaFp8.eval({ kvLoraRank: m.kvLoraRank, qkRopeHeadDim: m.qkRopeHeadDim, quantBlock: 128 }, s)
      : F.kvMla.eval({ kvLoraRank: m.kvLoraRank, qkRopeHeadDim: m.qkRopeHeadDim, kvBytes }, s);
  const idx = F.kvIndexer.eval({ indexHeadDim: arch.indexer.headDim, quantBlock: 128 }, s);
  return latent + idx;
}

/** Per-sequence state of one linear layer on one TP rank: elements and bytes. */
function linearState(arch: Architecture, tp: number, rules: KvRules, s?: Step[]): { bytes: number; elems: number } {
  const l = arch.linear!;
  const conv = rules.modelDtypeBytes ?? LINEAR_STATE_BYTES;
  const ssm = rules.honourSsmDtype && l.ssmStateBytes ? l.ssmStateBytes : conv;
  if (l.kind === 'gated_deltanet') {
    const scope = { numValueHeads: l.numValueHeads / tp, keyHeadDim: l.keyHeadDim, valueHeadDim: l.valueHeadDim, numKeyHeads: l.numKeyHeads / tp, convKernel: l.convKernel, stateBytes: ssm, convBytes: conv };
    return { bytes: F.kvLinearState.eval(scope, s), elems: F.kvLinearState.eval({ ...scope, stateBytes: 1, convBytes: 1 }) };
  }
  if (l.kind === 'mamba2') {
    // groups are split over TP when they divide, else replicated (vLLM extra_groups_for_head_shards)
    const groups = l.nGroups % tp === 0 ? l.nGroups / tp : l.nGroups;
    const scope = { numHeads: l.numHeads / tp, headDim: l.headDim, stateSize: l.stateSize, nGroups: groups, convKernel: l.convKernel, stateBytes: ssm, convBytes: conv };
    return { bytes: F.kvMamba2State.eval(scope, s), elems: F.kvMamba2State.eval({ ...scope, stateBytes: 1, convBytes: 1 }) };
  }
  const scope = { numHeads: l.numHeads / tp, headDim: l.headDim, convKernel: l.convKernel, stateBytes: ssm, convBytes: conv };
  return { bytes: F.kvKdaState.eval(scope, s), elems: F.kvKdaState.eval({ ...scope, stateBytes: 1, convBytes: 1 }) };
}

export function kvSpec(arch: Architecture, kvBytes: number, tp: number, explain: boolean, rules: KvRules = {}): KvSpec {
  const steps: Step[] = [];
  const s = explain ? steps : undefined;
  const kvHeadsPerRank = arch.mla ? 1 : F.kvHeadsPerRank.eval({ kvHeads: arch.kvHeads, tp }, s);
  const mla1 = arch.mla ? mlaKv(arch, kvBytes, s) : 0;
  const state1 = arch.linear ? linearState(arch, 1, rules, s) : { bytes: 0, elems: 0 };
  const stateRank = arch.linear ? (tp === 1 ? state1 : linearState(arch, tp, rules)) : state1;
  // Explain each distinct attention shape once; compute it once too (most models have one or two shapes).
  const shown = new Set<string>();
  const perShape = new Map<string, [number, number]>();
  const layers: LayerKv[] = [];
  let fullBytes = 0;
  let windowBytes = 0;
  for (const L of arch.layerSpecs) {
    if (L.attention === 'linear') {
      layers.push({ layer: L.index, kind: L.attention, bytesPerToken: 0, stateBytes: stateRank.bytes, stateElems: stateRank.elems });
      continue;
    }
    if (L.attention === 'none' || L.kvShared) {
      layers.push({ layer: L.index, kind: 'none', stateBytes: 0, stateElems: 0, bytesPerToken: 0 });
      continue;
    }
    const base = { layer: L.index, kind: L.attention, stateBytes: 0, stateElems: 0 };
    if (L.compressRatio !== undefined && arch.compressed) {
      // DeepSeek-V4: one shared 512-wide KV vector per token over the sliding window, plus (ratio > 0) one compressed
      // entry per `ratio` tokens for the whole context (and the indexer's compressed key on ratio-4 layers).
      const c = arch.compressed;
      const win = F.kvCompressedWindow.eval({ headDim: c.headDim, kvBytes }, shown.has('v4w') ? undefined : s);
      shown.add('v4w');
      layers.push({ ...base, bytesPerToken: win, window: c.window });
      windowBytes += win;
      if (L.compressRatio > 0) {
        const idx = L.compressRatio === 4 && c.indexer ? c.indexer.headDim + (c.indexer.headDim / 128) * 4 : 0;
        const key = `v4c${L.compressRatio}`;
        const comp = F.kvCompressed.eval({ headDim: c.headDim, kvBytes, ratio: L.compressRatio, indexerBytes: idx }, shown.has(key) ? undefined : s);
        shown.add(key);
        layers.push({ ...base, kind: 'full', bytesPerToken: comp });
        fullBytes += comp;
      }
      continue;
    }
    let one: number;
    let rank: number;
    if (L.attention === 'mla') {
      one = mla1;
      rank = mla1; // the latent is replicated on every TP rank
    } else {
      const key = L.kvHeads === undefined && L.headDim === undefined && L.vHeadDim === undefined && !L.kEqV ? '' : `${L.kvHeads ?? arch.kvHeads}/${L.headDim ?? arch.headDim}/${L.vHeadDim ?? ''}/${L.kEqV ? 1 : 0}`;
      const known = perShape.get(key);
      if (known && !s) [one, rank] = known;
      else {
        const show = s && !shown.has(key) ? s : undefined;
        shown.add(key);
        one = attentionKv(L, arch, kvBytes, 1, rules, show);
        rank = tp === 1 ? one : attentionKv(L, arch, kvBytes, tp, rules);
        perShape.set(key, [one, rank]);
      }
    }
    layers.push({ layer: L.index, kind: L.attention, stateBytes: 0, stateElems: 0, bytesPerToken: rank, window: L.window });
    if (L.window) windowBytes += one;
    else fullBytes += one;
  }
  const linearLayers = layers.filter((l) => l.kind === 'linear').length;
  const bytesPerTokenModel = F.kvPerToken.eval({ fullLayersBytes: fullBytes, windowLayersBytes: windowBytes }, s);
  return {
    layers,
    bytesPerTokenModel,
    bytesPerTokenFullModel: fullBytes,
    stateBytesModel: linearLayers * state1.bytes,
    kvHeadsPerRank,
    steps,
    stageMemo: new Map(),
  };
}

/** Tokens an engine keeps for one request in a sliding-window / chunked layer, and extra blocks it reserves. */
export type WindowRule = (kind: 'sliding' | 'chunked', window: number, context: number) => { tokens: number; extraBlocks: number };

/** Exact tokens, no paging slack: transformers' sliding caches. */
export const windowPlain: WindowRule = (_k, w, ctx) => ({ tokens: Math.min(w, ctx), extraBlocks: 0 });

export interface RequestCostOptions {
  blockSize: number;
  windowRule: WindowRule;
}

/** The KV layers of one GPU, grouped: full-attention bytes per token, windowed groups, per-sequence state. */
export interface StageKv {
  fullBytesPerToken: number;
  windows: Array<{ kind: 'sliding' | 'chunked'; window: number; bytesPerToken: number }>;
  stateBytes: number;
}

export function stageKv(spec: KvSpec, layerSet: Set<number>): StageKv {
  const bySet = spec.stageMemo;
  const hit = bySet.get(layerSet);
  if (hit) return hit;
  const out: StageKv = { fullBytesPerToken: 0, windows: [], stateBytes: 0 };
  for (const l of spec.layers) {
    if (!layerSet.has(l.layer)) continue;
    if (l.kind === 'linear') out.stateBytes += l.stateBytes;
    else if (l.kind === 'none') continue;
    else if ((l.kind === 'sliding' || l.kind === 'chunked') && l.window) {
      const w = out.windows.find((x) => x.kind === l.kind && x.window === l.window);
      if (w) w.bytesPerToken += l.bytesPerToken;
      else out.windows.push({ kind: l.kind, window: l.window, bytesPerToken: l.bytesPerToken });
    } else out.fullBytesPerToken += l.bytesPerToken;
  }
  bySet.set(layerSet, out);
  return out;
}

/**
 * Bytes one request of `context` tokens needs on one GPU (the layers in `layerSet`), with block rounding.
 */
export function requestCost(spec: KvSpec, layerSet: Set<number>, context: number, o: RequestCostOptions): { bytes: number; fullTokens: number } {
  const st = stageKv(spec, layerSet);
  const B = o.blockSize;
  const fullTokens = Math.ceil(context / B) * B;
  let bytes = fullTokens * st.fullBytesPerToken + st.stateBytes;
  for (const w of st.windows) {
    const r = o.windowRule(w.kind, w.window, context);
    bytes += Math.min(fullTokens, (Math.ceil(r.tokens / B) + r.extraBlocks) * B) * w.bytesPerToken;
  }
  return { bytes, fullTokens };
}
