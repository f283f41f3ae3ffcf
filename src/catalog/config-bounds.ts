// Sane bounds for a Hugging Face config.json from outside the catalog (a Discord attachment, `--config`, the
// Hub), checked before the engine sees it. A config with `num_hidden_layers: 100000`, `head_dim: 0` or
// `num_key_value_heads: -8` gets one line naming the field instead of minutes of work or an Infinity.
//
// Bounds are the catalog's largest real value with a wide margin (catalog max in brackets, from
// catalogs/models.yaml): layers 1 024 [126], hidden 131 072 [16 384], heads 1 024 [128], head_dim 4 096 [256],
// vocab 4 194 304 [262 208], intermediate 1 048 576 [53 248], experts 4 096 [512], positions 2^27 [10 485 760].
// Table-driven: a field the engine starts reading is one row here.
import { z } from 'zod';
import { flattenConfig } from '../engine/architecture.ts';

type Row = readonly [keys: readonly string[], min: number, max: number, what: string];

const MAX_LAYERS = 1024;
/** Integer fields: every alias architecture.ts reads, with [min, max]. */
export const CONFIG_INT_BOUNDS: readonly Row[] = [
  [['num_hidden_layers', 'n_layer', 'num_layers'], 1, MAX_LAYERS, 'layers'],
  [['hidden_size', 'n_embd', 'd_model'], 1, 131_072, 'hidden size'],
  [['num_attention_heads', 'n_head'], 1, 1024, 'attention heads'],
  [['num_key_value_heads', 'multi_query_group_num'], 1, 1024, 'KV heads'],
  [['head_dim'], 1, 4096, 'head dimension'],
  [['vocab_size', 'padded_vocab_size'], 1, 4_194_304, 'vocabulary'],
  [['intermediate_size', 'ffn_hidden_size', 'n_inner', 'intermediate_size_mlp', 'moe_intermediate_size'], 1, 1_048_576, 'MLP width'],
  [['shared_expert_intermediate_size'], 0, 1_048_576, 'shared-expert width'],
  [['max_position_embeddings', 'seq_length', 'n_positions', 'sliding_window', 'attention_chunk_size'], 1, 2 ** 27, 'token count'],
  [['n_routed_experts', 'num_local_experts', 'num_experts', 'moe_num_experts'], 0, 4096, 'experts'],
  [['num_experts_per_tok', 'experts_per_token', 'moe_topk'], 0, 4096, 'experts per token'],
  [['n_shared_experts'], 0, 256, 'shared experts'],
  [['first_k_dense_replace', 'max_window_layers'], 0, MAX_LAYERS, 'layer index'],
  [['moe_layer_freq', 'decoder_sparse_step', 'interleave_moe_layer_step', 'full_attention_interval', 'sliding_window_pattern'], 1, MAX_LAYERS, 'layer step'],
  [['kv_lora_rank', 'q_lora_rank'], 0, 65_536, 'MLA rank'],
  [['qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim', 'linear_key_head_dim', 'linear_value_head_dim'], 1, 4096, 'head dimension'],
  [['linear_num_key_heads', 'linear_num_value_heads'], 1, 1024, 'linear-attention heads'],
  [['linear_conv_kernel_dim'], 1, 64, 'convolution kernel'],
];

/** Largest model the bounds let through, in parameters (the largest real ones are ~2 T). */
export const MAX_CONFIG_PARAMS = 100e12;

const intField = (key: string, min: number, max: number) =>
  z
    .number({ error: `${key} must be a number` })
    .refine(Number.isFinite, `${key} must be a finite number`)
    .refine(Number.isInteger, `${key} must be a whole number`)
    .refine((v) => v >= min && v <= max, { error: (iss) => `${key} is ${String(iss.input)}; real models have ${min}–${max.toLocaleString('en-US')}` })
    .nullable()
    .optional();

const indexList = (key: string) =>
  z
    .array(z.unknown(), { error: `${key} must be a list` })
    .max(MAX_LAYERS, `${key} has more than ${MAX_LAYERS} entries`)
    .optional();

