// Derive layers and weight tensors from a Hugging Face config.json (catalog entry or user upload).
// Pure: takes a plain object, returns an Architecture or throws ArchitectureError with a readable message.
import type { Architecture, Dtype, LayerSpec, LinearAttentionSpec, MlaSpec, MoeSpec, TensorGroup } from './types.ts';

export class ArchitectureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchitectureError';
  }
}

type Cfg = Record<string, unknown>;

function num(cfg: Cfg, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = cfg[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

function need(cfg: Cfg, what: string, ...keys: string[]): number {
  const v = num(cfg, ...keys);
  if (v === undefined || v <= 0 || !Number.isInteger(v)) {
    throw new ArchitectureError(`config.json has no usable ${what} (looked for ${keys.join(' / ')})`);
  }
  return v;
}

/** Multimodal configs keep the decoder in text_config / llm_config; merge it over the top level. */
export function flattenConfig(raw: Cfg): Cfg {
  const inner = (raw.text_config ?? raw.llm_config ?? raw.language_config) as Cfg | undefined;
  if (inner && typeof inner === 'object') {
    const merged: Cfg = { ...raw, ...inner };
    if (!inner.torch_dtype && raw.torch_dtype) merged.torch_dtype = raw.torch_dtype;
    return merged;
  }
  return raw;
}

function dtypeOf(cfg: Cfg): Dtype {
  const d = String(cfg.torch_dtype ?? cfg.dtype ?? 'bfloat16').toLowerCase();
  if (d.includes('float32') || d === 'fp32') return 'fp32';
  if (d.includes('float16') && !d.includes('bfloat')) return 'fp16';
  return 'bf16';
}

/** Maps the config's native quantization to a catalog quant id. */
function nativeQuantOf(cfg: Cfg): string | undefined {
  const q = cfg.quantization_config as Cfg | undefined;
  if (!q || typeof q !== 'object') return undefined;
  const method = String(q.quant_method ?? '').toLowerCase();
  if (method === 'mxfp4') return 'mxfp4';
  if (method === 'fp8') return Array.isArray(q.weight_block_size) ? 'fp8' : 'fp8';
  if (method === 'awq') return 'awq';
  if (method === 'gptq') return 'gptq';
  if (method === 'compressed-tensors') return 'int8';
  return undefined;
}

function layerKinds(cfg: Cfg, modelType: string, layers: number): LayerSpec['attention'][] {
  const types = cfg.layer_types;
  const window = num(cfg, 'sliding_window');
  if (Array.isArray(types) && types.length === layers) {
    return types.map((t) => {
      const s = String(t);
      if (s.includes('sliding')) return 'sliding';
      if (s.includes('linear')) return 'linear';
      if (s.includes('chunk')) return 'chunked';
      return 'full';
    });
  }
  const out: LayerSpec['attention'][] = [];
  for (let i = 0; i < layers; i++) {
    let kind: LayerSpec['attention'] = 'full';
    if (modelType === 'gemma2') kind = i % 2 === 0 ? 'sliding' : 'full';
    else if (modelType === 'gemma3_text' || modelType === 'gemma3') {
      const pattern = num(cfg, 'sliding_window_pattern') ?? 6;
      kind = (i + 1) % pattern === 0 ? 'full' : 'sliding';
    } else if (modelType === 'gpt_oss') kind = i % 2 === 0 ? 'sliding' : 'full';
    else if (modelType === 'qwen3_next') {
      const interval = num(cfg, 'full_attention_interval') ?? 4;
      kind = (i + 1) % interval === 0 ? 'full' : 'linear';
    } else if (modelType === 'llama4_text' || modelType === 'llama4') {
      const noRope = cfg.no_rope_layers;
      const chunk = num(cfg, 'attention_chunk_size');
      const usesRope = Array.isArray(noRope) && noRope.length === layers ? Number(noRope[i]) === 1 : (i + 1) % 4 !== 0;
      kind = chunk && usesRope ? 'chunked' : 'full';
    } else if (window && cfg.use_sliding_window !== false && ['mistral', 'phi3', 'mixtral', 'qwen2', 'starcoder2'].includes(modelType)) {
      // Mistral-style configs with a sliding_window apply it to every layer (Qwen2 only with use_sliding_window,
      // and then only above max_window_layers).
      if (modelType === 'qwen2' || modelType === 'qwen2_moe') {
        const maxWindowLayers = num(cfg, 'max_window_layers') ?? layers;
        kind = cfg.use_sliding_window === true && i >= maxWindowLayers ? 'sliding' : 'full';
      } else kind = 'sliding';
    }
    out.push(kind);
  }
  return out;
}

/**
 * Derive the architecture. `meta` carries catalog facts that are not in config.json.
 */
export function architectureFromConfig(
  rawCfg: Cfg,
  meta: { id: string; name: string; extraParams?: number; publishedTotalParams?: number; publishedActiveParams?: number; hfRepo?: string; ollamaTag?: string },
): Architecture {
  const cfg = flattenConfig(rawCfg);
  const modelType = String(cfg.model_type ?? 'llama');
  const hidden = need(cfg, 'hidden size', 'hidden_size', 'n_embd', 'd_model');
  const layers = need(cfg, 'layer count', 'num_hidden_layers', 'n_layer', 'num_layers');
  const heads = need(cfg, 'attention head count', 'num_attention_heads', 'n_head');
  const kvHeads = num(cfg, 'num_key_value_heads', 'multi_query_group_num') ?? heads;
  if (heads % kvHeads !== 0) throw new ArchitectureError(`num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = num(cfg, 'head_dim') ?? hidden / heads;
  if (!Number.isInteger(headDim)) throw new ArchitectureError(`head_dim missing and hidden_size/heads = ${hidden}/${heads} is not whole`);
  const vocab = need(cfg, 'vocabulary size', 'vocab_size', 'padded_vocab_size');
  const tied = cfg.tie_word_embeddings === true || (cfg.tie_word_embeddings === undefined && ['gemma2', 'gemma3_text', 'gemma3', 'cohere'].includes(modelType));
  const maxPosition = num(cfg, 'max_position_embeddings', 'seq_length', 'n_positions') ?? 4096;
  const dtype = dtypeOf(cfg);
  const windowSize = num(cfg, 'sliding_window');
  const chunkSize = num(cfg, 'attention_chunk_size');

  // ----- MLA -----
  let mla: MlaSpec | undefined;
  const kvLoraRank = num(cfg, 'kv_lora_rank');
  if (kvLoraRank) {
    mla = {
      qLoraRank: num(cfg, 'q_lora_rank') ?? null,
      kvLoraRank,
      qkNopeHeadDim: need(cfg, 'qk_nope_head_dim', 'qk_nope_head_dim'),
      qkRopeHeadDim: need(cfg, 'qk_rope_head_dim', 'qk_rope_head_dim'),
      vHeadDim: need(cfg, 'v_head_dim', 'v_head_dim'),
    };
  }

  // ----- linear attention (Qwen3-Next Gated DeltaNet) -----
  let linear: LinearAttentionSpec | undefined;
  if (modelType === 'qwen3_next') {
    linear = {
      kind: 'gated_deltanet',
      numKeyHeads: need(cfg, 'linear_num_key_heads', 'linear_num_key_heads'),
      keyHeadDim: need(cfg, 'linear_key_head_dim', 'linear_key_head_dim'),
      numValueHeads: need(cfg, 'linear_num_value_heads', 'linear_num_value_heads'),
      valueHeadDim: need(cfg, 'linear_value_head_dim', 'linear_value_head_dim'),
      convKernel: num(cfg, 'linear_conv_kernel_dim') ?? 4,
    };
  }

  // ----- MoE -----
  let moe: MoeSpec | undefined;
  const experts = num(cfg, 'n_routed_experts', 'num_local_experts', 'num_experts', 'moe_num_experts');
  let moeLayer = (_i: number) => false;
  let denseIntermediate = num(cfg, 'intermediate_size', 'ffn_hidden_size', 'n_inner') ?? 0;
  if (experts && experts > 1) {
    const topK = need(cfg, 'experts per token', 'num_experts_per_tok', 'experts_per_token', 'moe_topk');
    let expertIntermediate = num(cfg, 'moe_intermediate_size') ?? denseIntermediate;
    let sharedIntermediate = 0;
    const nShared = num(cfg, 'n_shared_experts') ?? 0;
    if (nShared > 0) sharedIntermediate = nShared * (num(cfg, 'moe_intermediate_size') ?? expertIntermediate);
    const sharedSize = num(cfg, 'shared_expert_intermediate_size');
    if (sharedSize) sharedIntermediate = sharedSize;
    const firstDense = num(cfg, 'first_k_dense_replace') ?? 0;
    const freq = num(cfg, 'moe_layer_freq', 'decoder_sparse_step', 'interleave_moe_layer_step') ?? 1;
    const mlpOnly = Array.isArray(cfg.mlp_only_layers) ? (cfg.mlp_only_layers as number[]) : [];
    if (modelType === 'llama4_text' || modelType === 'llama4') {
      // Llama 4: routed experts and one shared expert both of intermediate_size; dense layers use intermediate_size_mlp.
      expertIntermediate = need(cfg, 'intermediate_size', 'intermediate_size');
      sharedIntermediate = expertIntermediate;
      denseIntermediate = num(cfg, 'intermediate_size_mlp') ?? denseIntermediate;
      const step = num(cfg, 'interleave_moe_layer_step') ?? 1;
      moeLayer = (i) => (i + 1) % step === 0;
    } else {
      moeLayer = (i) => i >= firstDense && (i + 1 - firstDense) % freq === 0 && !mlpOnly.includes(i);
      if (['deepseek_v2', 'deepseek_v3', 'glm4_moe', 'kimi_k2'].includes(modelType)) moeLayer = (i) => i >= firstDense && i % freq === 0;
    }
    if (['mixtral', 'gpt_oss', 'minimax_m2', 'minimax', 'qwen3_moe', 'qwen2_moe', 'qwen3_next'].includes(modelType)) {
      // Dense intermediate_size is either the expert width (mixtral, gpt-oss, minimax) or unused.
      if (modelType !== 'qwen2_moe' && modelType !== 'qwen3_moe' && modelType !== 'qwen3_next') expertIntermediate = denseIntermediate;
    }
    moe = { experts, topK, expertIntermediate, sharedIntermediate };
  }

  const kinds = layerKinds(cfg, modelType, layers);
  const layerSpecs: LayerSpec[] = kinds.map((attention, index) => {
    const spec: LayerSpec = { index, attention: mla ? 'mla' : attention, ffn: moe && moeLayer(index) ? 'moe' : 'dense' };
    if (attention === 'sliding' && windowSize) spec.window = windowSize;
    if (attention === 'chunked' && chunkSize) spec.window = chunkSize;
    if (attention === 'sliding' && !windowSize) spec.attention = 'full';
    if (attention === 'chunked' && !chunkSize) spec.attention = 'full';
    return spec;
  });

  // ----- tensors -----
  const tensors: TensorGroup[] = [];
  const attnBias = cfg.attention_bias === true || modelType === 'qwen2' || modelType === 'qwen2_moe';
  const qkNorm = ['qwen3', 'qwen3_moe', 'qwen3_next', 'gemma3_text', 'gemma3'].includes(modelType) || cfg.use_qk_norm === true;
  const gatedMlp = !['gpt2', 'starcoder2', 'phi'].includes(modelType);
  const mlpMats = gatedMlp ? 3 : 2;
  const mlpBias = cfg.mlp_bias === true || modelType === 'gpt_oss';

  tensors.push({ kind: 'embedding', part: 'embd', params: vocab * hidden, cols: hidden });
  if (!tied) tensors.push({ kind: 'lmHead', part: 'output', params: vocab * hidden, cols: hidden });
  tensors.push({ kind: 'norm', part: 'final_norm', params: hidden, cols: 0 });

  for (const L of layerSpecs) {
    const i = L.index;
    // attention
    if (L.attention === 'linear' && linear) {
      const { numKeyHeads: nk, keyHeadDim: dk, numValueHeads: nv, valueHeadDim: dv, convKernel } = linear;
      const convDim = 2 * nk * dk + nv * dv;
      tensors.push({ kind: 'linearAttention', part: 'qkvz', layer: i, params: hidden * (2 * nk * dk + 2 * nv * dv), cols: hidden });
      tensors.push({ kind: 'linearAttention', part: 'ba', layer: i, params: hidden * 2 * nv, cols: hidden });
      tensors.push({ kind: 'linearAttention', part: 'o', layer: i, params: nv * dv * hidden, cols: nv * dv });
      tensors.push({ kind: 'norm', part: 'conv_state_params', layer: i, params: convDim * convKernel + 2 * nv + dv, cols: 0 });
    } else if (mla) {
      const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
      if (mla.qLoraRank) {
        tensors.push({ kind: 'attention', part: 'q_a', layer: i, params: hidden * mla.qLoraRank, cols: hidden });
        tensors.push({ kind: 'attention', part: 'q_b', layer: i, params: mla.qLoraRank * heads * qHead, cols: mla.qLoraRank });
        tensors.push({ kind: 'norm', part: 'q_a_norm', layer: i, params: mla.qLoraRank, cols: 0 });
      } else {
        tensors.push({ kind: 'attention', part: 'q', layer: i, params: hidden * heads * qHead, cols: hidden });
      }
      tensors.push({ kind: 'attention', part: 'kv_a', layer: i, params: hidden * (mla.kvLoraRank + mla.qkRopeHeadDim), cols: hidden });
      tensors.push({ kind: 'norm', part: 'kv_a_norm', layer: i, params: mla.kvLoraRank, cols: 0 });
      tensors.push({ kind: 'attention', part: 'kv_b', layer: i, params: mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim), cols: mla.kvLoraRank });
      tensors.push({ kind: 'attention', part: 'o', layer: i, params: heads * mla.vHeadDim * hidden, cols: heads * mla.vHeadDim });
    } else {
      const q = heads * headDim;
      const kv = kvHeads * headDim;
      // Qwen3-Next full-attention layers have an output gate folded into q_proj (2x).
      const qMul = modelType === 'qwen3_next' ? 2 : 1;
      tensors.push({ kind: 'attention', part: 'q', layer: i, params: hidden * q * qMul + (attnBias ? q : 0), cols: hidden });
      tensors.push({ kind: 'attention', part: 'k', layer: i, params: hidden * kv + (attnBias ? kv : 0), cols: hidden });
      tensors.push({ kind: 'attention', part: 'v', layer: i, params: hidden * kv + (attnBias ? kv : 0), cols: hidden });
      tensors.push({ kind: 'attention', part: 'o', layer: i, params: q * hidden + (cfg.attention_bias === true ? hidden : 0), cols: q });
      if (qkNorm) {
        const perHead = modelType === 'minimax_m2' ? q + kv : 2 * headDim;
        tensors.push({ kind: 'norm', part: 'qk_norm', layer: i, params: perHead, cols: 0 });
      }
      if (modelType === 'gpt_oss') tensors.push({ kind: 'norm', part: 'sinks', layer: i, params: heads, cols: 0 });
    }
    // feed-forward
    if (L.ffn === 'moe' && moe) {
      const E = moe.experts;
      const I = moe.expertIntermediate;
      tensors.push({ kind: 'router', part: 'router', layer: i, params: hidden * E + (modelType === 'gpt_oss' || modelType.startsWith('deepseek') || modelType === 'glm4_moe' || modelType === 'minimax_m2' ? E : 0), cols: hidden });
      tensors.push({ kind: 'routedExperts', part: 'exps_gate_up', layer: i, params: E * (2 * hidden * I + (mlpBias ? 2 * I : 0)), cols: hidden });
      tensors.push({ kind: 'routedExperts', part: 'exps_down', layer: i, params: E * (I * hidden + (mlpBias ? hidden : 0)), cols: I });
      if (moe.sharedIntermediate > 0) {
        const S = moe.sharedIntermediate;
        tensors.push({ kind: 'sharedExperts', part: 'shexp_gate_up', layer: i, params: 2 * hidden * S, cols: hidden });
        tensors.push({ kind: 'sharedExperts', part: 'shexp_down', layer: i, params: S * hidden, cols: S });
        if (modelType === 'qwen2_moe' || modelType === 'qwen3_next') tensors.push({ kind: 'router', part: 'shexp_gate', layer: i, params: hidden, cols: hidden });
      }
    } else {
      const I = denseIntermediate;
      if (I <= 0) throw new ArchitectureError('config.json has no intermediate_size for the dense MLP layers');
      tensors.push({ kind: 'mlp', part: 'gate_up', layer: i, params: (mlpMats - 1) * hidden * I + (mlpBias ? (mlpMats - 1) * I : 0), cols: hidden });
      tensors.push({ kind: 'mlp', part: 'down', layer: i, params: I * hidden + (mlpBias ? hidden : 0), cols: I });
    }
    // norms: most models 2 per layer; Gemma 2/3 have pre+post norms around attention and MLP; Cohere one shared.
    const normsPerLayer = modelType.startsWith('gemma') || modelType === 'glm4' ? 4 : modelType === 'cohere' ? 1 : 2;
    tensors.push({ kind: 'norm', part: 'layer_norms', layer: i, params: normsPerLayer * hidden, cols: 0 });
  }
  if (meta.extraParams && meta.extraParams > 0) tensors.push({ kind: 'vision', part: 'vision', params: meta.extraParams, cols: 0 });

  const partialRotary = num(cfg, 'partial_rotary_factor') ?? 1;
  const rotaryDim = mla ? mla.qkRopeHeadDim : Math.round(headDim * partialRotary);
  const ropeScaling = cfg.rope_scaling && typeof cfg.rope_scaling === 'object' ? String((cfg.rope_scaling as Cfg).rope_type ?? (cfg.rope_scaling as Cfg).type ?? 'scaled') : undefined;

  return {
    id: meta.id,
    name: meta.name,
    modelType,
    hidden,
    layers,
    heads,
    kvHeads: mla ? 1 : kvHeads,
    headDim: mla ? mla.kvLoraRank + mla.qkRopeHeadDim : headDim,
    vHeadDim: mla ? 0 : headDim,
    vocab,
    tiedEmbeddings: tied,
    maxPosition,
    intermediate: denseIntermediate,
    dtype,
    moe,
    mla,
    linear,
    layerSpecs,
    tensors,
    extraParams: meta.extraParams ?? 0,
    rotaryDim,
    nativeQuant: nativeQuantOf(cfg),
    publishedTotalParams: meta.publishedTotalParams,
    publishedActiveParams: meta.publishedActiveParams,
    ropeScaling,
    hfRepo: meta.hfRepo,
    ollamaTag: meta.ollamaTag,
  };
}

/** Total and active parameter counts from the tensor list. */
export function parameterCounts(a: Architecture): { total: number; active: number } {
  let total = 0;
  let routed = 0;
  for (const t of a.tensors) {
    total += t.params;
    if (t.kind === 'routedExperts') routed += t.params;
  }
  const active = a.moe ? total - routed + (routed * a.moe.topK) / a.moe.experts : total;
  return { total, active };
}
