// Derive layers and weight tensors from a Hugging Face config.json (catalog entry or user upload).
// Pure: takes a plain object, returns an Architecture or throws ArchitectureError with a readable message.
import { applyCheckpointQuant } from './checkpoint-quant.ts';
import { deepseekV4 } from './deepseek-v4.ts';
import { TYPE_ALIASES, hybridMixers, indexerSpec, kvSharedLayer, layerAttentionShape, linearSpec, nasBlock, nasIntermediate, num, patternKinds, ropeCacheDims } from './families.ts';
import type { Architecture, Dtype, LayerSpec, LinearAttentionSpec, MlaSpec, MoeSpec, TensorGroup, VisionEncoder } from './types.ts';

export class ArchitectureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchitectureError';
  }
}

type Cfg = Record<string, unknown>;

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
  if (method === 'modelopt' || q.quant_algo !== undefined) {
    const algo = String(q.quant_algo ?? '').toUpperCase();
    if (algo.includes('NVFP4')) return 'nvfp4';
    if (algo.includes('FP8')) return 'fp8';
  }
  if (method === 'compressed-tensors') {
    const groups = Object.values((q.config_groups ?? {}) as Record<string, Cfg>);
    const w = (groups[0]?.weights ?? {}) as Cfg;
    const fmt = String(q.format ?? '');
    if (w.num_bits === 4 && w.type === 'float') return fmt.includes('mxfp4') || w.group_size === 32 ? 'mxfp4' : 'nvfp4';
    if (w.num_bits === 4) return 'int4';
    if (w.num_bits === 8 && w.type === 'float') return 'fp8';
    return 'int8';
  }
  return undefined;
}

