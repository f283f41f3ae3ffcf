// What a checkpoint's files say about its format: the quantization config (config.json `quantization_config`,
// `hf_quant_config.json`) as a catalog quant id, a GGUF file type as one, and a GGUF header's architecture keys
// as the config.json keys architectureFromConfig reads. Pure.

type Cfg = Record<string, unknown>;

export interface QuantInfo {
  /** The quant id the stored bytes are (a catalog id when one matches). */
  id: string;
  /** Catalog id whose engine rules apply when `id` has no catalog entry of its own (Q4_K_S -> q4_k_m). */
  base: string;
  /** One line on what the quantization config says (method, group size, modules left unquantized). */
  detail: string;
}

const obj = (v: unknown): Cfg | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Cfg) : undefined);

/** Modules a quantization config keeps unquantized, from whichever key the method uses. */
function keptModules(q: Cfg): string[] {
  for (const k of ['modules_to_not_convert', 'ignore', 'exclude_modules', 'ignored_layers', 'skip_modules']) {
    const v = q[k];
    if (Array.isArray(v)) return v.map(String);
  }
  return [];
}

function keptText(q: Cfg): string {
  const kept = keptModules(q);
  if (!kept.length) return '';
  const shown = kept.slice(0, 3).join(', ');
  return `; unquantized: ${shown}${kept.length > 3 ? ` and ${kept.length - 3} more` : ''}`;
}

/**
 * The checkpoint's weight format from config.json (its `quantization_config`) and `hf_quant_config.json`
 * (NVIDIA ModelOpt). Undefined when the checkpoint is plain 16/32-bit.
 */
export function quantFromConfigs(config: Cfg, hfQuant?: Cfg): QuantInfo | undefined {
  const text = obj(config.text_config);
  const q = obj(config.quantization_config) ?? obj(text?.quantization_config);
  const mo = obj(hfQuant?.quantization) ?? hfQuant;
  if (mo && typeof mo.quant_algo === 'string') {
    const algo = mo.quant_algo.toUpperCase();
    const kept = Array.isArray(mo.exclude_modules) ? `; unquantized: ${(mo.exclude_modules as unknown[]).slice(0, 3).join(', ')}` : '';
    if (algo.includes('NVFP4')) return { id: 'nvfp4', base: 'nvfp4', detail: `ModelOpt ${algo} (hf_quant_config.json), group ${mo.group_size ?? 16}${kept}` };
    if (algo.includes('FP8')) return { id: 'fp8', base: 'fp8', detail: `ModelOpt ${algo} (hf_quant_config.json)${kept}` };
    if (algo.includes('W4A16') || algo.includes('INT4')) return { id: 'int4', base: 'int4', detail: `ModelOpt ${algo} (hf_quant_config.json)${kept}` };
    if (algo.includes('INT8') || algo.includes('W8A8')) return { id: 'int8', base: 'int8', detail: `ModelOpt ${algo} (hf_quant_config.json)${kept}` };
  }
  if (!q) return undefined;
  const method = String(q.quant_method ?? q.quant_type ?? '').toLowerCase();
  const bits = typeof q.bits === 'number' ? q.bits : typeof q.w_bit === 'number' ? q.w_bit : undefined;
  const group = q.group_size ?? q.q_group_size;
  const kept = keptText(q);
  switch (method) {
    case 'awq':
      return { id: bits === 8 ? 'int8' : 'awq', base: bits === 8 ? 'int8' : 'awq', detail: `AWQ ${bits ?? 4}-bit, group ${group ?? 128}${kept}` };
    case 'gptq':
      return { id: bits === 8 ? 'int8' : 'gptq', base: bits === 8 ? 'int8' : 'gptq', detail: `GPTQ ${bits ?? 4}-bit, group ${group ?? 128}${q.desc_act ? ', act-order' : ''}${kept}` };
    case 'fp8': {
      const block = Array.isArray(q.weight_block_size) ? ` blocks ${(q.weight_block_size as unknown[]).join('×')}` : ' per-tensor';
      return { id: 'fp8', base: 'fp8', detail: `FP8 ${String(q.fmt ?? 'e4m3')}${block}${kept}` };
    }
    case 'mxfp4':
      return { id: 'mxfp4', base: 'mxfp4', detail: `MXFP4${kept}` };
    case 'modelopt': {
      const algo = String(q.quant_algo ?? '').toUpperCase();
      if (algo.includes('NVFP4')) return { id: 'nvfp4', base: 'nvfp4', detail: `ModelOpt ${algo}${kept}` };
      return { id: 'fp8', base: 'fp8', detail: `ModelOpt ${algo || 'FP8'}${kept}` };
    }
    case 'bitsandbytes':
      return q.load_in_8bit ? { id: 'int8', base: 'int8', detail: `bitsandbytes 8-bit${kept}` } : { id: 'nf4', base: 'nf4', detail: `bitsandbytes ${String(q.bnb_4bit_quant_type ?? 'nf4')}${kept}` };
    case 'compressed-tensors': {
      const groups = Object.values(obj(q.config_groups) ?? {}).map(obj).filter(Boolean) as Cfg[];
      const w = obj(groups[0]?.weights) ?? {};
      const nb = Number(w.num_bits ?? 8);
      const type = String(w.type ?? 'int');
      const fmt = String(q.format ?? groups[0]?.format ?? '');
      const gs = w.group_size ? `, group ${w.group_size}` : '';
      const detail = `compressed-tensors ${fmt || type} ${nb}-bit${gs}${kept}`;
      if (/nvfp4/i.test(fmt) || (type === 'float' && nb === 4)) return { id: 'nvfp4', base: 'nvfp4', detail };
      if (type === 'float' && nb === 8) return { id: 'fp8', base: 'fp8', detail };
      if (nb === 4) return { id: 'int4', base: 'int4', detail };
      return { id: 'int8', base: 'int8', detail };
    }
    default:
      return undefined;
  }
}