const shape: Record<string, z.ZodType> = {};
for (const [keys, min, max] of CONFIG_INT_BOUNDS) for (const k of keys) shape[k] = intField(k, min, max);
shape.partial_rotary_factor = z
  .number({ error: 'partial_rotary_factor must be a number' })
  .refine((v) => v > 0 && v <= 1, 'partial_rotary_factor must be above 0 and at most 1')
  .nullable()
  .optional();
for (const k of ['layer_types', 'mlp_only_layers', 'no_rope_layers']) shape[k] = indexList(k);
// moe_layer_freq is a layer step (DeepSeek, GLM) or one 0/1 flag per layer (MiMo-V2, MiniMax-M3).
shape.moe_layer_freq = z.union([intField('moe_layer_freq', 1, MAX_LAYERS), indexList('moe_layer_freq')], {
  error: 'moe_layer_freq must be a layer step or a list of per-layer flags',
});
shape.model_type = z.string({ error: 'model_type must be a string' }).max(64, 'model_type is longer than 64 characters').optional();

const first = (cfg: Record<string, unknown>, keys: readonly string[]): [string, number] | undefined => {
  for (const k of keys) if (typeof cfg[k] === 'number') return [k, cfg[k] as number];
  return undefined;
};

export const ConfigBoundsSchema = z.looseObject(shape).superRefine((cfg, ctx) => {
  const c = cfg as Record<string, unknown>;
  const heads = first(c, ['num_attention_heads', 'n_head']);
  const kv = first(c, ['num_key_value_heads', 'multi_query_group_num']);
  if (heads && kv && heads[1] % kv[1] !== 0)
    ctx.addIssue({ code: 'custom', path: [kv[0]], message: `${heads[0]} ${heads[1]} is not a multiple of ${kv[0]} ${kv[1]}` });
  const hidden = first(c, ['hidden_size', 'n_embd', 'd_model']);
  if (heads && hidden && c.head_dim == null && c.kv_lora_rank == null && hidden[1] % heads[1] !== 0)
    ctx.addIssue({ code: 'custom', path: ['head_dim'], message: `head_dim is missing and ${hidden[0]}/${heads[0]} = ${hidden[1]}/${heads[1]} is not whole` });
  const experts = first(c, ['n_routed_experts', 'num_local_experts', 'num_experts', 'moe_num_experts']);
  const topK = first(c, ['num_experts_per_tok', 'experts_per_token', 'moe_topk']);
  if (experts && topK && experts[1] > 1 && topK[1] > experts[1])
    ctx.addIssue({ code: 'custom', path: [topK[0]], message: `${topK[0]} ${topK[1]} is more than the ${experts[1]} experts (${experts[0]})` });
  const layers = first(c, ['num_hidden_layers', 'n_layer', 'num_layers']);
  const dense = first(c, ['first_k_dense_replace']);
  if (layers && dense && dense[1] > layers[1])
    ctx.addIssue({ code: 'custom', path: [dense[0]], message: `${dense[0]} ${dense[1]} is more than the ${layers[1]} layers` });
});

export type ConfigCheck = { ok: true; config: Record<string, unknown> } | { ok: false; field: string; message: string };

/** Check a config.json (nested text_config / llm_config merged first, as the engine reads it). One line per failure. */
export function checkConfigBounds(json: unknown): ConfigCheck {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { ok: false, field: 'config', message: 'config.json is not a JSON object' };
  const raw = json as Record<string, unknown>;
  for (const k of ['text_config', 'llm_config', 'language_config']) {
    const inner = raw[k];
    if (inner !== undefined && inner !== null && (typeof inner !== 'object' || Array.isArray(inner)))
      return { ok: false, field: k, message: `config.json ${k} must be an object` };
  }
  const flat = flattenConfig(raw);
  const r = ConfigBoundsSchema.safeParse(flat);
  if (r.success) return { ok: true, config: raw };
  const issue = r.error.issues[0]!;
  const field = String(issue.path[0] ?? 'config');
  const message = issue.message.includes(field) ? issue.message : `${field}: ${issue.message}`;
  return { ok: false, field, message: `config.json ${message}` };
}
