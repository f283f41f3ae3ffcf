import { describe, expect, it } from 'vitest';
import { architectureFromConfig } from '../../src/engine/architecture.ts';
import { kvSpec, type KvRules } from '../../src/engine/kv.ts';
import { model } from '../helpers/req.ts';

// One test per KV kind. Every expected value is written out from the model's config.json numbers
// (shared/reference/configs-2026/, also the catalog entry's `config`), never taken from the code under test.
const vllm: KvRules = { modelDtypeBytes: 2, honourSsmDtype: true, kEqVOnce: false };

describe('DeepSeek Sparse Attention: MLA latent + lightning-indexer key', () => {
  // DeepSeek-V3.2 config: 61 layers, kv_lora_rank 512, qk_rope_head_dim 64, index_head_dim 128.
  // Indexer key per token per layer: 128 fp8 + one fp32 scale per 128 = 132 B (vLLM DeepseekV32IndexerCache head_size).
  it('bf16: 61 x ((512 + 64) x 2 + 132)', () => {
    expect(kvSpec(model('deepseek-v3.2'), 2, 1, false).bytesPerTokenModel).toBe(61 * ((512 + 64) * 2 + 132));
  });
  it('fp8 uses the fp8_ds_mla layout: 512 fp8 + 4 x 4 B scales + 64 x 2 B rope = 656 B, plus 132', () => {
    expect(kvSpec(model('deepseek-v3.2'), 1, 1, false).bytesPerTokenModel).toBe(61 * (656 + 132));
  });
  it('the latent and the indexer key are replicated on every TP rank', () => {
    expect(kvSpec(model('deepseek-v3.2'), 1, 8, false).layers[0].bytesPerToken).toBe(656 + 132);
  });
  it('GLM-5 (glm_moe_dsa): 78 layers x (1152 + 132)', () => {
    // GLM-5 config: 78 layers, kv_lora_rank 512, qk_rope_head_dim 64, index_head_dim 128.
    expect(kvSpec(model('glm-5'), 2, 1, false).bytesPerTokenModel).toBe(78 * ((512 + 64) * 2 + 132));
  });
});

describe('Gated DeltaNet (Qwen3.5 / 3.6): fixed state per sequence', () => {
  // Qwen3.5-27B config: 64 layers, full_attention_interval 4 -> 16 full + 48 linear; 4 KV heads x head_dim 256;
  // linear: 16 key heads x 128, 48 value heads x 128, conv kernel 4, mamba_ssm_dtype float32.
  it('16 full layers x 2 x 4 x 256 x 2 B grow with context', () => {
    expect(kvSpec(model('qwen3.5-27b'), 2, 1, false).bytesPerTokenModel).toBe(16 * 2 * 4 * 256 * 2);
  });
  it('vLLM keeps the SSM state in float32 (mamba_ssm_dtype) and the conv state in bf16', () => {
    const perLayer = 48 * 128 * 128 * 4 + (2 * 16 * 128 + 48 * 128) * (4 - 1) * 2;
    expect(kvSpec(model('qwen3.5-27b'), 2, 1, false, vllm).stateBytesModel).toBe(48 * perLayer);
  });
  it('TP2 halves the heads of each linear layer', () => {
    const perLayer = 24 * 128 * 128 * 4 + (2 * 8 * 128 + 24 * 128) * 3 * 2;
    expect(kvSpec(model('qwen3.5-27b'), 2, 2, false, vllm).layers.find((l) => l.kind === 'linear')!.stateBytes).toBe(perLayer);
  });
});

describe('Mamba-2 hybrids (Nemotron-H / Nemotron 3)', () => {
  // Nemotron-3-Nano-30B-A3B config: hybrid_override_pattern with 23 M, 23 E, 6 *; 2 KV heads x head_dim 128;
  // mamba_num_heads 64, mamba_head_dim 64, ssm_state_size 128, n_groups 8, conv_kernel 4, mamba_ssm_cache_dtype float32.
  const nano = () => model('nemotron-3-nano-30b-a3b');
  it('only the 6 attention blocks cache K/V: 6 x 2 x 2 x 128 x 2 B', () => {
    expect(kvSpec(nano(), 2, 1, false).bytesPerTokenModel).toBe(6 * 2 * 2 * 128 * 2);
  });
  it('each Mamba-2 block keeps SSM (64 x 64 x 128 fp32) + conv ((64 x 64 + 2 x 8 x 128) x 3 bf16) per sequence', () => {
    const perLayer = 64 * 64 * 128 * 4 + (64 * 64 + 2 * 8 * 128) * 3 * 2;
    const spec = kvSpec(nano(), 2, 1, false, vllm);
    expect(spec.layers.filter((l) => l.kind === 'linear')).toHaveLength(23);
    expect(spec.stateBytesModel).toBe(23 * perLayer);
  });
  it('MLP / MoE blocks hold nothing', () => {
    const spec = kvSpec(nano(), 2, 1, false);
    expect(spec.layers.filter((l) => l.kind === 'none')).toHaveLength(23);
    expect(spec.layers.filter((l) => l.kind === 'none').every((l) => l.bytesPerToken === 0 && l.stateBytes === 0)).toBe(true);
  });
  it('TP2: 32 heads and 4 groups per rank', () => {
    const perLayer = 32 * 64 * 128 * 4 + (32 * 64 + 2 * 4 * 128) * 3 * 2;
    expect(kvSpec(nano(), 2, 2, false, vllm).layers.find((l) => l.kind === 'linear')!.stateBytes).toBe(perLayer);
  });
});

