// Stored-tensor data: what a checkpoint really holds (safetensors / GGUF headers read by src/hub), classified into
// the engine's tensor kinds so the weights come from the stored bytes while TP sharding, PP stages, host-resident
// embeddings and GGUF rules keep working per kind. Pure: names in, groups out.
import type { Architecture, TensorKind } from './types.ts';

/** One tensor (or same-named tensors across experts, summed) as a checkpoint header lists it. */
export interface RawTensor {
  /** Tensor name in the file (`model.layers.3.mlp.experts.*.down_proj.weight`, `blk.3.ffn_down.weight`). */
  name: string;
  /** Stored type: safetensors dtype (`BF16`, `F8_E4M3`, `I32` …) or ggml type (`Q4_K`, `F32` …). */
  dtype: string;
  /** Elements as stored (packed containers count containers, not logical weights). */
  elements: number;
  /** Exact bytes in the file. */
  bytes: number;
  /** How many tensors were summed into this row (experts), 1 otherwise. */
  count?: number;
}

/** Why an engine does not load a stored tensor by default. */
export type NotLoaded = 'mtp' | 'unused';

export interface StoredTensor {
  name: string;
  kind: TensorKind;
  /** Finer name (q, k, v, o, kv_a, q_a, gate_up, down, exps_gate_up, exps_down, embd, output …) for TP rules. */
  part: string;
  layer?: number;
  bytes: number;
  dtype: string;
  /** Set when engines skip the tensor unless asked (MTP / next-token layers load only with speculative decoding). */
  notLoaded?: NotLoaded;
}

export interface StoredWeights {
  /** Container the bytes were read from. */
  container: 'safetensors' | 'gguf';
  /** The quant id these bytes are (the request's quant must equal it for the stored bytes to apply). */
  quant: string;
  tensors: StoredTensor[];
  /** Bytes of all tensors in the checkpoint (loaded or not). */
  totalBytes: number;
}

const LAYER_RE = /(?:^|\.)(?:layers|h|blocks?|blk|decoder\.layers)\.(\d+)\./;

