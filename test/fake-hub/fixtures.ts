// Checkpoint fixtures for the Hub stand-in: safetensors and GGUF *headers* built from a real config.json, with the
// tensor data left virtual (served as zeros). Written from the formats' specs, independently of src/: the tests
// compare what Headroom reports against the byte sums these builders compute.
//   safetensors: 8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}}, data.
//   GGUF v3: "GGUF", u32 version, u64 tensor count, u64 kv count, key/values, tensor infos, padding to 32, data.

type Cfg = Record<string, unknown>;

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

/** Bytes per element of safetensors dtypes. */
export const ST_BYTES: Record<string, number> = { F64: 8, F32: 4, BF16: 2, F16: 2, F8_E4M3: 1, F8_E5M2: 1, F8_E8M0: 1, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1 };

const num = (c: Cfg, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number') return c[k] as number;
  return undefined;
};

function flatten(raw: Cfg): Cfg {
  const t = (raw.text_config ?? raw.llm_config) as Cfg | undefined;
  return t && typeof t === 'object' ? { ...raw, ...t } : raw;
}

/**
 * Hugging Face tensor names and shapes for a decoder described by `config`: embeddings, lm_head (unless tied),
 * per layer attention (MHA/GQA or MLA), a dense MLP or routed + shared experts, norms. `dtype` for matrices and
 * vectors alike; `quant` replaces linear weights inside layers by AWQ-packed tensors (qweight, qzeros, scales).
 */
