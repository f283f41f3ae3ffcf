// Parse option values people type into a SizingRequest, with one clear error (and "did you mean") per bad value.
// Never throws on user input: every path returns a Result.
import { parseSpec } from './speculative.ts';
import { ArchitectureError, architectureFromConfig } from '../engine/architecture.ts';
import { engineProfile, needsCuda } from '../engine/engines/index.ts';
import { storedWeights, type RawTensor } from '../engine/stored.ts';
import type { Architecture, EngineId, EngineSpec, ModelSource, QuantFormat, SizingRequest } from '../engine/types.ts';
import { z } from 'zod';
import { checkConfigBounds, MAX_CONFIG_PARAMS } from './config-bounds.ts';
import { GpuIndex, ModelIndex, QuantIndex } from './lookup.ts';
import type { LoadedCatalogs } from './load.ts';
import { clip, fail, ok } from './result.ts';
import { safeText } from './user-text.ts';
import { parameterCounts } from '../engine/architecture.ts';
import { defaultHostId, parseHost, parseTps, parseTtft } from './parse-speed.ts';

export interface UserError {
  field: string;
  message: string;
  didYouMean?: string[];
  /** What `message` says, as a code and its values, so renderers can phrase it in another language (src/render/errors.ts). */
  code?: string;
  params?: Record<string, string | number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: UserError };


export const MAX_USERS = 100_000;
/** 10M tokens (k = 1024, so `context:10m` works: Llama 4 Scout's 10 485 760). */
export const MAX_CONTEXT = 10 * 1024 * 1024;
export const MAX_GPUS = 1024;

/**
 * Every option value a command reads, checked (zod) before any work: its longest accepted text, and for the
 * plain whole-number options their range. One row per option; an option not listed here is still cut at
 * DEFAULT_MAX_LENGTH. Semantic parsing (model lookup, "4k", "90%") follows in the parse* functions.
 */
export const OPTION_RULES: Record<string, { maxLength: number; int?: readonly [number, number] }> = {
  model: { maxLength: 200 },
  gpu: { maxLength: 100 },
  users: { maxLength: 12, int: [1, MAX_USERS] },
  context: { maxLength: 24 },
  quant: { maxLength: 40 },
  kv: { maxLength: 20 },
  engine: { maxLength: 40 },
  tp: { maxLength: 8, int: [1, MAX_GPUS] },
  pp: { maxLength: 8, int: [1, MAX_GPUS] },
  util: { maxLength: 12 },
  budget: { maxLength: 8, int: [1, 64] },
  filter: { maxLength: 100 },
  config: { maxLength: 300 },
  textonly: { maxLength: 8 },
};
export const DEFAULT_MAX_LENGTH = 100;

const textOption = (name: string, max: number) =>
  z.string({ error: `${name} must be text` }).max(max, { error: (i) => `${name} is ${String(i.input).length} characters long; at most ${max} are read` });
const OptionsSchema = z
  .object(Object.fromEntries(Object.entries(OPTION_RULES).map(([k, r]) => [k, textOption(k, r.maxLength).optional()])))
  .catchall(z.union([z.string().max(DEFAULT_MAX_LENGTH, `an option is longer than ${DEFAULT_MAX_LENGTH} characters`), z.undefined()]));

/** Type and length of every option value, before any lookup or computation. */
export function checkOptions(opts: Record<string, unknown>): Result<void> {
  const r = OptionsSchema.safeParse(opts);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = String(issue.path[0] ?? 'option');
    return fail(field, issue.message.startsWith(field) ? issue.message : `${safeText(field, 32)}: ${issue.message}`);
  }
  for (const [k, rule] of Object.entries(OPTION_RULES)) {
    const v = opts[k];
    if (rule.int && typeof v === 'string' && v.trim() !== '') {
      const p = parsePositiveInt(k, v, rule.int[1]);
      if (!p.ok) return p;
    }
  }
  return ok(undefined);
}

