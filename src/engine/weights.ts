// Weight memory: per tensor kind for the whole model, and what each GPU holds under a TP x PP layout.
import { F, type Step } from './formulas.ts';
import { GGML_BITS, ggufBits, ggufMxfp4Type, isGguf } from './gguf.ts';
import type { StoredWeights } from './stored.ts';
import type { Architecture, QuantFormat, TensorGroup, TensorKind } from './types.ts';

/** The checkpoint's stored tensors, when the requested format is the one it stores (else weights follow the formula). */
export function storedFor(arch: Architecture, q: QuantFormat): StoredWeights | undefined {
  return arch.stored && arch.stored.quant === q.id ? arch.stored : undefined;
}

export interface WeightOptions {
  tp: number;
  pp: number;
  /** Vocab padding multiple for embedding / lm_head shards (vLLM, SGLang: 64; llama.cpp: 1). */
  vocabPad: number;
  /** Extra resident buffers counted with the weights (vLLM rotary cos/sin cache). */
  ropeCacheBytes: number;
  /** Bits of the model's activation dtype (16). */
  dtypeBits: number;
  /** llama.cpp keeps token_embd in host memory. */
  embeddingOnHost: boolean;
  /** KTransformers (and llama.cpp with -ot exps=CPU) keep routed experts in host RAM. */
  expertsOnHost?: boolean;
  /** DP attention (SGLang --enable-dp-attention, vLLM -dp with expert parallel): attention, embeddings and lm_head are
   * split over this many ranks only (tp / dp), while the experts stay spread over all tp ranks. */
  attentionTp?: number;
  /** Weights are stored as GGUF (llama.cpp / Ollama): norms F32, MXFP4 models are MXFP4_MOE, no vision tower (mmproj is separate). */
  gguf?: boolean;
  /** The engine loads no vision / audio tower (vLLM --language-model-only). */
  noVision?: boolean;
  /** Multiplier on routed-expert bytes from kernel padding (vLLM MXFP4 Marlin/Triton layouts). */
  expertPadFactor?: number;
  /** K = V layers (attention_k_eq_v) still get a V slot of K's shape (vLLM's QKVParallelLinear loads K into both). */
  kEqVSlot?: boolean;
}

export interface WeightsResult {
  /** Whole model, one copy, bytes per tensor kind. */
  byKind: Partial<Record<TensorKind, number>>;
  totalBytes: number;
  /** Bytes on each pipeline stage's busiest GPU (one entry per stage). */
  perStage: number[];
  /** Max over GPUs. */
  perGpuBytes: number;
  /** Layers per pipeline stage. */
  stageLayers: number[][];
  /** Bytes read per decoded token for dense parts + all experts (for throughput). */
  expertBytes: number;
  /** The engine keeps routed experts in host RAM (its weightOptions decided; KTransformers, llama.cpp -ot exps=CPU). */
  expertsOnHost: boolean;
  steps: Step[];
}

export function bitsFor(t: TensorGroup, q: QuantFormat, arch: Architecture, dtypeBits: number, gguf = false): number {
  if (isGguf(q.id)) return ggufBits(t, q.id, arch);
  if (gguf && q.id === 'mxfp4') return GGML_BITS[ggufMxfp4Type(t)];
  if (gguf && t.kind === 'norm') return 32;
  if (t.kind === 'norm') return dtypeBits;
  if (q.appliesTo.includes(t.kind)) return q.perKind[t.kind] ?? q.bitsPerWeight;
  return q.otherBits ?? dtypeBits;
}

/** vLLM's get_pp_indices: even split, the remainder goes to the last stages. */
export function splitLayers(layers: number, pp: number): number[][] {
  const base = Math.floor(layers / pp);
  const extra = layers % pp;
  const out: number[][] = [];
  let start = 0;
  for (let s = 0; s < pp; s++) {
    const n = base + (s >= pp - extra ? 1 : 0);
    out.push(Array.from({ length: n }, (_, k) => start + k));
    start += n;
  }
  return out;
}