export function hfTensors(config: Cfg, opts: { dtype?: string; quant?: 'awq' | 'fp8-block'; vision?: number; mtpLayers?: number } = {}): TensorSpec[] {
  const c = flatten(config);
  const dt = opts.dtype ?? 'BF16';
  const H = num(c, 'hidden_size', 'd_model')!;
  const L = num(c, 'num_hidden_layers', 'num_layers')!;
  const heads = num(c, 'num_attention_heads')!;
  const kvh = num(c, 'num_key_value_heads') ?? heads;
  const hd = num(c, 'head_dim') ?? Math.floor(H / heads);
  const V = num(c, 'vocab_size', 'padded_vocab_size')!;
  const I = num(c, 'intermediate_size') ?? 4 * H;
  const E = num(c, 'n_routed_experts', 'num_local_experts', 'num_experts') ?? 0;
  const EI = num(c, 'moe_intermediate_size') ?? I;
  const shared = (num(c, 'n_shared_experts') ?? 0) * EI || (num(c, 'shared_expert_intermediate_size') ?? 0);
  const firstDense = num(c, 'first_k_dense_replace') ?? 0;
  const kvLora = num(c, 'kv_lora_rank');
  const out: TensorSpec[] = [];
  const linear = (name: string, outF: number, inF: number) => {
    if (opts.quant === 'awq') {
      const g = 128;
      out.push({ name: `${name}.qweight`, dtype: 'I32', shape: [inF, outF / 8] });
      out.push({ name: `${name}.qzeros`, dtype: 'I32', shape: [Math.ceil(inF / g), outF / 8] });
      out.push({ name: `${name}.scales`, dtype: 'F16', shape: [Math.ceil(inF / g), outF] });
    } else if (opts.quant === 'fp8-block') {
      out.push({ name: `${name}.weight`, dtype: 'F8_E4M3', shape: [outF, inF] });
      out.push({ name: `${name}.weight_scale_inv`, dtype: 'F32', shape: [Math.ceil(outF / 128), Math.ceil(inF / 128)] });
    } else out.push({ name: `${name}.weight`, dtype: dt, shape: [outF, inF] });
  };
  const vec = (name: string, n: number) => out.push({ name, dtype: dt, shape: [n] });
  out.push({ name: 'model.embed_tokens.weight', dtype: dt, shape: [V, H] });
  const layer = (i: number, p: string) => {
    vec(`${p}.input_layernorm.weight`, H);
    vec(`${p}.post_attention_layernorm.weight`, H);
    if (kvLora) {
      const qr = num(c, 'q_lora_rank');
      const nope = num(c, 'qk_nope_head_dim')!;
      const rope = num(c, 'qk_rope_head_dim')!;
      const vd = num(c, 'v_head_dim')!;
      if (qr) {
        linear(`${p}.self_attn.q_a_proj`, qr, H);
        vec(`${p}.self_attn.q_a_layernorm.weight`, qr);
        linear(`${p}.self_attn.q_b_proj`, heads * (nope + rope), qr);
      } else linear(`${p}.self_attn.q_proj`, heads * (nope + rope), H);
      linear(`${p}.self_attn.kv_a_proj_with_mqa`, kvLora + rope, H);
      vec(`${p}.self_attn.kv_a_layernorm.weight`, kvLora);
      linear(`${p}.self_attn.kv_b_proj`, heads * (nope + vd), kvLora);
      linear(`${p}.self_attn.o_proj`, H, heads * vd);
    } else {
      linear(`${p}.self_attn.q_proj`, heads * hd, H);
      linear(`${p}.self_attn.k_proj`, kvh * hd, H);
      linear(`${p}.self_attn.v_proj`, kvh * hd, H);
      linear(`${p}.self_attn.o_proj`, H, heads * hd);
    }
    if (E > 1 && i >= firstDense) {
      out.push({ name: `${p}.mlp.gate.weight`, dtype: dt, shape: [E, H] });
      if (E > 16 && opts.quant !== 'awq') {
        // Many experts: the fused layout newer checkpoints use (one tensor per projection for all experts).
        const fused = (name: string, o: number, i: number) => {
          if (opts.quant === 'fp8-block') {
            out.push({ name, dtype: 'F8_E4M3', shape: [E, o, i] });
            out.push({ name: `${name}_scale_inv`, dtype: 'F32', shape: [E, Math.ceil(o / 128), Math.ceil(i / 128)] });
          } else out.push({ name, dtype: dt, shape: [E, o, i] });
        };
        fused(`${p}.mlp.experts.gate_up_proj`, 2 * EI, H);
        fused(`${p}.mlp.experts.down_proj`, H, EI);
      } else for (let e = 0; e < E; e++) {
        linear(`${p}.mlp.experts.${e}.gate_proj`, EI, H);
        linear(`${p}.mlp.experts.${e}.up_proj`, EI, H);
        linear(`${p}.mlp.experts.${e}.down_proj`, H, EI);
      }
      if (shared) {
        linear(`${p}.mlp.shared_experts.gate_proj`, shared, H);
        linear(`${p}.mlp.shared_experts.up_proj`, shared, H);
        linear(`${p}.mlp.shared_experts.down_proj`, H, shared);
      }
    } else {
      linear(`${p}.mlp.gate_proj`, I, H);
      linear(`${p}.mlp.up_proj`, I, H);
      linear(`${p}.mlp.down_proj`, H, I);
    }
  };
  for (let i = 0; i < L; i++) layer(i, `model.layers.${i}`);
  // MTP / next-token layers are stored after the decoder layers (DeepSeek-V3 keeps layer 61 of 61).
  for (let m = 0; m < (opts.mtpLayers ?? 0); m++) {
    layer(L + m, `model.layers.${L + m}`);
    linear(`model.layers.${L + m}.eh_proj`, H, 2 * H);
  }
  vec('model.norm.weight', H);
  if (c.tie_word_embeddings !== true) out.push({ name: 'lm_head.weight', dtype: dt, shape: [V, H] });
  if (opts.vision) {
    // A small vision tower: patch embedding + blocks of a ViT.
    const vh = 1024;
    out.push({ name: 'model.visual.patch_embed.proj.weight', dtype: dt, shape: [vh, 3 * 14 * 14 * 2] });
    for (let b = 0; b < opts.vision; b++) {
      out.push({ name: `model.visual.blocks.${b}.attn.qkv.weight`, dtype: dt, shape: [3 * vh, vh] });
      out.push({ name: `model.visual.blocks.${b}.mlp.fc1.weight`, dtype: dt, shape: [4 * vh, vh] });
      out.push({ name: `model.visual.blocks.${b}.mlp.fc2.weight`, dtype: dt, shape: [vh, 4 * vh] });
    }
  }
  return out;
}

export const tensorBytes = (t: TensorSpec) => t.shape.reduce((a, b) => a * b, 1) * ST_BYTES[t.dtype];