describe('Kimi Delta Attention (Kimi Linear / K3)', () => {
  // Kimi-K3 text_config (moonshotai/Kimi-K3 config.json): linear_attn_config num_heads 96, head_dim 128,
  // short_conv_kernel_size 4; kda_layers are 69 of the 93 layers, the other 24 are MLA (kv_lora_rank 512, rope 64).
  const full = [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 93];
  const kda = Array.from({ length: 93 }, (_, i) => i + 1).filter((i) => !full.includes(i));
  const k3 = architectureFromConfig(
    {
      model_type: 'kimi_linear',
      hidden_size: 7168,
      num_hidden_layers: 93,
      num_attention_heads: 96,
      num_key_value_heads: 96,
      vocab_size: 163840,
      intermediate_size: 33792,
      first_k_dense_replace: 1,
      kv_lora_rank: 512,
      q_lora_rank: 1536,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      v_head_dim: 128,
      num_experts: 896,
      num_experts_per_token: 16,
      num_shared_experts: 2,
      moe_intermediate_size: 3072,
      routed_expert_hidden_size: 3584,
      linear_attn_config: { full_attn_layers: full, kda_layers: kda, head_dim: 128, num_heads: 96, short_conv_kernel_size: 4 },
    },
    { id: 'k3', name: 'k3' },
  );
  it('69 KDA layers keep a 96 x 128 x 128 state + 3 short-conv states of 96 x 128 x 3', () => {
    const perLayer = 96 * 128 * 128 * 2 + 3 * 96 * 128 * 3 * 2;
    const spec = kvSpec(k3, 2, 1, false);
    expect(spec.layers.filter((l) => l.kind === 'linear')).toHaveLength(69);
    expect(spec.stateBytesModel).toBe(69 * perLayer);
  });
  it('the 24 MLA layers cache (512 + 64) x 2 B per token', () => {
    expect(kvSpec(k3, 2, 1, false).bytesPerTokenModel).toBe(24 * 576 * 2);
  });
});

describe('Gemma 4: different KV heads and head_dim for sliding and global layers', () => {
  // gemma-4-31B text_config: 60 layers, 5 sliding (window 1024) per global; sliding 16 KV heads x head_dim 256,
  // global num_global_key_value_heads 4 x global_head_dim 512, attention_k_eq_v true.
  it('sliding layers: 2 x 16 x 256 x 2 B; global layers: 2 x 4 x 512 x 2 B', () => {
    const spec = kvSpec(model('gemma-4-31b'), 2, 1, false);
    const sliding = spec.layers.filter((l) => l.kind === 'sliding');
    const global = spec.layers.filter((l) => l.kind === 'full');
    expect(sliding).toHaveLength(50);
    expect(global).toHaveLength(10);
    expect(sliding.every((l) => l.bytesPerToken === 2 * 16 * 256 * 2 && l.window === 1024)).toBe(true);
    expect(global.every((l) => l.bytesPerToken === 2 * 4 * 512 * 2)).toBe(true);
    expect(spec.bytesPerTokenFullModel).toBe(10 * 2 * 4 * 512 * 2);
  });
  it('an engine that caches K once for K = V layers stores 4 x 512 x 2 B there', () => {
    const spec = kvSpec(model('gemma-4-31b'), 2, 1, false, { kEqVOnce: true });
    expect(spec.bytesPerTokenFullModel).toBe(10 * 4 * 512 * 2);
  });
  it('TP8 splits 16 sliding KV heads to 2 and replicates the 4 global ones to 1 each', () => {
    const spec = kvSpec(model('gemma-4-31b'), 2, 8, false);
    expect(spec.layers.find((l) => l.kind === 'sliding')!.bytesPerToken).toBe(2 * 2 * 256 * 2);
    expect(spec.layers.find((l) => l.kind === 'full')!.bytesPerToken).toBe(2 * 1 * 512 * 2);
  });
});

describe('MiMo-V2-Flash: per-layer heads and K / V head dims that differ', () => {
  // config: hybrid_layer_pattern 39 x 1 (SWA, window 128) + 9 x 0; SWA 8 KV heads, global 4 KV heads;
  // head_dim 192 (K), v_head_dim 128 (V) for both.
  it('SWA: 8 x (192 + 128) x 2 B over 128 tokens; global: 4 x (192 + 128) x 2 B', () => {
    const spec = kvSpec(model('mimo-v2-flash'), 2, 1, false);
    const swa = spec.layers.filter((l) => l.kind === 'sliding');
    expect(swa).toHaveLength(39);
    expect(swa.every((l) => l.bytesPerToken === 8 * (192 + 128) * 2 && l.window === 128)).toBe(true);
    expect(spec.bytesPerTokenFullModel).toBe(9 * 4 * (192 + 128) * 2);
  });
});

