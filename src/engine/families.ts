// Per-family facts a config.json states in its own words: which layers mix tokens how (hybrid patterns), per-layer
// KV heads, and the recurrent / indexer specs of the newer attention kinds. architecture.ts asks these and builds
// the tensor list; kv.ts turns the specs into bytes.
import type { IndexerSpec, LayerSpec, LinearAttentionSpec } from './types.ts';

type Cfg = Record<string, unknown>;

export function num(cfg: Cfg, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = cfg[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Text model types that share another type's decoder (multimodal wrappers, renamed releases). */
export const TYPE_ALIASES: Record<string, string> = {
  qwen2_5_vl: 'qwen2',
  mllama_text_model: 'mllama',
  qwen2_5_vl_text: 'qwen2',
  qwen3_vl_text: 'qwen3',
  qwen3_vl: 'qwen3',
  qwen3_vl_moe_text: 'qwen3_moe',
  qwen3_vl_moe: 'qwen3_moe',
  qwen3_5_text: 'qwen3_5',
  qwen3_5_moe_text: 'qwen3_5_moe',
  gemma4_text: 'gemma4',
  kimi_k25: 'kimi_k2',
  mimo_v2_flash: 'mimo_v2',
  'nemotron-nas': 'nemotron_nas',
  granitemoehybrid: 'granite_hybrid',
};

const dtypeBytes = (v: unknown): number | undefined => {
  const s = String(v ?? '').toLowerCase();
  if (s.includes('float32') || s === 'fp32') return 4;
  if (s.includes('float16')) return 2;
  return undefined;
};

/** Mixer of each layer for hybrid families, from the config's own pattern keys; undefined for other families. */
export function hybridMixers(cfg: Cfg, modelType: string, layers: number): Array<{ attention: LayerSpec['attention']; ffn: LayerSpec['ffn'] }> | undefined {
  // Nemotron-H / Nemotron-3: one block per layer, M = Mamba-2, * = attention, - = MLP, E = MoE.
  if (modelType === 'nemotron_h') {
    let kinds: string[] | undefined;
    if (typeof cfg.hybrid_override_pattern === 'string') {
      kinds = [...cfg.hybrid_override_pattern].map((c) => ({ M: 'mamba', '*': 'attention', '-': 'mlp', E: 'moe' })[c] ?? '?');
    } else if (Array.isArray(cfg.layers_block_type)) kinds = (cfg.layers_block_type as unknown[]).map(String);
    if (!kinds || kinds.length !== layers) return undefined;
    return kinds.map((k) => ({
      attention: k === 'mamba' ? 'linear' : k === 'attention' ? 'full' : 'none',
      ffn: k === 'mlp' ? 'dense' : k === 'moe' ? 'moe' : 'none',
    }));
  }
  // Granite 4 hybrids: layer_types mamba / attention, every layer also has its MLP (MoE or shared).
  if (modelType === 'granite_hybrid' && Array.isArray(cfg.layer_types) && cfg.layer_types.length === layers) {
    const moe = (num(cfg, 'num_local_experts') ?? 0) > 0;
    return (cfg.layer_types as unknown[]).map((t) => ({ attention: String(t) === 'mamba' ? 'linear' : 'full', ffn: moe ? 'moe' : 'dense' }));
  }
  // Kimi Linear / K3: linear_attn_config lists the 1-based KDA and full (MLA) layers.
  if (modelType === 'kimi_linear') {
    const lin = cfg.linear_attn_config as Cfg | undefined;
    const kda = Array.isArray(lin?.kda_layers) ? (lin!.kda_layers as number[]) : [];
    const firstDense = num(cfg, 'first_k_dense_replace') ?? 0;
    return Array.from({ length: layers }, (_, i) => ({ attention: kda.includes(i + 1) ? 'linear' : 'mla', ffn: i >= firstDense ? 'moe' : 'dense' }));
  }
  return undefined;
}

/** The recurrent-state spec of a family's linear layers. */
export function linearSpec(cfg: Cfg, modelType: string): LinearAttentionSpec | undefined {
  if (modelType === 'qwen3_next' || modelType === 'qwen3_5' || modelType === 'qwen3_5_moe') {
    const v = (k: string) => num(cfg, k);
    const nk = v('linear_num_key_heads');
    const dk = v('linear_key_head_dim');
    const nv = v('linear_num_value_heads');
    const dv = v('linear_value_head_dim');
    if (!nk || !dk || !nv || !dv) return undefined;
    return { kind: 'gated_deltanet', numKeyHeads: nk, keyHeadDim: dk, numValueHeads: nv, valueHeadDim: dv, convKernel: v('linear_conv_kernel_dim') ?? 4, ssmStateBytes: dtypeBytes(cfg.mamba_ssm_dtype) };
  }
  if (modelType === 'nemotron_h' || modelType === 'granite_hybrid') {
    const heads = num(cfg, 'mamba_num_heads', 'mamba_n_heads');
    const headDim = num(cfg, 'mamba_head_dim', 'mamba_d_head');
    const state = num(cfg, 'ssm_state_size', 'mamba_d_state');
    if (!heads || !headDim || !state) return undefined;
    return {
      kind: 'mamba2',
      numHeads: heads,
      headDim,
      stateSize: state,
      nGroups: num(cfg, 'n_groups', 'mamba_n_groups') ?? 1,
      convKernel: num(cfg, 'conv_kernel', 'mamba_d_conv') ?? 4,
      ssmStateBytes: dtypeBytes(cfg.mamba_ssm_cache_dtype),
    };
  }
  if (modelType === 'kimi_linear') {
    const lin = (cfg.linear_attn_config ?? {}) as Cfg;
    const heads = num(lin, 'num_heads');
    const headDim = num(lin, 'head_dim');
    if (!heads || !headDim) return undefined;
    return { kind: 'kda', numHeads: heads, headDim, convKernel: num(lin, 'short_conv_kernel_size') ?? 4 };
  }
  return undefined;
}

/** DeepSeek Sparse Attention indexer (DeepSeek-V3.2 `deepseek_v32`, GLM-5 `glm_moe_dsa`). */
export function indexerSpec(cfg: Cfg, modelType: string): IndexerSpec | undefined {
  if (modelType !== 'deepseek_v32' && modelType !== 'glm_moe_dsa') return undefined;
  const heads = num(cfg, 'index_n_heads');
  const headDim = num(cfg, 'index_head_dim');
  return heads && headDim ? { heads, headDim } : undefined;
}

/** Per-layer attention shape where a family varies it; returns the overrides for layer i (attention kind already known). */
export function layerAttentionShape(cfg: Cfg, modelType: string, i: number, kind: LayerSpec['attention']): Partial<LayerSpec> {
  if (modelType === 'gemma4' && kind === 'full') {
    const out: Partial<LayerSpec> = {};
    const g = num(cfg, 'num_global_key_value_heads');
    const gd = num(cfg, 'global_head_dim');
    if (g) out.kvHeads = g;
    if (gd) out.headDim = gd;
    if (cfg.attention_k_eq_v === true) out.kEqV = true;
    return out;
  }
  if (modelType === 'mimo_v2') {
    const sliding = kind === 'sliding';
    const kv = num(cfg, sliding ? 'swa_num_key_value_heads' : 'num_key_value_heads');
    const hd = num(cfg, sliding ? 'swa_head_dim' : 'head_dim');
    const vd = num(cfg, sliding ? 'swa_v_head_dim' : 'v_head_dim');
    return { ...(kv ? { kvHeads: kv } : {}), ...(hd ? { headDim: hd } : {}), ...(vd ? { vHeadDim: vd } : {}) };
  }
  if (modelType === 'nemotron_nas') {
    const b = nasBlock(cfg, i);
    const heads = num(cfg, 'num_attention_heads') ?? 0;
    const group = num((b?.attention ?? {}) as Cfg, 'n_heads_in_group');
    if (group) return { kvHeads: heads / group };
  }
  return {};
}

/**
 * Rotary dims summed over the distinct RoPEs of a model whose layer types use different ones, as vLLM builds them
 * (gemma3.py: rope_local_base_freq for sliding layers; gemma4.py: per-layer-type rope_parameters, the full layers'
 * 'proportional' RoPE rotating all global_head_dim dims with zero frequencies past partial_rotary_factor). Undefined
 * when the model has one RoPE.
 */
export function ropeCacheDims(cfg: Cfg, modelType: string, headDim: number, kinds: string[]): number | undefined {
  const both = kinds.includes('sliding') && kinds.includes('full');
  if (!both) return undefined;
  if (modelType === 'gemma4') return headDim + (num(cfg, 'global_head_dim') ?? headDim);
  if ((modelType === 'gemma3_text' || modelType === 'gemma3') && num(cfg, 'rope_local_base_freq') !== undefined) return 2 * headDim;
  return undefined;
}

/** Gemma 3n / 4 small models: the last num_kv_shared_layers reuse earlier layers' KV. */
export function kvSharedLayer(cfg: Cfg, i: number, layers: number): boolean {
  const shared = num(cfg, 'num_kv_shared_layers') ?? 0;
  return shared > 0 && i >= layers - shared;
}

interface NasBlock {
  attention?: { no_op?: boolean; replace_with_linear?: boolean; n_heads_in_group?: number | null };
  ffn?: { no_op?: boolean; replace_with_linear?: boolean; ffn_mult?: number | null };
}

export function nasBlock(cfg: Cfg, i: number): NasBlock | undefined {
  return Array.isArray(cfg.block_configs) ? (cfg.block_configs[i] as NasBlock) : undefined;
}

/** DeciLM / Nemotron-NAS FFN width: int(2 * ffn_mult * hidden / 3) rounded up to a multiple of 256 (transformers' _ffn_mult_to_intermediate_size). */
export function nasIntermediate(ffnMult: number, hidden: number): number {
  const base = Math.trunc((2 * ffnMult * hidden) / 3);
  return Math.ceil(base / 256) * 256;
}

/** Layer kinds of MiMo-V2 (hybrid_layer_pattern: 1 = sliding) and DeepSeek-V4 (compress_ratios). */
export function patternKinds(cfg: Cfg, modelType: string, layers: number): LayerSpec['attention'][] | undefined {
  if (modelType === 'mimo_v2' && Array.isArray(cfg.hybrid_layer_pattern) && cfg.hybrid_layer_pattern.length === layers) {
    return (cfg.hybrid_layer_pattern as number[]).map((p) => (p === 1 ? 'sliding' : 'full'));
  }
  if (modelType === 'nemotron_nas' && Array.isArray(cfg.block_configs)) {
    return Array.from({ length: layers }, (_, i) => {
      const a = nasBlock(cfg, i)?.attention;
      return a?.no_op || a?.replace_with_linear ? 'none' : 'full';
    });
  }
  return undefined;
}
