// DeepSeek-V4 (model_type deepseek_v4): hyper-connections (hc_mult residual streams), one shared 512-wide KV head per
// layer with a low-rank grouped output projection, and per-layer compressed attention (compress_ratios: 0 = sliding
// window only, 4 = compressed sparse attention with an indexer, 128 = heavily compressed attention). Tensor shapes follow
// the official checkpoint as enumerated by hebo1221/nano-deepseek-v4 nano_deepseek_v4/checkpoint.py
// (_add_block_shapes / _add_compressor_shapes / _hc_shapes), which its validation summary checked against the 46 shards
// of deepseek-ai/DeepSeek-V4-Flash (0 missing keys, 0 shape mismatches).
import type { LayerSpec, MoeSpec, TensorGroup } from './types.ts';

type Cfg = Record<string, unknown>;
const n = (cfg: Cfg, k: string): number => {
  const v = cfg[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`config.json has no usable ${k} for DeepSeek-V4`);
  return v;
};

export interface V4Build {
  layerSpecs: LayerSpec[];
  tensors: TensorGroup[];
  moe: MoeSpec;
  compressed: { window: number; headDim: number; indexerHeadDim: number };
  mtpParams: number;
}

export function deepseekV4(cfg: Cfg, layers: number): V4Build {
  const h = n(cfg, 'hidden_size');
  const heads = n(cfg, 'num_attention_heads');
  const hd = n(cfg, 'head_dim');
  const qLora = n(cfg, 'q_lora_rank');
  const oGroups = n(cfg, 'o_groups');
  const oLora = n(cfg, 'o_lora_rank');
  const hc = n(cfg, 'hc_mult');
  const E = n(cfg, 'n_routed_experts');
  const I = n(cfg, 'moe_intermediate_size');
  const vocab = n(cfg, 'vocab_size');
  const ih = n(cfg, 'index_n_heads');
  const ihd = n(cfg, 'index_head_dim');
  const window = n(cfg, 'sliding_window');
  const hashLayers = typeof cfg.num_hash_layers === 'number' ? cfg.num_hash_layers : 0;
  const ratios = Array.isArray(cfg.compress_ratios) ? (cfg.compress_ratios as number[]) : [];
  const width = heads * hd;
  const mix = (2 + hc) * hc;
  const tensors: TensorGroup[] = [
    { kind: 'embedding', part: 'embd', params: vocab * h, cols: h },
    { kind: 'lmHead', part: 'output', params: vocab * h, cols: h },
    { kind: 'norm', part: 'final_norm', params: h + hc * hc * h + hc + 1, cols: 0 }, // norm + hc_head
  ];
  const block = (i: number | undefined, ratio: number, hash: boolean): TensorGroup[] => {
    const L = i;
    const out: TensorGroup[] = [
      { kind: 'norm', part: 'hc', layer: L, params: 2 * (mix * hc * h + mix + 3) + 2 * h + heads + qLora + hd, cols: 0 },
      { kind: 'attention', part: 'q_a', layer: L, params: qLora * h, cols: h },
      { kind: 'attention', part: 'q_b', layer: L, params: width * qLora, cols: qLora },
      { kind: 'attention', part: 'kv', layer: L, params: hd * h, cols: h },
      { kind: 'attention', part: 'o_a', layer: L, params: oGroups * oLora * (width / oGroups), cols: width / oGroups },
      { kind: 'attention', part: 'o_b', layer: L, params: h * oGroups * oLora, cols: oGroups * oLora },
    ];
    if (ratio === 4) {
      out.push({ kind: 'attention', part: 'compressor', layer: L, params: 2 * (2 * hd * h) + 2 * (2 * ihd * h) + ih * ihd * qLora, cols: h });
      out.push({ kind: 'norm', part: 'compressor_ape', layer: L, params: ratio * 2 * hd + hd + ratio * 2 * ihd + ihd, cols: 0 });
      out.push({ kind: 'router', part: 'idx_weights_proj', layer: L, params: ih * h, cols: h });
    } else if (ratio > 0) {
      out.push({ kind: 'attention', part: 'compressor', layer: L, params: 2 * hd * h, cols: h });
      out.push({ kind: 'norm', part: 'compressor_ape', layer: L, params: ratio * hd + hd, cols: 0 });
    }
    out.push({ kind: 'router', part: 'router', layer: L, params: E * h + (hash ? 0 : E), cols: h });
    out.push({ kind: 'routedExperts', part: 'exps_gate_up', layer: L, params: E * 2 * I * h, cols: h });
    out.push({ kind: 'routedExperts', part: 'exps_down', layer: L, params: E * I * h, cols: I });
    out.push({ kind: 'sharedExperts', part: 'shexp_gate_up', layer: L, params: 2 * I * h, cols: h });
    out.push({ kind: 'sharedExperts', part: 'shexp_down', layer: L, params: I * h, cols: I });
    return out;
  };
  const layerSpecs: LayerSpec[] = [];
  for (let i = 0; i < layers; i++) {
    const r = ratios[i] ?? 0;
    tensors.push(...block(i, r, i < hashLayers));
    layerSpecs.push({ index: i, attention: 'sliding', window, ffn: 'moe', kvHeads: 1, headDim: hd, kEqV: true, compressRatio: r });
  }
  // MTP modules: e_proj, h_proj, 3 norms, hc_head and one sliding-window block (not loaded without speculative decoding).
  const nMtp = typeof cfg.num_nextn_predict_layers === 'number' ? cfg.num_nextn_predict_layers : 0;
  let mtpParams = 0;
  for (let m = 0; m < nMtp; m++) {
    mtpParams += 2 * h * h + 3 * h + hc * hc * h + hc + 1;
    for (const t of block(undefined, 0, false)) mtpParams += t.params;
  }
  const topK = n(cfg, 'num_experts_per_tok');
  const nShared = typeof cfg.n_shared_experts === 'number' ? cfg.n_shared_experts : 1;
  return { layerSpecs, tensors, moe: { experts: E, topK, expertIntermediate: I, sharedIntermediate: nShared * I }, compressed: { window, headDim: hd, indexerHeadDim: ihd }, mtpParams };
}