describe('Nemotron NAS (Llama-3.3-Nemotron-Super-49B): attention only where the block has it', () => {
  it('49 of 80 blocks attend with 8 KV heads x 128 (64 heads / n_heads_in_group 8)', () => {
    const spec = kvSpec(model('llama-3.3-nemotron-super-49b'), 2, 1, false);
    expect(spec.layers.filter((l) => l.kind === 'full')).toHaveLength(49);
    expect(spec.bytesPerTokenModel).toBe(49 * 2 * 8 * 128 * 2);
  });
});

describe('DeepSeek-V4 compressed attention', () => {
  // DeepSeek-V4-Flash config: 43 layers, head_dim 512 (one shared K = V vector), sliding_window 128, index_head_dim 128;
  // compress_ratios of the 43 layers: 2 x 0 (window only), 21 x 4 (compressed sparse attention + indexer), 20 x 128.
  it('every layer keeps 128 tokens of one 512-wide vector: 512 x 2 B', () => {
    const spec = kvSpec(model('deepseek-v4-flash'), 2, 1, false);
    const win = spec.layers.filter((l) => l.kind === 'sliding');
    expect(win).toHaveLength(43);
    expect(win.every((l) => l.window === 128 && l.bytesPerToken === 512 * 2)).toBe(true);
  });
  it('ratio-4 layers add (512 x 2 + 132) / 4 B and ratio-128 layers 512 x 2 / 128 B per context token', () => {
    const spec = kvSpec(model('deepseek-v4-flash'), 2, 1, false);
    expect(spec.bytesPerTokenFullModel).toBe(21 * ((512 * 2 + 132) / 4) + 20 * ((512 * 2) / 128));
  });
  it('its tensor shapes give the checkpoint count: 290,942,289,362 logical = 284,332,240,471 + MTP 6,610,048,635 + 256 gate bias', async () => {
    // hebo1221/nano-deepseek-v4 references/DeepSeek-V4-Flash-validation.summary.json (counted from the 46 shards).
    const { parameterCounts } = await import('../../src/engine/architecture.ts');
    expect(parameterCounts(model('deepseek-v4-flash')).total).toBe(284_332_240_471);
    expect(model('deepseek-v4-flash').mtpParams).toBe(6_610_048_635 + 256);
  });
});

describe('Llama 3.2 Vision: cross-attention layers add no per-token KV', () => {
  // Llama-3.2-11B-Vision text_config: 40 layers, cross_attention_layers [3, 8, ..., 38], 8 KV heads x head_dim 128 (4096 / 32).
  it('32 self-attention layers x 2 x 8 x 128 x 2 B; the 8 cross layers cache the image once per request, not per token', () => {
    const m = model('llama-3.2-11b-vision');
    expect(m.layerSpecs.filter((l) => l.crossAttention).map((l) => l.index)).toEqual([3, 8, 13, 18, 23, 28, 33, 38]);
    expect(kvSpec(m, 2, 1, false).bytesPerTokenModel).toBe(32 * 2 * 8 * 128 * 2);
  });
  it('a cross layer holds q/k/v/o of the text shapes, q_norm / k_norm (128 each) and two gates', () => {
    const m = model('llama-3.2-11b-vision');
    const layer3 = m.tensors.filter((t) => t.layer === 3 && (t.kind === 'attention' || t.part === 'qk_norm')).reduce((a, t) => a + t.params, 0);
    expect(layer3).toBe(2 * 4096 * 4096 + 2 * 4096 * 1024 + 2 * 128 + 2);
    // The embedding has 8 image-token rows more than the 128256-token vocabulary (MllamaTextModel: vocab_size + 8).
    expect(m.tensors.find((t) => t.part === 'embd')!.params).toBe((128256 + 8) * 4096);
  });
});

describe('Gemma 4 E4B: KV sharing and per-layer embeddings', () => {
  // gemma-4-E4B config: 42 layers, a global layer every 6th (index 5, 11, ...), num_kv_shared_layers 18, 2 KV heads,
  // head_dim 256 (sliding, window 512) / global_head_dim 512. Layers 24..41 reuse earlier KV: 20 sliding + 4 global keep their own.
  it('only the first 24 layers cache: 4 global x 2 x 2 x 512 x 2 B grow with the context, 20 sliding x 2 x 2 x 256 x 2 B up to the window', () => {
    const spec = kvSpec(model('gemma-4-e4b'), 2, 1, false, vllm);
    expect(spec.bytesPerTokenFullModel).toBe(4 * 2 * 2 * 512 * 2);
    expect(spec.bytesPerTokenModel).toBe(4 * 2 * 2 * 512 * 2 + 20 * 2 * 2 * 256 * 2);
  });
});