/** "4096", "4k", "32K", "128k", "1m", "4,096", "8k tokens" -> tokens (k = 1024, as context sizes are quoted). */
export function parseContext(input: string): Result<number> {
  const s = input.trim().toLowerCase().replace(/,|_/g, '').replace(/\s*tokens?$/, '');
  const m = /^(\d+(?:\.\d+)?)\s*([km]?)$/.exec(s);
  if (!m) return fail('context', `context "${clip(input)}" is not a token count`, ['4096', '4k', '32k', '128k'], { code: 'context.format', params: { field: 'context', input: clip(input) } });
  const mult = m[2] === 'k' ? 1024 : m[2] === 'm' ? 1024 * 1024 : 1;
  const v = Math.round(Number(m[1]) * mult);
  if (!Number.isFinite(v) || v < 1) return fail('context', 'context must be at least 1 token', ['4k'], { code: 'context.min', params: { field: 'context' } });
  if (v > MAX_CONTEXT) return fail('context', `context ${v} is beyond any model (max ${MAX_CONTEXT})`, ['128k'], { code: 'context.max', params: { field: 'context', value: v, max: MAX_CONTEXT } });
  return ok(v);
}

export function parsePositiveInt(field: string, input: string, max: number): Result<number> {
  const s = input.trim().replace(/,|_/g, '');
  if (!/^[+]?\d{1,16}$/.test(s)) return fail(field, `${field} "${clip(input)}" must be a whole number from 1 to ${max}`, undefined, { code: 'int.format', params: { field, input: clip(input), max } });
  const v = Number(s);
  if (v < 1 || v > max) return fail(field, `${field} must be from 1 to ${max} (got ${clip(input)})`, undefined, { code: 'int.range', params: { field, input: clip(input), max } });
  return ok(v);
}

/** textonly: "true" / "yes" / "on" / "1" and "false" / "no" / "off" / "0" (serve a vision-language model for text only). */
export function parseTextOnly(input: string): Result<boolean> {
  const t = input.trim().toLowerCase();
  if (['true', 'yes', 'on', '1', 'y'].includes(t)) return ok(true);
  if (['false', 'no', 'off', '0', 'n'].includes(t)) return ok(false);
  return fail('textonly', `textonly "${clip(input)}" must be true or false`, ['textonly:true', 'textonly:false'], { code: 'textonly.format', params: { input: clip(input) } });
}

/** "0.9", ".9", "90%" -> 0.9. Plain decimals only (no 0x1, 1e0, Infinity); above 0 and at most 1. */
export function parseUtil(input: string): Result<number> {
  const t = input.trim();
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*(%?)$/.exec(t);
  if (!m) return fail('util', `util "${clip(input)}" must be a fraction like 0.9 or a percentage like 90%`, ['0.9', '90%'], { code: 'util.format', params: { input: clip(input) } });
  const v = Number(m[1]);
  const frac = m[2] ? v / 100 : v;
  if (!(frac > 0 && frac <= 1)) {
    const hint = !m[2] && v > 1 && v <= 100 ? [`${v / 100}`, `${v}%`] : ['0.9', '90%'];
    return fail('util', `util ${clip(t)} is not above 0 and at most 1 (a fraction of GPU memory)`, hint, { code: 'util.range', params: { input: clip(t) } });
  }
  return ok(Math.round(frac * 1000) / 1000);
}

const ENGINE_ALIASES: Record<string, EngineId> = {
  vllm: 'vllm',
  sglang: 'sglang',
  llamacpp: 'llamacpp',
  'llama.cpp': 'llamacpp',
  'llama-cpp': 'llamacpp',
  llama_cpp: 'llamacpp',
  'llama-server': 'llamacpp',
  ollama: 'ollama',
  tgi: 'tgi',
  'text-generation-inference': 'tgi',
  transformers: 'transformers',
  hf: 'transformers',
  huggingface: 'transformers',
  ktransformers: 'ktransformers',
  mindie: 'mindie',
  'mindie-llm': 'mindie',
  mindieservice: 'mindie',
  trtllm: 'trtllm',
  'trt-llm': 'trtllm',
  'tensorrt-llm': 'trtllm',
  tensorrtllm: 'trtllm',
  'trtllm-serve': 'trtllm',
};
export const ENGINE_IDS: EngineId[] = ['vllm', 'sglang', 'llamacpp', 'ollama', 'tgi', 'transformers', 'ktransformers', 'mindie', 'trtllm'];

/** Edit distance, for "did you mean" over short fixed lists (inputs are cut before they get here). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Releases of an engine Headroom models: profile versions and the newest release checked against logs. */
export interface EngineReleases {
  profiles: string[];
  newest: string;
}