/** GGUF `general.file_type` names -> catalog ids (and the nearest modelled ftype for the others). */
const FTYPE_ID: Record<string, string> = {
  F32: 'fp32',
  F16: 'fp16',
  BF16: 'bf16',
  Q8_0: 'q8_0',
  Q6_K: 'q6_k',
  Q5_K_M: 'q5_k_m',
  Q4_K_M: 'q4_k_m',
  Q4_0: 'q4_0',
  Q3_K_M: 'q3_k_m',
  Q2_K: 'q2_k',
  IQ4_XS: 'iq4_xs',
  MXFP4_MOE: 'mxfp4',
};

export function quantFromGgufFileType(label: string): QuantInfo {
  const L = label.toUpperCase();
  const id = FTYPE_ID[L];
  if (id) return { id, base: id, detail: `GGUF ${L}` };
  const base = /^Q5/.test(L) ? 'q5_k_m' : /^Q3/.test(L) || /^IQ3/.test(L) ? 'q3_k_m' : /^Q2|^IQ2|^IQ1|^TQ/.test(L) ? 'q2_k' : /^IQ4/.test(L) ? 'iq4_xs' : /^Q8/.test(L) ? 'q8_0' : /^Q6/.test(L) ? 'q6_k' : 'q4_k_m';
  return { id: L.toLowerCase(), base, detail: `GGUF ${L} (engine rules of ${base})` };
}

/** llama.cpp architecture names -> the Hugging Face model_type whose layer rules match. */
const GGUF_ARCH: Record<string, string> = {
  llama: 'llama',
  mistral3: 'mistral',
  qwen2: 'qwen2',
  qwen2moe: 'qwen2_moe',
  qwen3: 'qwen3',
  qwen3moe: 'qwen3_moe',
  gemma: 'gemma',
  gemma2: 'gemma2',
  gemma3: 'gemma3_text',
  phi3: 'phi3',
  deepseek2: 'deepseek_v3',
  'gpt-oss': 'gpt_oss',
  glm4moe: 'glm4_moe',
  glm4: 'glm4',
  'command-r': 'cohere',
  cohere2: 'cohere2',
  starcoder2: 'starcoder2',
  granite: 'granite',
  olmo2: 'olmo2',
  minimax_m2: 'minimax_m2',
};

