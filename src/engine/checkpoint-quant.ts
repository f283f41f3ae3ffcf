// What an official quantized release really stores, module by module: its quantization_config (compressed-tensors
// ignore lists, fp8 modules_to_not_convert) or ModelOpt hf_quant_config.json (exclude_modules, or per-module
// quantized_layers of a MIXED_PRECISION recipe). Each tensor group gets the bits of its module's format
// (TensorGroup.ckptBits); weights.ts uses them when the model is sized in its native format.
import type { Architecture, TensorGroup } from './types.ts';

type Cfg = Record<string, unknown>;

/** Bits per weight of a module format, scales included. */
function algoBits(algo: string, group?: number): number | undefined {
  const a = algo.toUpperCase();
  if (a.includes('NVFP4')) return 4 + 8 / 16; // fp4 values + one fp8 scale per 16
  if (a.includes('MXFP4')) return 4 + 8 / 32; // fp4 values + one e8m0 scale per 32
  if (a.includes('FP8')) return 8;
  if (a.includes('INT4') || a.includes('W4A16') || a === 'AWQ') return 4 + 16 / (group ?? 128);
  if (a.includes('INT8') || a.includes('W8A8')) return 8;
  return undefined;
}

/** HF module names (without the model prefix) a tensor group stands for. */
function moduleNames(t: TensorGroup, arch: Architecture): string[] {
  if (t.kind === 'lmHead') return ['lm_head'];
  if (t.kind === 'embedding') return ['embed_tokens'];
  // Routers (mlp.gate) are custom modules or on every ignore list; norms and the vision tower are not named here.
  if (t.layer === undefined || t.kind === 'norm' || t.kind === 'vision' || t.kind === 'router') return [];
  const L = `layers.${t.layer}.`;
  const nemotron = arch.modelType === 'nemotron_h';
  const attn = nemotron ? 'mixer' : 'self_attn';
  const mlp = nemotron ? 'mixer' : 'mlp';
  // Gemma 4 keeps its experts beside the dense MLP: layers.N.experts / layers.N.router.
  const exps = arch.modelType === 'gemma4' ? 'experts' : `${mlp}.experts`;
  const by: Record<string, string[]> = {
    q: [`${attn}.q_proj`],
    k: [`${attn}.k_proj`],
    v: [`${attn}.v_proj`],
    o: t.kind === 'linearAttention' ? ['linear_attn.out_proj', 'self_attn.o_proj'] : [`${attn}.o_proj`],
    q_a: ['self_attn.q_a_proj'],
    q_b: ['self_attn.q_b_proj'],
    kv_a: ['self_attn.kv_a_proj_with_mqa'],
    kv_b: ['self_attn.kv_b_proj'],
    idx_wq_b: ['self_attn.indexer.wq_b'],
    idx_wk: ['self_attn.indexer.wk'],
    idx_weights_proj: ['self_attn.indexer.weights_proj'],
    qkvz: ['linear_attn.in_proj_qkv', 'linear_attn.in_proj_z', 'linear_attn.in_proj_qkvz'],
    ba: ['linear_attn.in_proj_b', 'linear_attn.in_proj_a', 'linear_attn.in_proj_ba'],
    in_proj: ['mixer.in_proj'],
    out_proj: ['mixer.out_proj'],
    gate_up: [`${mlp}.gate_proj`, `${mlp}.up_proj`],
    down: [`${mlp}.down_proj`],
    exps_gate_up: [exps, `${exps}.0.gate_proj`, `${exps}.0.up_proj`, `${exps}.gate_up_proj`],
    exps_down: [exps, `${exps}.0.down_proj`, `${exps}.down_proj`],
    shexp_gate_up: [`${mlp}.shared_expert.gate_proj`, `${mlp}.shared_experts.gate_proj`, `${mlp}.shared_experts.up_proj`],
    shexp_down: [`${mlp}.shared_expert.down_proj`, `${mlp}.shared_experts.down_proj`],
    router: [`${mlp}.gate`],
    shexp_gate: [`${mlp}.shared_expert_gate`],
  };
  return (by[t.part] ?? []).map((n) => L + n);
}

const PREFIXES = ['', 'model.', 'model.language_model.', 'language_model.model.', 'language_model.', 'backbone.'];