/** Fraction of a tensor one TP rank holds. */
function tpShare(t: Pick<TensorGroup, 'kind' | 'part'>, arch: Architecture, tp: number): number {
  if (tp === 1) return 1;
  switch (t.kind) {
    case 'norm':
    case 'router':
      return 1;
    case 'vision':
      // The tower's linear layers are sharded (vLLM / SGLang parallel linears); patch embedding, norms and row-parallel biases are not.
      return t.part === 'vision_replicated' ? 1 : 1 / tp;
    case 'attention':
      if ((t.part === 'k' || t.part === 'v') && tp > arch.kvHeads) return 1 / arch.kvHeads; // replicated KV heads
      if (t.part === 'kv_a' || t.part === 'q_a') return 1; // MLA down-projections are replicated
      return 1 / tp;
    default:
      return 1 / tp;
  }
}

export function computeWeights(arch: Architecture, q: QuantFormat, o: WeightOptions, explain: boolean): WeightsResult {
  const steps: Step[] = [];
  // Sums live in Float64Arrays: adding a fraction to an object field or a captured variable boxes a new number each
  // time, and one estimate adds a few thousand tensors (allocation, then GC pauses in the estimate's p99).
  const kinds: TensorKind[] = [];
  const kindBytes = new Float64Array(32);
  const kindIndex = (k: TensorKind) => {
    let i = kinds.indexOf(k);
    if (i < 0) i = kinds.push(k) - 1;
    return i;
  };
  const paramsByKind: Partial<Record<TensorKind, number>> = {};
  const stageLayers = splitLayers(arch.layers, o.pp);
  const stageOf = new Int32Array(arch.layers);
  stageLayers.forEach((ls, s) => ls.forEach((l) => (stageOf[l] = s)));
  const stageBytes = new Float64Array(o.pp);
  const expert = new Float64Array(1);
  const gguf = isGguf(q.id);
  // Outside GGUF the bits depend only on the tensor kind: look each kind up once.
  const kindBits = new Map<TensorKind, number>();
  const pad = o.expertPadFactor ?? 1;

  // Where one tensor's bytes go: its layer's stage (TP share), embeddings / lm_head sharded over the padded vocab,
  // the vision tower on the first stage, the final norm on the last.
  const place = (t: Pick<TensorGroup, 'kind' | 'part' | 'layer'>, bytes: number, bytesPerVocabRow: number) => {
    kindBytes[kindIndex(t.kind)] += bytes;
    if (t.kind === 'routedExperts') {
      expert[0] += bytes;
      if (o.expertsOnHost) return;
    }
    if (t.layer !== undefined) {
      const tpFor = t.kind === 'attention' && o.attentionTp ? o.attentionTp : o.tp;
      stageBytes[o.pp === 1 ? 0 : stageOf[t.layer]] += tpFor === 1 ? bytes : bytes * tpShare(t, arch, tpFor);
    } else if (t.kind === 'embedding' || t.kind === 'lmHead') {
      if (t.kind === 'embedding' && o.embeddingOnHost) {
        // llama.cpp keeps token_embd on the host; a tied model gets a duplicated output tensor on the last GPU.
        if (arch.tiedEmbeddings) stageBytes[o.pp - 1] += bytes;
        return;
      }
      const padded = Math.ceil(arch.vocab / o.vocabPad) * o.vocabPad;
      const shard = (padded / (o.attentionTp ?? o.tp)) * bytesPerVocabRow;
      if (t.kind === 'embedding') {
        stageBytes[0] += shard;
        // Tied embeddings: the last stage builds its own lm_head copy.
        if (arch.tiedEmbeddings && o.pp > 1) stageBytes[o.pp - 1] += shard;
      } else stageBytes[o.pp - 1] += shard;
    } else if (t.kind === 'vision') stageBytes[0] += o.tp === 1 ? bytes : bytes * tpShare(t, arch, o.tp);
    else stageBytes[o.pp - 1] += bytes; // final norm
  };

  // vLLM allocates a V slot of K's shape in K = V layers and loads K into it: the same bytes again, as attention.
  const vSlot = (t: Pick<TensorGroup, 'kind' | 'part' | 'layer'>, bytes: number, perRow: number) => {
    if (o.kEqVSlot && t.part === 'k' && t.layer !== undefined && arch.layerSpecs[t.layer]?.kEqV) place({ ...t, part: 'v' }, bytes, perRow);
  };

  const stored = storedFor(arch, q);
  if (stored) {
    // The checkpoint's own bytes, tensor by tensor (exact dtype, scales, zero points, padding included).
    for (const t of stored.tensors) {
      if (t.notLoaded) continue;
      if (t.kind === 'vision' && (o.gguf || o.noVision)) continue;
      const bytes = t.bytes * (t.kind === 'routedExperts' ? pad : 1);
      place(t, bytes, bytes / arch.vocab);
      vSlot(t, bytes, bytes / arch.vocab);
    }
    if (explain) {
      for (const kind of kinds) {
        const raw = stored.tensors.filter((t) => t.kind === kind && !t.notLoaded && !(t.kind === 'vision' && (o.gguf || o.noVision))).reduce((a, t) => a + t.bytes, 0);
        F.storedBytes.eval({ storedBytes: raw, padFactor: kind === 'routedExperts' ? pad : 1 }, steps, `weights: ${kind}`);
      }
    }
  } else {
    for (const t of arch.tensors) {
      if (t.kind === 'vision' && (o.gguf || o.noVision)) continue;
      let bits: number;
      if (t.ckptBits !== undefined && q.id === arch.nativeQuant && !o.gguf) bits = t.ckptBits || o.dtypeBits; // an official release's own per-module layout
      else if (gguf || (o.gguf && q.id === 'mxfp4')) bits = bitsFor(t, q, arch, o.dtypeBits, o.gguf);
      else {
        const cached = kindBits.get(t.kind);
        if (cached === undefined) {
          bits = bitsFor(t, q, arch, o.dtypeBits, o.gguf);
          kindBits.set(t.kind, bits);
        } else bits = cached;
      }
      const bytes = ((t.params * bits) / 8) * (t.kind === 'routedExperts' ? pad : 1);
      if (explain) paramsByKind[t.kind] = (paramsByKind[t.kind] ?? 0) + t.params;
      // One vocabulary row of this table: hidden wide, or layers x hidden_size_per_layer_input for Gemma 3n / 4 PLE.
      const row = (t.kind === 'embedding' && t.cols > 0 ? t.cols : arch.hidden) * (bits / 8);
      place(t, bytes, row);
      vSlot(t, bytes, row);
    }
  }
  for (let s = 0; s < o.pp; s++) stageBytes[s] += o.ropeCacheBytes;
  if (o.gguf && arch.ropeScaling === 'llama3' && !stored) {
    // GGUF stores Llama-3 RoPE frequency factors as one F32 tensor rope_freqs[rotary_dim / 2].
    const b = (arch.rotaryDim / 2) * 4;
    kindBytes[kindIndex('norm')] += b;
    stageBytes[o.pp - 1] += b;
  }

  const byKind: Partial<Record<TensorKind, number>> = {};
  kinds.forEach((k, i) => (byKind[k] = kindBytes[i]));
  const perStage = Array.from(stageBytes);
  const expertBytes = expert[0];
  if (explain && !stored) {
    for (const kind of kinds) {
      const params = paramsByKind[kind] ?? 0;
      const bits = ((byKind[kind] ?? 0) * 8) / Math.max(1, params);
      F.tensorBytes.eval({ params, bits }, steps, `weights: ${kind}`);
    }
  }
  const totalBytes = Object.values(byKind).reduce((a, b) => a + (b ?? 0), 0);
  return { byKind, totalBytes, perStage, perGpuBytes: Math.max(...perStage), stageLayers, expertBytes, expertsOnHost: o.expertsOnHost === true, steps };
}