const n = (v: unknown): number | undefined => {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v) && v.length) {
    const xs = v.map((x) => (typeof x === 'bigint' ? Number(x) : Number(x))).filter((x) => Number.isFinite(x) && x > 0);
    return xs.length ? Math.max(...xs) : undefined;
  }
  return undefined;
};

/**
 * A GGUF header's `<arch>.*` keys as config.json keys, so the same architecture code derives layers and KV.
 * Throws a one-line Error naming what is missing when the header lacks a key the engine needs.
 */
export function configFromGguf(meta: Record<string, unknown>, tensorNames: string[]): Cfg {
  const arch = String(meta['general.architecture'] ?? '');
  if (!arch) throw new Error('the GGUF header has no general.architecture');
  const k = (key: string) => meta[`${arch}.${key}`];
  const modelType = GGUF_ARCH[arch];
  if (!modelType) throw new Error(`GGUF architecture "${arch}" is not one Headroom can lay out yet (known: ${Object.keys(GGUF_ARCH).join(', ')})`);
  const hidden = n(k('embedding_length'));
  const blocks = n(k('block_count'));
  const heads = n(k('attention.head_count'));
  if (!hidden || !blocks || !heads) throw new Error(`the GGUF header lacks ${[!hidden && `${arch}.embedding_length`, !blocks && `${arch}.block_count`, !heads && `${arch}.attention.head_count`].filter(Boolean).join(', ')}`);
  const nextn = n(k('nextn_predict_layers')) ?? 0;
  const tokens = meta['tokenizer.ggml.tokens'];
  const vocab = n(k('vocab_size')) ?? (Array.isArray(tokens) ? tokens.length : undefined);
  const cfg: Cfg = {
    model_type: modelType,
    architectures: [`gguf:${arch}`],
    hidden_size: hidden,
    num_hidden_layers: blocks - nextn,
    num_attention_heads: heads,
    num_key_value_heads: n(k('attention.head_count_kv')) ?? heads,
    intermediate_size: n(k('feed_forward_length')),
    max_position_embeddings: n(k('context_length')),
    vocab_size: vocab,
    rms_norm_eps: n(k('attention.layer_norm_rms_epsilon')),
    tie_word_embeddings: !tensorNames.includes('output.weight'),
    torch_dtype: 'bfloat16',
  };
  const keyLen = n(k('attention.key_length'));
  const valLen = n(k('attention.value_length'));
  const rope = n(k('rope.dimension_count'));
  const kvLora = n(k('attention.kv_lora_rank'));
  if (kvLora) {
    cfg.kv_lora_rank = kvLora;
    cfg.q_lora_rank = n(k('attention.q_lora_rank')) ?? null;
    cfg.qk_rope_head_dim = rope;
    const mlaKey = n(k('attention.key_length_mla')) ?? keyLen;
    if (mlaKey && rope) cfg.qk_nope_head_dim = mlaKey - rope;
    cfg.v_head_dim = n(k('attention.value_length_mla')) ?? valLen;
  } else if (keyLen) cfg.head_dim = keyLen;
  const experts = n(k('expert_count'));
  if (experts && experts > 1) {
    cfg.num_local_experts = experts;
    cfg.num_experts_per_tok = n(k('expert_used_count'));
    const eff = n(k('expert_feed_forward_length'));
    if (eff) cfg.moe_intermediate_size = eff;
    const shexp = n(k('expert_shared_feed_forward_length'));
    if (shexp) cfg.shared_expert_intermediate_size = shexp;
    const nShared = n(k('expert_shared_count'));
    if (nShared) cfg.n_shared_experts = nShared;
    const dense = n(k('leading_dense_block_count'));
    if (dense) cfg.first_k_dense_replace = dense;
    if (modelType === 'llama' && !eff) cfg.model_type = 'mixtral';
  }
  const window = n(k('attention.sliding_window'));
  if (window) cfg.sliding_window = window;
  const scaling = meta[`${arch}.rope.scaling.type`];
  if (typeof scaling === 'string' && scaling !== 'none') cfg.rope_scaling = { rope_type: scaling };
  if (arch === 'llama' && tensorNames.includes('rope_freqs.weight')) cfg.rope_scaling = { rope_type: 'llama3' };
  for (const [key, v] of Object.entries(cfg)) if (v === undefined) delete cfg[key];
  return cfg;
}