/** A safetensors file: its header bytes and the total size (header + data, the data served as zeros). */
export function safetensorsFile(tensors: TensorSpec[]): { header: Buffer; size: number } {
  for (const t of tensors) if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`fixture tensor ${t.name} has shape ${JSON.stringify(t.shape)}`);
  const h: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const t of tensors) {
    const n = tensorBytes(t);
    h[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + n] };
    off += n;
  }
  let json = JSON.stringify(h);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  const header = Buffer.concat([len, body]);
  return { header, size: header.length + off };
}

/** Split tensors into `n` shards with an index, the way transformers' save_pretrained names them. */
export function shardedSafetensors(tensors: TensorSpec[], n: number): { files: Record<string, { header: Buffer; size: number }>; index: unknown } {
  const per = Math.ceil(tensors.length / n);
  const files: Record<string, { header: Buffer; size: number }> = {};
  const weightMap: Record<string, string> = {};
  let total = 0;
  for (let s = 0; s < n; s++) {
    const part = tensors.slice(s * per, (s + 1) * per);
    const name = `model-${String(s + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;
    files[name] = safetensorsFile(part);
    for (const t of part) {
      weightMap[t.name] = name;
      total += tensorBytes(t);
    }
  }
  return { files, index: { metadata: { total_size: total }, weight_map: weightMap } };
}

// ---------------------------------------------------------------- GGUF

/** ggml type ids and block layout (ggml.h enum ggml_type; bytes per block from ggml-common.h). */
export const GGML: Record<string, { id: number; block: number; bytes: number }> = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 18 },
  Q8_0: { id: 8, block: 32, bytes: 34 },
  Q4_K: { id: 12, block: 256, bytes: 144 },
  Q5_K: { id: 13, block: 256, bytes: 176 },
  Q6_K: { id: 14, block: 256, bytes: 210 },
  BF16: { id: 30, block: 1, bytes: 2 },
};

export interface GgufTensor {
  name: string;
  type: keyof typeof GGML;
  /** ggml order: ne[0] is the row length (the input width). */
  dims: number[];
}

export const ggufTensorBytes = (t: GgufTensor) => (t.dims.reduce((a, b) => a * b, 1) / GGML[t.type].block) * GGML[t.type].bytes;

type KvValue = { u32: number } | { i32: number } | { f32: number } | { str: string } | { bool: boolean } | { strs: string[] } | { u64: number };

function ggufString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b]);
}

function ggufValue(v: KvValue): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  if ('u32' in v) return Buffer.concat([u32(4), u32(v.u32)]);
  if ('i32' in v) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v.i32);
    return Buffer.concat([u32(5), b]);
  }
  if ('f32' in v) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v.f32);
    return Buffer.concat([u32(6), b]);
  }
  if ('bool' in v) return Buffer.concat([u32(7), Buffer.from([v.bool ? 1 : 0])]);
  if ('str' in v) return Buffer.concat([u32(8), ggufString(v.str)]);
  if ('u64' in v) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v.u64));
    return Buffer.concat([u32(10), b]);
  }
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(v.strs.length));
  return Buffer.concat([u32(9), u32(8), n, ...v.strs.map(ggufString)]);
}

/** A GGUF v3 file: header (metadata + tensor infos, padded to the alignment) and total size. */
export function ggufFile(kv: Record<string, KvValue>, tensors: GgufTensor[]): { header: Buffer; size: number } {
  const parts: Buffer[] = [Buffer.from('GGUF', 'ascii')];
  const u32 = Buffer.alloc(4);
  u32.writeUInt32LE(3);
  parts.push(u32);
  const counts = Buffer.alloc(16);
  counts.writeBigUInt64LE(BigInt(tensors.length), 0);
  counts.writeBigUInt64LE(BigInt(Object.keys(kv).length), 8);
  parts.push(counts);
  for (const [k, v] of Object.entries(kv)) parts.push(ggufString(k), ggufValue(v));
  let off = 0;
  for (const t of tensors) {
    const info = Buffer.alloc(4 + 8 * t.dims.length + 4 + 8);
    info.writeUInt32LE(t.dims.length, 0);
    t.dims.forEach((d, i) => info.writeBigUInt64LE(BigInt(d), 4 + 8 * i));
    info.writeUInt32LE(GGML[t.type].id, 4 + 8 * t.dims.length);
    info.writeBigUInt64LE(BigInt(off), 8 + 8 * t.dims.length);
    parts.push(ggufString(t.name), info);
    off += Math.ceil(ggufTensorBytes(t) / 32) * 32;
  }
  let header = Buffer.concat(parts);
  header = Buffer.concat([header, Buffer.alloc((32 - (header.length % 32)) % 32)]);
  return { header, size: header.length + off };
}

/**
 * A llama-architecture GGUF (llama.cpp's convert + quantize naming) from a Llama config: Q4_K matrices, Q6_K for
 * attn_v / ffn_down on the layers use_more_bits picks and for output, F32 norms.
 */
export function llamaGguf(config: Cfg, ftype = 15 /* MOSTLY_Q4_K_M */): { header: Buffer; size: number; tensors: GgufTensor[]; kv: Record<string, KvValue> } {
  const H = config.hidden_size as number;
  const L = config.num_hidden_layers as number;
  const heads = config.num_attention_heads as number;
  const kvh = (config.num_key_value_heads as number) ?? heads;
  const hd = (config.head_dim as number) ?? H / heads;
  const I = config.intermediate_size as number;
  const V = config.vocab_size as number;
  const more = (i: number) => i < L / 8 || i >= (7 * L) / 8 || (i - Math.floor(L / 8)) % 3 === 2;
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', type: 'Q4_K', dims: [H, V] }];
  for (let i = 0; i < L; i++) {
    const b = `blk.${i}`;
    tensors.push({ name: `${b}.attn_norm.weight`, type: 'F32', dims: [H] });
    tensors.push({ name: `${b}.attn_q.weight`, type: 'Q4_K', dims: [H, heads * hd] });
    tensors.push({ name: `${b}.attn_k.weight`, type: 'Q4_K', dims: [H, kvh * hd] });
    tensors.push({ name: `${b}.attn_v.weight`, type: more(i) ? 'Q6_K' : 'Q4_K', dims: [H, kvh * hd] });
    tensors.push({ name: `${b}.attn_output.weight`, type: 'Q4_K', dims: [heads * hd, H] });
    tensors.push({ name: `${b}.ffn_norm.weight`, type: 'F32', dims: [H] });
    tensors.push({ name: `${b}.ffn_gate.weight`, type: 'Q4_K', dims: [H, I] });
    tensors.push({ name: `${b}.ffn_up.weight`, type: 'Q4_K', dims: [H, I] });
    tensors.push({ name: `${b}.ffn_down.weight`, type: more(i) ? 'Q6_K' : 'Q4_K', dims: [I, H] });
  }
  tensors.push({ name: 'output_norm.weight', type: 'F32', dims: [H] });
  if (config.tie_word_embeddings !== true) tensors.push({ name: 'output.weight', type: 'Q6_K', dims: [H, V] });
  const kv: Record<string, KvValue> = {
    'general.architecture': { str: 'llama' },
    'general.name': { str: 'Fixture' },
    'general.file_type': { u32: ftype },
    'llama.block_count': { u32: L },
    'llama.context_length': { u32: (config.max_position_embeddings as number) ?? 4096 },
    'llama.embedding_length': { u32: H },
    'llama.feed_forward_length': { u32: I },
    'llama.attention.head_count': { u32: heads },
    'llama.attention.head_count_kv': { u32: kvh },
    'llama.attention.layer_norm_rms_epsilon': { f32: 1e-5 },
    'llama.rope.dimension_count': { u32: hd },
    'llama.vocab_size': { u32: V },
    'tokenizer.ggml.model': { str: 'gpt2' },
  };
  return { ...ggufFile(kv, tensors), tensors, kv };
}

/** llama.cpp's gguf-split layout: every shard a GGUF with split.* keys; the first keeps the model's metadata. */
export function splitGguf(kv: Record<string, KvValue>, tensors: GgufTensor[], n: number): Array<{ header: Buffer; size: number }> {
  const per = Math.ceil(tensors.length / n);
  return Array.from({ length: n }, (_, i) => {
    const split: Record<string, KvValue> = { 'split.no': { u32: i }, 'split.count': { u32: n }, 'split.tensors.count': { i32: tensors.length } };
    return ggufFile(i === 0 ? { ...kv, ...split } : split, tensors.slice(i * per, (i + 1) * per));
  });
}