/** Which kind and part a safetensors (Hugging Face) or GGUF tensor name is. */
export function classifyName(name: string): { kind: TensorKind; part: string; layer?: number; mtp?: boolean } {
  const n = name.toLowerCase();
  const lm = LAYER_RE.exec(n);
  const layer = lm ? Number(lm[1]) : undefined;
  // multimodal towers and projectors (never part of the decoder)
  if (/(^|\.)(vision_tower|vision_model|visual|vision|vit|image_encoder|multi_modal_projector|mm_projector|merger|audio_tower|audio_model|audio|embed_vision|embed_audio|patch_embed|siglip|mm\.|v\.)/.test(n) && !/^blk\./.test(n))
    return { kind: 'vision', part: 'vision' };
  if (/(^|\.)mtp\.|(^|\.)nextn\.|\.eh_proj|\.enorm|\.hnorm|shared_head/.test(n)) return { kind: 'attention', part: 'mtp', layer, mtp: true };
  if (/(^|\.)(embed_tokens|wte|tok_embeddings|word_embeddings|token_embd)(\.|$)/.test(n)) return { kind: 'embedding', part: 'embd' };
  if (/(^|\.)(lm_head|output)\.(weight|bias|scales|qweight|weight_scale|weight_scale_inv|weight_packed|biases|qzeros)/.test(n) && layer === undefined)
    return { kind: 'lmHead', part: 'output' };
  if (layer === undefined) return { kind: 'norm', part: /rope_freqs/.test(n) ? 'rope_freqs' : 'final_norm' };
  // per layer: norms first (q_norm / k_norm / layernorms are vectors)
  if (/norm|ln_\d|layernorm|\.sinks?$|attn_sinks/.test(n) && !/(proj|exps|shexp)/.test(n)) return { kind: 'norm', part: 'layer_norms', layer };
  if (/linear_attn|\.ssm_|mamba|\.conv1d|in_proj|\.mixer\.out_proj|\.a_log|\.dt_bias|\.mixer\.d$|short_conv/.test(n)) return { kind: 'linearAttention', part: 'linear', layer };
  // experts
  if (/shared_expert_gate/.test(n)) return { kind: 'router', part: 'shexp_gate', layer };
  if (/shared_experts?\.|_shexp\./.test(n)) return { kind: 'sharedExperts', part: /down/.test(n) ? 'shexp_down' : 'shexp_gate_up', layer };
  if (/\.experts\.|_exps\.|\.experts_|block_sparse_moe\.experts/.test(n)) return { kind: 'routedExperts', part: /down|w2/.test(n) ? 'exps_down' : 'exps_gate_up', layer };
  if (/(mlp|mixer|block_sparse_moe|feed_forward|moe)\.(gate|router)(\.|$)|\.router\.|ffn_gate_inp|e_score_correction|exp_probs_b/.test(n)) return { kind: 'router', part: 'router', layer };
  // attention
  const attn = /(self_attn|attention|attn)[._]/.test(n);
  if (attn) {
    if (/q_a_proj|attn_q_a\./.test(n)) return { kind: 'attention', part: 'q_a', layer };
    if (/q_b_proj|attn_q_b\./.test(n)) return { kind: 'attention', part: 'q_b', layer };
    if (/kv_a_proj|attn_kv_a/.test(n)) return { kind: 'attention', part: 'kv_a', layer };
    if (/kv_b_proj|attn_kv_b|attn_k_b|attn_v_b/.test(n)) return { kind: 'attention', part: 'kv_b', layer };
    if (/indexer/.test(n)) return { kind: 'attention', part: 'indexer', layer };
    if (/qkv|query_key_value|c_attn/.test(n)) return { kind: 'attention', part: 'qkv', layer };
    if (/(^|[._])(q_proj|wq|attn_q)[._]/.test(n)) return { kind: 'attention', part: 'q', layer };
    if (/(^|[._])(k_proj|wk|attn_k)[._]/.test(n)) return { kind: 'attention', part: 'k', layer };
    if (/(^|[._])(v_proj|wv|attn_v)[._]/.test(n)) return { kind: 'attention', part: 'v', layer };
    return { kind: 'attention', part: 'o', layer };
  }
  if (/down|w2|fc2|c_proj|dense_4h_to_h/.test(n)) return { kind: 'mlp', part: 'down', layer };
  if (/gate|up|w1|w3|fc1|c_fc|dense_h_to_4h|ffn/.test(n)) return { kind: 'mlp', part: 'gate_up', layer };
  // Anything else inside a layer: counted in full on every rank (replicated), which can only over-state memory.
  return { kind: 'norm', part: 'other', layer };
}

/**
 * Classify a header's tensors for an architecture. Layers at or past `arch.layers` are MTP / next-token layers
 * (DeepSeek-V3 layer 61, GLM-4.5 layer 92): vLLM and SGLang load them only with speculative decoding, llama.cpp
 * marks nextn tensors as skipped.
 */
export function storedWeights(arch: Pick<Architecture, 'layers'>, raw: RawTensor[], container: StoredWeights['container'], quant: string): StoredWeights {
  const tensors: StoredTensor[] = [];
  let totalBytes = 0;
  for (const r of raw) {
    const c = classifyName(r.name);
    const t: StoredTensor = { name: r.name, kind: c.kind, part: c.part, bytes: r.bytes, dtype: r.dtype };
    if (c.layer !== undefined) t.layer = c.layer;
    if (c.mtp || (c.layer !== undefined && c.layer >= arch.layers)) t.notLoaded = 'mtp';
    totalBytes += r.bytes;
    tensors.push(t);
  }
  return { container, quant, tensors, totalBytes };
}

/** Bytes per kind of the tensors engines load, and what they skip (MTP) or keep outside the decoder (vision). */
export function storedSummary(s: StoredWeights): { loadedBytes: number; mtpBytes: number; visionBytes: number } {
  let loadedBytes = 0;
  let mtpBytes = 0;
  let visionBytes = 0;
  for (const t of s.tensors) {
    if (t.notLoaded) mtpBytes += t.bytes;
    else {
      loadedBytes += t.bytes;
      if (t.kind === 'vision') visionBytes += t.bytes;
    }
  }
  return { loadedBytes, mtpBytes, visionBytes };
}