function wildcard(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** Module-name patterns (exact names, fnmatch wildcards, "re:" regexes), compiled once; exact names go in a set. */
class Patterns<T> {
  private readonly exact = new Map<string, T>();
  /** "literal*" patterns, stripped of the model prefix and bucketed by layer number (the common ModelOpt form). */
  private readonly starts = new Map<string, Array<[string, T]>>();
  private readonly res: Array<[RegExp, T]> = [];
  constructor(entries: Array<[string, T]>) {
    const bucket = (n: string) => /^layers\.(\d+)\./.exec(n)?.[1] ?? 'g';
    for (const [p, v] of entries) {
      if (p.startsWith('re:')) this.res.push([new RegExp(p.slice(3)), v]);
      else if (/^[^*]*\*$/.test(p)) {
        const lit = p.slice(0, -1);
        for (const pre of PREFIXES) {
          if (!lit.startsWith(pre)) continue;
          const rest = lit.slice(pre.length);
          const b = bucket(rest);
          if (!this.starts.has(b)) this.starts.set(b, []);
          this.starts.get(b)!.push([rest, v]);
        }
      } else if (p.includes('*')) this.res.push([wildcard(p), v]);
      else for (const pre of PREFIXES) if (p.startsWith(pre) && !this.exact.has(p.slice(pre.length))) this.exact.set(p.slice(pre.length), v);
    }
  }
  /** The value of the first pattern that covers one of these module names (names without the model prefix). */
  find(names: string[]): T | undefined {
    for (const n of names) {
      const v = this.exact.get(n);
      if (v !== undefined) return v;
      const b = /^layers\.(\d+)\./.exec(n)?.[1] ?? 'g';
      for (const key of [b, 'g']) for (const [lit, w] of this.starts.get(key) ?? []) if (n.startsWith(lit)) return w;
    }
    if (this.res.length === 0) return undefined;
    for (const n of names) for (const pre of PREFIXES) for (const [re, v] of this.res) if (re.test(pre + n)) return v;
    return undefined;
  }
}

/** Set TensorGroup.ckptBits from the release's quantization configs; returns the release's quant id. */
export function applyCheckpointQuant(arch: Architecture, cfg: Cfg, hfQuant?: Cfg): string | undefined {
  const q = cfg.quantization_config as Cfg | undefined;
  // ModelOpt writes hf_quant_config.json; newer releases repeat it in config.json (quant_method modelopt, ignore list).
  let modelopt = (hfQuant?.quantization ?? undefined) as Cfg | undefined;
  if (!modelopt && q && String(q.quant_method) === 'modelopt') modelopt = { quant_algo: q.quant_algo, exclude_modules: q.ignore, group_size: 16 };
  const set = (bitsOf: (t: TensorGroup, names: string[]) => number | undefined) => {
    for (const t of arch.tensors) {
      const names = moduleNames(t, arch);
      if (names.length === 0) continue;
      const b = bitsOf(t, names);
      t.ckptBits = b ?? 0; // 0 = kept in the model dtype
    }
  };
  if (modelopt) {
    const algo = String(modelopt.quant_algo ?? '');
    const group = typeof modelopt.group_size === 'number' ? modelopt.group_size : undefined;
    const layers = modelopt.quantized_layers as Record<string, { quant_algo?: string; group_size?: number }> | undefined;
    if (algo === 'MIXED_PRECISION' && layers) {
      const entries = Object.entries(layers);
      const pats = new Patterns(entries.map(([name, v]) => [name, algoBits(String(v.quant_algo ?? ''), v.group_size) ?? 0] as [string, number]));
      set((_t, names) => pats.find(names) || undefined);
      return entries.some(([, v]) => String(v.quant_algo ?? '').includes('NVFP4')) ? 'nvfp4' : 'fp8';
    }
    const bits = algoBits(algo, group);
    if (!bits) return undefined;
    const exclude = new Patterns(((Array.isArray(modelopt.exclude_modules) ? modelopt.exclude_modules : []) as string[]).map((p) => [p, true] as [string, boolean]));
    set((t, names) => (t.kind === 'embedding' || exclude.find(names) ? undefined : bits));
    return algo.includes('NVFP4') ? 'nvfp4' : algo.includes('FP8') ? 'fp8' : undefined;
  }
  if (!q || typeof q !== 'object') return undefined;
  const method = String(q.quant_method ?? '').toLowerCase();
  if (method === 'fp8' && q.modules_to_not_convert !== undefined) {
    // Block-wise FP8 (128 x 128 blocks, one fp32 scale each); modules_to_not_convert may be a JSON-encoded list.
    let keep = q.modules_to_not_convert as unknown;
    if (typeof keep === 'string') keep = JSON.parse(keep);
    const list = new Patterns(((Array.isArray(keep) ? keep : []) as string[]).map((p) => [p, true] as [string, boolean]));
    const block = Array.isArray(q.weight_block_size) ? (q.weight_block_size as number[]) : [128, 128];
    const bits = 8 + 32 / (block[0] * block[1]);
    set((t, names) => (t.kind === 'embedding' || list.find(names) ? undefined : bits));
    return 'fp8';
  }
  if (method === 'compressed-tensors') {
    const groups = Object.values((q.config_groups ?? {}) as Record<string, Cfg>);
    const w = (groups[0]?.weights ?? {}) as Cfg;
    const fmt = String(q.format ?? '');
    const gs = typeof w.group_size === 'number' ? w.group_size : undefined;
    const algo = w.type === 'float' && w.num_bits === 4 ? (fmt.includes('mxfp4') || gs === 32 ? 'MXFP4' : 'NVFP4') : w.type === 'float' ? 'FP8' : w.num_bits === 4 ? 'INT4' : 'INT8';
    const bits = algoBits(algo, gs);
    const ignore = new Patterns(((Array.isArray(q.ignore) ? q.ignore : []) as string[]).map((p) => [p, true] as [string, boolean]));
    if (!bits) return undefined;
    set((t, names) => (t.kind === 'embedding' || ignore.find(names) ? undefined : bits));
    return algo === 'MXFP4' ? 'mxfp4' : algo === 'NVFP4' ? 'nvfp4' : algo === 'FP8' ? 'fp8' : algo === 'INT4' ? 'int4' : 'int8';
  }
  return undefined;
}