function cmpVersion(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export function parseEngine(input: string, vllm?: EngineReleases): Result<EngineSpec> {
  const s = input.trim().toLowerCase().slice(0, OPTION_RULES.engine!.maxLength);
  const at = s.indexOf('@');
  const name = at < 0 ? s : s.slice(0, at);
  const version = at < 0 ? undefined : s.slice(at + 1);
  // Own keys only: "__proto__" or "constructor" are unknown engines, not Object.prototype members.
  const id = Object.hasOwn(ENGINE_ALIASES, name) ? ENGINE_ALIASES[name] : undefined;
  if (!id) {
    const names = [...new Set([...ENGINE_IDS, ...Object.keys(ENGINE_ALIASES)])];
    const near = names
      .map((e) => ({ e: ENGINE_ALIASES[e] ?? e, d: distance(name.slice(0, 24), e) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
      .sort((a, b) => a.d - b.d)
      .map((x) => x.e);
    const uniq = [...new Set(near)].slice(0, 3);
    return fail('engine', `unknown engine "${clip(input)}"`, uniq.length ? uniq : ENGINE_IDS, { code: 'unknown', params: { what: 'engine', input: clip(input) } });
  }
  if (version !== undefined) {
    if (id !== 'vllm') return fail('engine', `versioned profiles exist for vLLM only (e.g. vllm@0.19); use plain "${id}"`, [id], { code: 'engine.versionedVllmOnly', params: { id } });
    if (!/^\d{1,3}\.\d{1,3}(\.\d{1,3})?$/.test(version)) return fail('engine', `"${clip(version)}" is not a vLLM version like 0.19`, ['vllm@0.19', 'vllm@0.21'], { code: 'engine.versionFormat', params: { input: clip(version) } });
    const v = version.split('.').slice(0, 2).join('.');
    if (vllm && (cmpVersion(v, vllm.newest) > 0 || cmpVersion(v, vllm.profiles[0] ?? '0') < 0)) {
      return fail(
        'engine',
        `unknown vLLM release ${clip(version)}: Headroom models vLLM ${vllm.profiles[0]} to ${vllm.newest} (profiles ${vllm.profiles.join(', ')}; a release between uses the nearest earlier profile)`,
        vllm.profiles.map((p) => `vllm@${p}`),
      );
    }
    return ok({ id, version: v });
  }
  return ok({ id });
}


export interface Indexes {
  models: ModelIndex;
  gpus: GpuIndex;
  quants: QuantIndex;
  kvs: QuantIndex;
}

const indexCache = new WeakMap<LoadedCatalogs, Indexes>();
export function indexes(c: LoadedCatalogs): Indexes {
  let ix = indexCache.get(c);
  if (!ix) {
    ix = {
      models: new ModelIndex(c.modelEntries, c.popular.models),
      gpus: new GpuIndex(c.gpuEntries, c.popular.gpus),
      quants: new QuantIndex(c.quantEntries),
      kvs: new QuantIndex([...c.kvDtypes.keys()].map((id) => ({ id, aliases: kvAliases(id) }))),
    };
    indexCache.set(c, ix);
  }
  return ix;
}

function kvAliases(id: string): string[] {
  return { bf16: ['auto', 'bfloat16'], fp16: ['f16', 'float16', 'half'], fp8: ['fp8_e4m3', 'fp8_e5m2', 'f8', 'float8'], q8_0: ['q8'], q4_0: ['q4'] }[id] ?? [];
}

export type SizeOptions = Partial<Record<'model' | 'gpu' | 'users' | 'context' | 'quant' | 'kv' | 'engine' | 'tp' | 'pp' | 'util' | 'avgcontext' | 'host' | 'tps' | 'ttft' | 'spec' | 'accept' | 'textonly', string>>;

/** A model that is not a catalog entry: an attached config.json, or a Hub checkpoint (config + stored tensors). */
export interface ModelInput {
  json: unknown;
  name?: string;
  /** Stable id to ask again with (what-if buttons): the Hub reference, normalized. */
  id?: string;
  /** Where it came from; an attachment when absent. */
  source?: ModelSource;
  /** What the checkpoint stores, tensor by tensor, and the format those bytes are (`quant.base`: the catalog format whose engine rules apply). */
  stored?: { container: 'safetensors' | 'gguf'; quant?: { id: string; base: string; detail: string }; tensors: RawTensor[] };
  /** One-line facts about the checkpoint (quantization config, custom code not run). */
  remarks?: string[];
}

/** A catalog format, or one the checkpoint stores that the catalog lacks (GGUF Q4_K_S) under its nearest format's rules. */
function quantFormat(cat: LoadedCatalogs, id: string, base?: string): QuantFormat | undefined {
  const q = cat.quants.get(id);
  if (q) return q;
  const b = base ? cat.quants.get(base) : undefined;
  return b ? { ...b, id, name: id.toUpperCase() } : undefined;
}

/** Size options + catalogs (+ an optional config.json or Hub model) -> SizingRequest, or the first problem found. */
export function buildRequest(opts: SizeOptions, cat: LoadedCatalogs, config?: ModelInput): Result<SizingRequest> {
  const checked = checkOptions(opts);
  if (!checked.ok) return checked;
  const ix = indexes(cat);
  const defaulted: SizingRequest['defaulted'] = {};

  // model
  let model: Architecture | undefined;
  let quantHint: string | undefined;
  if (config) {
    if (!config.json || typeof config.json !== 'object' || Array.isArray(config.json))
      return fail('config', 'the attached config.json is not a JSON object');
    const hub = config.source?.kind === 'hub';
    const field = hub ? 'model' : 'config';
    const what = hub ? `${config.source?.repo}'s config` : 'the attached config.json';
    const bounds = checkConfigBounds(config.json);
    if (!bounds.ok) return fail(field, hub ? `${config.source?.repo}: ${bounds.message}` : bounds.message);
    const name = ((hub ? config.name : undefined) ?? opts.model ?? config.name ?? 'custom model').trim() || 'custom model';
    try {
      model = architectureFromConfig(config.json as Record<string, unknown>, { id: config.id ?? 'custom', name: clip(name, hub ? 100 : 60) });
    } catch (e) {
      if (e instanceof ArchitectureError) return fail(field, hub ? `${config.source?.repo}: ${e.message}` : e.message);
      return fail(field, `${what} could not be read as a model configuration`);
    }
    if (config.stored) {
      const q = config.stored.quant;
      const storedQuant = q?.id ?? (model.dtype === 'fp16' ? 'fp16' : model.dtype === 'fp32' ? 'fp32' : 'bf16');
      if (!quantFormat(cat, storedQuant, q?.base)) return fail(field, `${what} stores weights as ${storedQuant}, a format Headroom does not model`);
      model.stored = storedWeights(model, config.stored.tensors, config.stored.container, storedQuant);
      model.nativeQuant = storedQuant;
    }
    const total = parameterCounts(model).total;
    if (!(total <= MAX_CONFIG_PARAMS))
      return fail(field, `${hub ? `${config.source?.repo}: ` : ''}config.json describes ${(total / 1e12).toPrecision(3)} T parameters; the largest real models have about 2 T — check hidden_size, intermediate_size and num_hidden_layers`);
  } else {
    if (!opts.model?.trim()) return fail('model', 'which model? e.g. model:qwen3-32b', ix.models.suggest('qwen3-32b').map((c) => c.value), { code: 'model.missing' });
    const m = ix.models.resolve(opts.model);
    if (!m) return fail('model', `unknown model "${clip(opts.model)}"`, ix.models.suggest(opts.model).map((c) => c.value), { code: 'unknown', params: { what: 'model', input: clip(opts.model) } });
    model = cat.models.get(m.id)!;
    quantHint = m.quantHint;
  }

  // gpu
  if (!opts.gpu?.trim()) return fail('gpu', 'which GPU? e.g. gpu:a10x8 or gpu:h100', ['h100', 'a100-80gb', 'rtx4090'], { code: 'gpu.missing' });
  const g = ix.gpus.resolve(opts.gpu);
  // Not found: a count out of range ("h100x0", "h100x5000") gets its own line.
  const typedCount = g ? undefined : /^\s*(\d+)\s*[x×*]\s*\D|[x×*:]\s*(\d+)\s*$/i.exec(opts.gpu);
  const n = typedCount ? Number(typedCount[1] ?? typedCount[2]) : undefined;
  if (n !== undefined && (n < 1 || n > MAX_GPUS) && ix.gpus.resolve(opts.gpu.replace(/^\s*\d+\s*[x×*]\s*|\s*[x×*:]\s*\d+\s*$/i, ''))) return fail('gpu', `GPU count must be from 1 to ${MAX_GPUS} (got ${clip(String(n), 12)})`, ['h100x8', 'a10x4'], { code: 'gpu.count', params: { max: MAX_GPUS, input: clip(String(n), 12) } });
  if (!g) return fail('gpu', `unknown GPU "${clip(opts.gpu)}"`, ix.gpus.suggest(opts.gpu).map((c) => c.value), { code: 'unknown', params: { what: 'gpu', input: clip(opts.gpu) } });
  if (g.count > MAX_GPUS) return fail('gpu', `GPU count must be from 1 to ${MAX_GPUS} (got ${g.count})`, ['h100x8', 'a10x4'], { code: 'gpu.count', params: { max: MAX_GPUS, input: g.count } });
  const gpu = cat.gpus.get(g.id);
  if (!gpu) return fail('gpu', `GPU "${clip(opts.gpu)}" points at a missing catalog entry`);

  // numbers
  let users = 1;
  if (opts.users !== undefined && opts.users.trim() !== '') {
    const r = parsePositiveInt('users', opts.users, MAX_USERS);
    if (!r.ok) return r;
    users = r.value;
  } else defaulted.users = true;
  let contextTokens = 4096;
  if (opts.context !== undefined && opts.context.trim() !== '') {
    const r = parseContext(opts.context);
    if (!r.ok) return r;
    contextTokens = r.value;
  } else defaulted.context = true;

  // engine
  let engine: EngineSpec = { id: 'vllm' };
  if (opts.engine?.trim()) {
    const vllm = cat.engines.vllm;
    const r = parseEngine(opts.engine, { profiles: vllm.releases.map((x) => x.version), newest: vllm.newestKnownRelease ?? vllm.releases[vllm.releases.length - 1]!.version });
    if (!r.ok) return r;
    engine = r.value;
  } else defaulted.engine = true;
  if (gpu.unified) {
    // Apple unified memory has no CUDA/ROCm: the vLLM-family engines do not run there; llama.cpp (Metal) does.
    if (defaulted.engine) engine = { id: 'llamacpp' };
    else if (needsCuda(engine.id))
      return fail('engine', `${engine.id} does not run on ${gpu.name} (no CUDA); use llama.cpp or Ollama`, ['llamacpp', 'ollama'], { code: 'engine.noCuda', params: { engine: engine.id, gpu: gpu.name } });
  }

  // quant
  let quantId: string | undefined;
  if (opts.quant?.trim()) {
    quantId = ix.quants.resolve(opts.quant);
    if (!quantId) return fail('quant', `unknown quantization "${clip(opts.quant)}"`, ix.quants.suggest(opts.quant), { code: 'unknown', params: { what: 'quant', input: clip(opts.quant) } });
  } else if (quantHint) quantId = quantHint;
  else {
    defaulted.quant = true;
    if (model.stored) quantId = model.stored.quant;
    else if (engine.id === 'llamacpp' || engine.id === 'ollama') quantId = 'q4_k_m';
    else quantId = model.nativeQuant ?? (model.dtype === 'fp16' ? 'fp16' : 'bf16');
  }
  const quant = quantFormat(cat, quantId, config?.stored?.quant?.base)!;
  if (defaulted.engine && quant.family === 'gguf') engine = { id: 'llamacpp' };

  // kv
  let kvId: string;
  if (opts.kv?.trim()) {
    const k = ix.kvs.resolve(opts.kv);
    if (!k) return fail('kv', `unknown KV cache dtype "${clip(opts.kv)}"`, ['bf16', 'fp8', 'q8_0'], { code: 'unknown', params: { what: 'kv', input: clip(opts.kv) } });
    kvId = k;
    const kvc = engineProfile(engine.id).kvCache;
    if (!kvc.dtypes.includes(k)) {
      const why = k === 'q8_0' || k === 'q4_0' ? `kv:${k} is a llama.cpp cache type` : `${engine.id} has no ${k} KV cache`;
      return fail('kv', `${why}; ${engine.id} offers ${kvc.dtypes.join(', ')}`, [kvc.hint], { code: k === 'q8_0' || k === 'q4_0' ? 'kv.llamacppOnly' : 'kv.unsupported', params: { kv: k, engine: engine.id, offers: kvc.dtypes.join(', ') } });
    }
  } else {
    defaulted.kv = true;
    // The engine's "auto": the model's dtype (an fp32 model caches fp32 KV in vLLM), fp16 in llama.cpp.
    const kvc = engineProfile(engine.id).kvCache;
    kvId = kvc.defaultFor(model, quant, gpu);
    if (!kvc.dtypes.includes(kvId) || !cat.kvDtypes.has(kvId)) kvId = model.dtype === 'fp16' ? 'fp16' : 'bf16';
  }
  const kvDtype = cat.kvDtypes.get(kvId)!;

  // layout
  let tp: number | undefined;
  let pp: number | undefined;
  if (opts.tp?.trim()) {
    const r = parsePositiveInt('tp', opts.tp, MAX_GPUS);
    if (!r.ok) return r;
    tp = r.value;
    if (tp > g.count) return fail('tp', `tp=${tp} needs at least ${tp} GPUs; you gave ${g.count}`, [`${gpu.id}x${tp}`], { code: 'tp.gpus', params: { tp, gpus: g.count } });
  } else defaulted.tp = true;
  if (opts.pp?.trim()) {
    const r = parsePositiveInt('pp', opts.pp, MAX_GPUS);
    if (!r.ok) return r;
    pp = r.value;
    if ((tp ?? 1) * pp > g.count) return fail('pp', `tp × pp = ${(tp ?? 1) * pp} is more than the ${g.count} GPUs given`, undefined, { code: 'pp.gpus', params: { product: (tp ?? 1) * pp, gpus: g.count } });
  }
  let util: number | undefined;
  if (opts.util?.trim()) {
    const r = parseUtil(opts.util);
    if (!r.ok) return r;
    util = r.value;
  } else defaulted.util = true;
  // avgcontext: users at an average context below the per-request maximum (engines queue or preempt, not fail).
  let avgContextTokens: number | undefined;
  if (opts.avgcontext?.trim()) {
    const r = parseContext(opts.avgcontext);
    if (!r.ok) return fail('avgcontext', r.error.message.replace(/^context/, 'avgcontext'), r.error.didYouMean, r.error.code ? { code: r.error.code, params: { ...r.error.params, field: 'avgcontext' } } : undefined);
    if (r.value > contextTokens) return fail('avgcontext', `avgcontext ${r.value} is more than context ${contextTokens} (the per-request maximum)`, [`context:${Math.ceil(r.value / 1024)}k`], { code: 'avgcontext.max', params: { avg: r.value, context: contextTokens } });
    avgContextTokens = r.value;
  }

  // speed target and host RAM (parse-speed.ts)
  const hostDefault = cat.hosts.get(defaultHostId(engine.id))!;
  let host = hostDefault;
  if (opts.host?.trim()) {
    const r = parseHost(opts.host, cat, hostDefault);
    if (!r.ok) return r;
    host = r.value;
  } else defaulted.host = true;
  let targetTps: number | undefined;
  if (opts.tps?.trim()) {
    const r = parseTps(opts.tps);
    if (!r.ok) return r;
    targetTps = r.value;
  } else defaulted.tps = true;
  let targetTtftSeconds: number | undefined;
  if (opts.ttft?.trim()) {
    const r = parseTtft(opts.ttft);
    if (!r.ok) return r;
    targetTtftSeconds = r.value;
  } else defaulted.ttft = true;

  // speculative decoding (speculative.ts)
  const specR = parseSpec(cat, model, engine.id, opts.spec, opts.accept);
  if (!specR.ok) return specR;
  const spec = specR.value;

  // text only: no vision encoder loaded or profiled where the engine has a switch for it (vLLM --language-model-only)
  let textOnly = false;
  if (opts.textonly?.trim()) {
    const r = parseTextOnly(opts.textonly);
    if (!r.ok) return r;
    textOnly = r.value;
  }

  const source: ModelSource = config ? (config.source ?? { kind: 'attachment' }) : { kind: 'catalog' };
  return ok({ model, gpu, gpuCount: g.count, users, contextTokens, quant, kvDtype, engine, tp, pp, util, host, targetTps, targetTtftSeconds, defaulted, source, ...(avgContextTokens ? { avgContextTokens } : {}), ...(spec ? { spec } : {}), ...(textOnly ? { textOnly } : {}) });
}