function layerKinds(cfg: Cfg, modelType: string, layers: number): LayerSpec['attention'][] {
  const fromPattern = patternKinds(cfg, modelType, layers);
  if (fromPattern) return fromPattern;
  const types = cfg.layer_types;
  const window = num(cfg, 'sliding_window');
  if (Array.isArray(types) && types.length === layers) {
    return types.map((t) => {
      const s = String(t);
      if (s.includes('sliding')) return 'sliding';
      if (s.includes('linear') || s === 'mamba') return 'linear';
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
    else if (modelType === 'qwen3_next' || modelType === 'qwen3_5' || modelType === 'qwen3_5_moe') {
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

/** Router bias (e_score_correction_bias / routing bias) per expert. */
function routerBias(cfg: Cfg, modelType: string): boolean {
  return (
    cfg.topk_method === 'noaux_tc' ||
    cfg.use_routing_bias === true ||
    cfg.use_moe_router_bias === true ||
    modelType === 'gpt_oss' ||
    modelType.startsWith('deepseek') ||
    ['glm4_moe', 'glm_moe_dsa', 'minimax_m2', 'nemotron_h'].includes(modelType)
  );
}

/**
 * Derive the architecture. `meta` carries catalog facts that are not in config.json.
 */
export function architectureFromConfig(
  rawCfg: Cfg,
  meta: { id: string; name: string; extraParams?: number; extraParamsReplicated?: number; vision?: { config: Cfg; tokensPerItem: number }; publishedTotalParams?: number; publishedActiveParams?: number; hfRepo?: string; ollamaTag?: string; hfQuantConfig?: Cfg },
): Architecture {
  const cfg = flattenConfig(rawCfg);
  const rawType = String(cfg.model_type ?? 'llama');
  const modelType = TYPE_ALIASES[rawType] ?? rawType;
  const hidden = need(cfg, 'hidden size', 'hidden_size', 'n_embd', 'd_model');
  if (modelType === 'deepseek_v4') return deepseekV4Architecture(cfg, meta, hidden);
  // Nemotron-3 Ultra lists its blocks (layers_block_type) instead of giving a count.
  const layers = Array.isArray(cfg.layers_block_type) && num(cfg, 'num_hidden_layers') === undefined ? cfg.layers_block_type.length : need(cfg, 'layer count', 'num_hidden_layers', 'n_layer', 'num_layers');
  const heads = need(cfg, 'attention head count', 'num_attention_heads', 'n_head');
  const kvHeads = num(cfg, 'num_key_value_heads', 'multi_query_group_num') ?? heads;
  if (heads % kvHeads !== 0) throw new ArchitectureError(`num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = num(cfg, 'head_dim', 'attention_head_dim') ?? (num(cfg, 'kv_lora_rank') ? num(cfg, 'qk_nope_head_dim') ?? hidden / heads : hidden / heads);
  if (!Number.isInteger(headDim)) throw new ArchitectureError(`head_dim missing and hidden_size/heads = ${hidden}/${heads} is not whole`);
  const vocab = need(cfg, 'vocabulary size', 'vocab_size', 'padded_vocab_size');
  const tied = cfg.tie_word_embeddings === true || (cfg.tie_word_embeddings === undefined && ['gemma', 'gemma2', 'gemma3_text', 'gemma3', 'gemma4', 'cohere'].includes(modelType));
  const maxPosition = num(cfg, 'max_position_embeddings', 'seq_length', 'n_positions') ?? 4096;
  const dtype = dtypeOf(cfg);
  const windowSize = num(cfg, 'sliding_window', 'sliding_window_size');
  const chunkSize = num(cfg, 'attention_chunk_size');

  // ----- MLA (DeepSeek, Kimi, GLM-5; DSA adds the indexer) -----
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
  const indexer = indexerSpec(cfg, modelType);

  // ----- linear attention / state-space layers -----
  const linear: LinearAttentionSpec | undefined = linearSpec(cfg, modelType);
  const mixers = hybridMixers(cfg, modelType, layers);

  // ----- MoE -----
  let moe: MoeSpec | undefined;
  const experts = num(cfg, 'n_routed_experts', 'num_local_experts', 'num_experts', 'moe_num_experts');
  let moeLayer = (_i: number) => false;
  let denseIntermediate = num(cfg, 'dense_intermediate_size') ?? num(cfg, 'intermediate_size', 'ffn_hidden_size', 'n_inner') ?? 0;
  if (experts && experts > 1) {
    const topK = need(cfg, 'experts per token', 'num_experts_per_tok', 'experts_per_token', 'moe_topk', 'top_k_experts', 'num_experts_per_token');
    let expertIntermediate = num(cfg, 'moe_intermediate_size', 'expert_intermediate_size') ?? denseIntermediate;
    const nShared = num(cfg, 'n_shared_experts', 'num_shared_experts') ?? 0;
    let sharedIntermediate = nShared > 0 ? nShared * (num(cfg, 'moe_intermediate_size') ?? expertIntermediate) : 0;
    const sharedSize = num(cfg, 'shared_expert_intermediate_size', 'moe_shared_expert_intermediate_size', 'share_expert_dim', 'shared_intermediate_size');
    if (sharedSize !== undefined) sharedIntermediate = sharedSize * (num(cfg, 'share_expert_dim') !== undefined ? Math.max(1, nShared) : 1);
    const firstDense = num(cfg, 'first_k_dense_replace') ?? 0;
    const freqRaw = cfg.moe_layer_freq;
    const freq = num(cfg, 'moe_layer_freq', 'decoder_sparse_step', 'interleave_moe_layer_step') ?? 1;
    const mlpOnly = Array.isArray(cfg.mlp_only_layers) ? (cfg.mlp_only_layers as number[]) : [];
    if (modelType === 'llama4_text' || modelType === 'llama4') {
      // Llama 4: routed experts and one shared expert both of intermediate_size; dense layers use intermediate_size_mlp.
      expertIntermediate = need(cfg, 'intermediate_size', 'intermediate_size');
      sharedIntermediate = expertIntermediate;
      denseIntermediate = num(cfg, 'intermediate_size_mlp') ?? denseIntermediate;
      const step = num(cfg, 'interleave_moe_layer_step') ?? 1;
      moeLayer = (i) => (i + 1) % step === 0;
    } else if (Array.isArray(freqRaw) && freqRaw.length === layers) {
      moeLayer = (i) => Number(freqRaw[i]) === 1; // MiMo-V2, MiniMax-M3: one flag per layer
    } else if (mixers) {
      moeLayer = (i) => mixers[i].ffn === 'moe';
    } else {
      moeLayer = (i) => i >= firstDense && (i + 1 - firstDense) % freq === 0 && !mlpOnly.includes(i);
      if (['deepseek_v2', 'deepseek_v3', 'deepseek_v32', 'glm4_moe', 'glm_moe_dsa', 'kimi_k2', 'step3p7'].includes(modelType)) moeLayer = (i) => i >= firstDense && i % freq === 0;
    }
    if (['mixtral', 'gpt_oss', 'minimax_m2', 'minimax', 'granitemoe'].includes(modelType)) {
      // Dense intermediate_size is the expert width here.
      expertIntermediate = denseIntermediate;
    }
    if (!(expertIntermediate > 0)) throw new ArchitectureError('config.json has no usable expert width (looked for moe_intermediate_size / intermediate_size)');
    moe = { experts, topK, expertIntermediate, sharedIntermediate };
  }

  const kinds = mixers ? mixers.map((m) => m.attention) : layerKinds(cfg, modelType, layers);
  const layerSpecs: LayerSpec[] = kinds.map((attention, index) => {
    const ffn: LayerSpec['ffn'] = mixers && !moe ? mixers[index].ffn : moe && moeLayer(index) ? 'moe' : mixers && mixers[index].ffn === 'none' ? 'none' : 'dense';
    const spec: LayerSpec = { index, attention: mla && (attention === 'full' || attention === 'mla') ? 'mla' : attention, ffn };
    if (modelType === 'nemotron_nas') {
      const f = nasBlock(cfg, index)?.ffn;
      if (f?.no_op) spec.ffn = 'none';
    }
    if (attention === 'sliding' && windowSize) spec.window = windowSize;
    if (attention === 'chunked' && chunkSize) spec.window = chunkSize;
    if (attention === 'sliding' && !windowSize) spec.attention = 'full';
    if (attention === 'chunked' && !chunkSize) spec.attention = 'full';
    Object.assign(spec, layerAttentionShape(cfg, modelType, index, attention));
    if (kvSharedLayer(cfg, index, layers)) spec.kvShared = true;
    if (modelType === 'mllama' && Array.isArray(cfg.cross_attention_layers) && (cfg.cross_attention_layers as unknown[]).map(Number).includes(index)) {
      spec.attention = 'none';
      spec.crossAttention = true;
    }
    return spec;
  });

  // ----- tensors -----
  const tensors: TensorGroup[] = [];
  const attnBias = cfg.attention_bias === true || modelType === 'qwen2' || modelType === 'qwen2_moe' || modelType === 'phi';
  const qkNorm = ['qwen3', 'qwen3_moe', 'qwen3_next', 'qwen3_5', 'qwen3_5_moe', 'gemma3_text', 'gemma3', 'gemma4', 'step3p7'].includes(modelType) || cfg.use_qk_norm === true;
  const gatedMlp = !['gpt2', 'starcoder2', 'phi', 'nemotron_h', 'nemotron'].includes(modelType);
  const mlpMats = gatedMlp ? 3 : 2;
  const mlpBias = cfg.mlp_bias === true || modelType === 'gpt_oss' || modelType === 'phi';
  const layerNormBias = modelType === 'phi' ? 2 : 1; // LayerNorm weight + bias
  // Qwen3-Next / Qwen3.5 full-attention layers fold an output gate into q_proj (2x).
  const qMul = modelType === 'qwen3_next' || cfg.attn_output_gate === true ? 2 : 1;

  // Llama 3.2 Vision's embedding has 8 rows more than the vocabulary (MllamaTextModel: vocab_size + 8, image tokens).
  const embedRows = modelType === 'mllama' ? vocab + 8 : vocab;
  tensors.push({ kind: 'embedding', part: 'embd', params: embedRows * hidden, cols: hidden });
  if (!tied) tensors.push({ kind: 'lmHead', part: 'output', params: vocab * hidden + (modelType === 'phi' ? vocab : 0), cols: hidden });
  tensors.push({ kind: 'norm', part: 'final_norm', params: hidden * layerNormBias, cols: 0 });
  // Gemma 3n / 4 small models: a per-layer token embedding (vocab_size_per_layer_input x layers x hidden_size_per_layer_input).
  const ple = num(cfg, 'hidden_size_per_layer_input') ?? 0;
  if (ple > 0) {
    const pleVocab = num(cfg, 'vocab_size_per_layer_input') ?? vocab;
    tensors.push({ kind: 'embedding', part: 'per_layer_embd', params: pleVocab * layers * ple, cols: layers * ple });
    tensors.push({ kind: 'attention', part: 'per_layer_model_proj', params: hidden * layers * ple + ple, cols: hidden });
  }

  for (const L of layerSpecs) pushLayerTensors(tensors, L, { cfg, modelType, hidden, heads, kvHeads, headDim, mla, indexer, linear, moe, denseIntermediate, attnBias, qkNorm, mlpMats, mlpBias, layerNormBias, qMul, ple });
  if (meta.extraParams && meta.extraParams > 0) {
    // Vision / audio tower: vLLM and SGLang shard its linear layers over TP (ColumnParallel / RowParallel / QKVParallel in
    // e.g. vLLM qwen2_5_vl.py, mm_encoder_tp_mode 'weights' by default); what every rank keeps whole is listed apart.
    const whole = Math.min(meta.extraParams, meta.extraParamsReplicated ?? 0);
    if (meta.extraParams > whole) tensors.push({ kind: 'vision', part: 'vision', params: meta.extraParams - whole, cols: 0 });
    if (whole > 0) tensors.push({ kind: 'vision', part: 'vision_replicated', params: whole, cols: 0 });
  }

  const partialRotary = num(cfg, 'partial_rotary_factor') ?? 1;
  const rotaryDim = mla ? mla.qkRopeHeadDim : num(cfg, 'rotary_dim') ?? Math.round(headDim * partialRotary);
  const ropeScaling = cfg.rope_scaling && typeof cfg.rope_scaling === 'object' ? String((cfg.rope_scaling as Cfg).rope_type ?? (cfg.rope_scaling as Cfg).type ?? 'scaled') : undefined;

  const arch: Architecture = {
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
    indexer,
    layerSpecs,
    tensors,
    extraParams: meta.extraParams ?? 0,
    ...(meta.vision ? { encoder: visionEncoder(meta.vision.config, meta.vision.tokensPerItem) } : {}),
    mtpParams: 0,
    rotaryDim,
    ropeCacheDims: mla ? undefined : ropeCacheDims(cfg, modelType, headDim, layerSpecs.map((l) => l.attention)),
    nativeQuant: nativeQuantOf(cfg),
    publishedTotalParams: meta.publishedTotalParams,
    publishedActiveParams: meta.publishedActiveParams,
    ropeScaling,
    hfRepo: meta.hfRepo,
    ollamaTag: meta.ollamaTag,
  };
  arch.mtpParams = mtpParams(arch, cfg);
  // Official quantized releases: which modules the checkpoint really quantizes, and to what.
  const ckpt = applyCheckpointQuant(arch, cfg, meta.hfQuantConfig);
  if (ckpt) arch.nativeQuant = ckpt;
  return arch;
}

interface LayerCtx {
  cfg: Cfg;
  modelType: string;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  mla?: MlaSpec;
  indexer?: Architecture['indexer'];
  linear?: LinearAttentionSpec;
  moe?: MoeSpec;
  denseIntermediate: number;
  attnBias: boolean;
  qkNorm: boolean;
  mlpMats: number;
  mlpBias: boolean;
  layerNormBias: number;
  qMul: number;
  ple: number;
}

function pushLayerTensors(tensors: TensorGroup[], L: LayerSpec, c: LayerCtx): void {
  const { cfg, modelType, hidden, heads, mla } = c;
  const i = L.index;
  // ---- token mixer
  if (L.attention === 'linear' && c.linear) pushLinearTensors(tensors, i, hidden, c.linear, cfg);
  else if (L.attention === 'mla' && mla) {
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
    if (c.indexer) {
      // DSA lightning indexer: wq_b (q_lora_rank -> heads x dim), wk (hidden -> dim), LayerNorm on k, weights_proj (hidden -> heads).
      const { heads: ih, headDim: id } = c.indexer;
      tensors.push({ kind: 'attention', part: 'idx_wq_b', layer: i, params: (mla.qLoraRank ?? hidden) * ih * id, cols: mla.qLoraRank ?? hidden });
      tensors.push({ kind: 'attention', part: 'idx_wk', layer: i, params: hidden * id, cols: hidden });
      tensors.push({ kind: 'norm', part: 'idx_k_norm', layer: i, params: 2 * id, cols: 0 });
      tensors.push({ kind: 'router', part: 'idx_weights_proj', layer: i, params: hidden * ih, cols: hidden });
    }
  } else if (L.attention !== 'none') {
    const hd = L.headDim ?? c.headDim;
    const vd = L.vHeadDim ?? hd;
    const kvh = L.kvHeads ?? c.kvHeads;
    const q = heads * hd;
    const k = kvh * hd;
    const v = L.kEqV ? 0 : kvh * vd;
    const b = c.attnBias;
    tensors.push({ kind: 'attention', part: 'q', layer: i, params: hidden * q * c.qMul + (b ? q : 0), cols: hidden });
    tensors.push({ kind: 'attention', part: 'k', layer: i, params: hidden * k + (b ? k : 0), cols: hidden });
    if (v > 0) tensors.push({ kind: 'attention', part: 'v', layer: i, params: hidden * v + (b ? v : 0), cols: hidden });
    tensors.push({ kind: 'attention', part: 'o', layer: i, params: heads * vd * hidden + (cfg.attention_bias === true || modelType === 'phi' ? hidden : 0), cols: heads * vd });
    if (c.qkNorm) {
      const perHead = modelType === 'minimax_m2' || (modelType === 'minimax_m3' && cfg.qk_norm_type !== 'per_head') ? q + k : 2 * hd;
      tensors.push({ kind: 'norm', part: 'qk_norm', layer: i, params: perHead, cols: 0 });
    }
    if (modelType === 'gpt_oss' || (modelType === 'mimo_v2' && L.attention === 'sliding' && cfg.add_swa_attention_sink_bias === true)) {
      tensors.push({ kind: 'norm', part: 'sinks', layer: i, params: heads, cols: 0 });
    }
  } else if (L.crossAttention) {
    // Llama 3.2 Vision cross-attention layer (MllamaCrossAttentionDecoderLayer): q/k/v/o of the text shapes, per-head
    // q_norm / k_norm, and the two tanh gates (cross_attn_attn_gate, cross_attn_mlp_gate).
    const hd = c.headDim;
    tensors.push({ kind: 'attention', part: 'q', layer: i, params: hidden * heads * hd, cols: hidden });
    tensors.push({ kind: 'attention', part: 'k', layer: i, params: hidden * c.kvHeads * hd, cols: hidden });
    tensors.push({ kind: 'attention', part: 'v', layer: i, params: hidden * c.kvHeads * hd, cols: hidden });
    tensors.push({ kind: 'attention', part: 'o', layer: i, params: heads * hd * hidden, cols: heads * hd });
    tensors.push({ kind: 'norm', part: 'qk_norm', layer: i, params: 2 * hd + 2, cols: 0 });
  } else if (modelType === 'nemotron_nas' && nasBlock(cfg, i)?.attention?.replace_with_linear) {
    tensors.push({ kind: 'attention', part: 'linear_attn', layer: i, params: hidden * hidden, cols: hidden });
  }

  // ---- feed-forward
  if (L.ffn === 'moe' && c.moe) {
    pushMoeTensors(tensors, i, hidden, c);
    // Gemma 4 MoE layers keep a dense MLP beside the experts (enable_moe_block).
    if (modelType === 'gemma4') pushMlp(tensors, i, hidden, c.denseIntermediate, c);
  } else if (L.ffn === 'dense') {
    let I = c.denseIntermediate;
    // Gemma 4 E2B: KV-shared layers use a double-width MLP (use_double_wide_mlp; vLLM / transformers gemma4.py).
    if (modelType === 'gemma4' && cfg.use_double_wide_mlp === true && L.kvShared) I *= 2;
    if (modelType === 'nemotron_nas') {
      const f = nasBlock(cfg, i)?.ffn;
      if (f?.replace_with_linear) {
        tensors.push({ kind: 'mlp', part: 'linear_mlp', layer: i, params: hidden * hidden, cols: hidden });
        I = 0;
      } else if (f?.ffn_mult) I = nasIntermediate(f.ffn_mult, hidden);
    }
    if (I > 0 || modelType !== 'nemotron_nas') {
      if (I <= 0) throw new ArchitectureError('config.json has no intermediate_size for the dense MLP layers');
      pushMlp(tensors, i, hidden, I, c);
    }
  }

  // ---- norms: most models 2 per layer; Gemma 2/3/4 and GLM-4 pre+post around attention and MLP; Cohere, Phi and
  // Nemotron-H one per block. Gemma 4 MoE layers add three more (pre/post around the experts, post of the dense MLP).
  let normsPerLayer = modelType === 'gemma' ? 2 : modelType.startsWith('gemma') || modelType === 'glm4' ? 4 : ['cohere', 'phi', 'nemotron_h'].includes(modelType) ? 1 : 2;
  if (modelType === 'gemma4' && L.ffn === 'moe') normsPerLayer += 3;
  if (modelType === 'nemotron_nas') normsPerLayer = (L.attention === 'none' ? 0 : 1) + (L.ffn === 'none' ? 0 : 1);
  if (normsPerLayer > 0) tensors.push({ kind: 'norm', part: 'layer_norms', layer: i, params: normsPerLayer * hidden * c.layerNormBias, cols: 0 });
  if (c.ple > 0) {
    // Gemma 3n / 4 per-layer input gate and projection, and their norm.
    tensors.push({ kind: 'attention', part: 'per_layer_gate_proj', layer: i, params: 2 * hidden * c.ple + hidden, cols: hidden });
  }
}

function pushMlp(tensors: TensorGroup[], i: number, hidden: number, I: number, c: LayerCtx): void {
  const m = c.mlpMats;
  tensors.push({ kind: 'mlp', part: 'gate_up', layer: i, params: (m - 1) * hidden * I + (c.mlpBias ? (m - 1) * I : 0), cols: hidden });
  tensors.push({ kind: 'mlp', part: 'down', layer: i, params: I * hidden + (c.mlpBias ? hidden : 0), cols: I });
}

function pushMoeTensors(tensors: TensorGroup[], i: number, hidden: number, c: LayerCtx): void {
  const { cfg, modelType } = c;
  const moe = c.moe!;
  const E = moe.experts;
  const I = moe.expertIntermediate;
  // Latent MoE (Nemotron-3 Super / Ultra): routed experts work in moe_latent_size, with one down and one up projection per layer.
  const latent = num(cfg, 'moe_latent_size', 'routed_expert_hidden_size') ?? hidden;
  const m = c.mlpMats;
  tensors.push({ kind: 'router', part: 'router', layer: i, params: hidden * E + (routerBias(cfg, modelType) ? E : 0) + (modelType === 'gemma4' ? hidden + E : 0), cols: hidden });
  tensors.push({ kind: 'routedExperts', part: 'exps_gate_up', layer: i, params: E * ((m - 1) * latent * I + (c.mlpBias ? (m - 1) * I : 0)), cols: latent });
  tensors.push({ kind: 'routedExperts', part: 'exps_down', layer: i, params: E * (I * latent + (c.mlpBias ? latent : 0)), cols: I });
  if (latent !== hidden) tensors.push({ kind: 'mlp', part: 'latent_proj', layer: i, params: 2 * hidden * latent, cols: hidden });
  if (moe.sharedIntermediate > 0) {
    const S = moe.sharedIntermediate;
    tensors.push({ kind: 'sharedExperts', part: 'shexp_gate_up', layer: i, params: (m - 1) * hidden * S, cols: hidden });
    tensors.push({ kind: 'sharedExperts', part: 'shexp_down', layer: i, params: S * hidden, cols: S });
    if (['qwen2_moe', 'qwen3_next', 'qwen3_5_moe'].includes(modelType)) tensors.push({ kind: 'router', part: 'shexp_gate', layer: i, params: hidden, cols: hidden });
  }
}

function pushLinearTensors(tensors: TensorGroup[], i: number, hidden: number, l: LinearAttentionSpec, cfg: Cfg): void {
  if (l.kind === 'gated_deltanet') {
    const { numKeyHeads: nk, keyHeadDim: dk, numValueHeads: nv, valueHeadDim: dv, convKernel } = l;
    const convDim = 2 * nk * dk + nv * dv;
    tensors.push({ kind: 'linearAttention', part: 'qkvz', layer: i, params: hidden * (2 * nk * dk + 2 * nv * dv), cols: hidden });
    tensors.push({ kind: 'linearAttention', part: 'ba', layer: i, params: hidden * 2 * nv, cols: hidden });
    tensors.push({ kind: 'linearAttention', part: 'o', layer: i, params: nv * dv * hidden, cols: nv * dv });
    tensors.push({ kind: 'norm', part: 'conv_state_params', layer: i, params: convDim * convKernel + 2 * nv + dv, cols: 0 });
  } else if (l.kind === 'mamba2') {
    // Mamba-2 mixer: in_proj -> (z, x, B, C, dt), depthwise conv over x|B|C, A_log / D / dt_bias per head, gated RMSNorm, out_proj.
    const dInner = l.numHeads * l.headDim;
    const gn = 2 * l.nGroups * l.stateSize;
    const convBias = cfg.use_conv_bias === false ? 0 : dInner + gn;
    tensors.push({ kind: 'linearAttention', part: 'in_proj', layer: i, params: hidden * (2 * dInner + gn + l.numHeads), cols: hidden });
    tensors.push({ kind: 'linearAttention', part: 'out_proj', layer: i, params: dInner * hidden, cols: dInner });
    tensors.push({ kind: 'norm', part: 'conv_state_params', layer: i, params: (dInner + gn) * l.convKernel + convBias + 3 * l.numHeads + dInner, cols: 0 });
  } else {
    // Kimi Delta Attention: q/k/v projections with short convolutions, low-rank forget gate (f_a, f_b) and output gate (g_a, g_b),
    // beta (b_proj), A_log and dt_bias, output norm, o_proj.
    const hd = l.numHeads * l.headDim;
    tensors.push({ kind: 'linearAttention', part: 'qkv', layer: i, params: 3 * hidden * hd, cols: hidden });
    tensors.push({ kind: 'linearAttention', part: 'gates', layer: i, params: 2 * (hidden * l.headDim + l.headDim * hd) + hidden * l.numHeads, cols: hidden });
    tensors.push({ kind: 'linearAttention', part: 'o', layer: i, params: hd * hidden, cols: hd });
    tensors.push({ kind: 'norm', part: 'conv_state_params', layer: i, params: 3 * hd * l.convKernel + l.numHeads + hd + l.headDim, cols: 0 });
  }
}

/** Parameters of the multi-token-prediction layers the checkpoint ships (embeddings and lm_head shared with the model). */
function mtpParams(arch: Architecture, cfg: Cfg): number {
  const n = num(cfg, 'num_nextn_predict_layers', 'mtp_num_hidden_layers') ?? (cfg.use_mtp === true ? num(cfg, 'num_mtp_modules') ?? 0 : 0);
  if (!n) return 0;
  // One MTP module = a decoder layer like the model's last one + eh_proj (2 x hidden -> hidden) + enorm, hnorm, final norm.
  const last = arch.layerSpecs[arch.layers - 1].index;
  let layer = 0;
  for (const t of arch.tensors) if (t.layer === last) layer += t.params;
  return n * (layer + 2 * arch.hidden * arch.hidden + 3 * arch.hidden);
}

/** DeepSeek-V4: its own tensor list and compressed-attention layers (deepseek-v4.ts). */
function deepseekV4Architecture(cfg: Cfg, meta: Parameters<typeof architectureFromConfig>[1], hidden: number): Architecture {
  const layers = need(cfg, 'layer count', 'num_hidden_layers');
  const b = deepseekV4(cfg, layers);
  const arch: Architecture = {
    id: meta.id,
    name: meta.name,
    modelType: 'deepseek_v4',
    hidden,
    layers,
    heads: need(cfg, 'attention head count', 'num_attention_heads'),
    kvHeads: 1,
    headDim: b.compressed.headDim,
    vHeadDim: b.compressed.headDim,
    vocab: need(cfg, 'vocabulary size', 'vocab_size'),
    tiedEmbeddings: false,
    maxPosition: num(cfg, 'max_position_embeddings') ?? 4096,
    intermediate: 0,
    dtype: dtypeOf(cfg),
    moe: b.moe,
    compressed: { window: b.compressed.window, headDim: b.compressed.headDim, indexer: { heads: num(cfg, 'index_n_heads') ?? 0, headDim: b.compressed.indexerHeadDim } },
    layerSpecs: b.layerSpecs,
    tensors: b.tensors,
    extraParams: meta.extraParams ?? 0,
    mtpParams: b.mtpParams,
    rotaryDim: num(cfg, 'qk_rope_head_dim') ?? 64,
    nativeQuant: nativeQuantOf(cfg),
    publishedTotalParams: meta.publishedTotalParams,
    publishedActiveParams: meta.publishedActiveParams,
    ropeScaling: cfg.rope_scaling && typeof cfg.rope_scaling === 'object' ? String((cfg.rope_scaling as Cfg).rope_type ?? (cfg.rope_scaling as Cfg).type ?? 'scaled') : undefined,
  };
  const ckpt = applyCheckpointQuant(arch, cfg, meta.hfQuantConfig);
  if (ckpt) arch.nativeQuant = ckpt;
  else if (cfg.expert_dtype === 'fp4' && arch.nativeQuant === 'fp8') {
    // The official checkpoint stores routed experts as FP4 (packed pairs + one e8m0 scale per 32) and the other
    // linear layers as block FP8 (one fp32 scale per 128 x 128 block); embeddings, norms and routers stay BF16.
    for (const t of arch.tensors) {
      if (t.kind === 'routedExperts') t.ckptBits = 4 + 8 / 32;
      else if (t.kind === 'attention' || t.kind === 'sharedExperts') t.ckptBits = 8 + 32 / (128 * 128);
    }
  }
  return arch;
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

/**
 * The encoder shapes from a Qwen-style vision_config (Qwen2.5-VL / Qwen3-VL / Qwen3.5): patch = in_channels x
 * temporal_patch_size x patch_size^2 values, spatial_merge_size^2 patches per token, out_hidden_size per token times
 * (1 + DeepStack mergers) (vLLM Qwen3_VisionTransformer: out_hidden_size * (1 + len(deepstack_visual_indexes))).
 */
export function visionEncoder(vc: Cfg, tokensPerItem: number): VisionEncoder {
  const n = (k: string, d?: number): number => {
    const v = vc[k];
    if (typeof v === 'number') return v;
    if (d !== undefined) return d;
    throw new RangeError(`vision_config has no ${k}`);
  };
  const merge = n('spatial_merge_size', 2);
  const deep = Array.isArray(vc.deepstack_visual_indexes) ? vc.deepstack_visual_indexes.length : 0;
  return {
    hidden: n('hidden_size'),
    intermediate: n('intermediate_size'),
    mergeUnit: merge * merge,
    outHidden: n('out_hidden_size'),
    outputs: 1 + deep,
    patchInput: n('in_channels', 3) * n('temporal_patch_size', 2) * n('patch_size') ** 2,
    tokensPerItem,
  };
}

/** The model carries a vision / audio tower (catalog extraParams, encoder shapes, or tensors the checkpoint stores). */
export function hasVisionTower(a: Architecture): boolean {
  return a.extraParams > 0 || a.encoder !== undefined || a.tensors.some((t) => t.kind === 'vision') || (a.stored?.tensors.some((t) => t.kind === 'vision') ?? false);
}
