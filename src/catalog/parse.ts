// Parse option values people type into a SizingRequest, with one clear error (and "did you mean") per bad value.
// Never throws on user input: every path returns a Result.
import { ArchitectureError, architectureFromConfig } from '../engine/architecture.ts';
import { needsCuda } from '../engine/engines/index.ts';
import type { Architecture, EngineId, EngineSpec, SizingRequest } from '../engine/types.ts';
import { GpuIndex, ModelIndex, QuantIndex } from './lookup.ts';
import type { LoadedCatalogs } from './load.ts';

export interface UserError {
  field: string;
  message: string;
  didYouMean?: string[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: UserError };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (field: string, message: string, didYouMean?: string[]): Result<never> => ({ ok: false, error: { field, message, didYouMean } });

export const MAX_USERS = 100_000;
export const MAX_CONTEXT = 16 * 1024 * 1024;
export const MAX_GPUS = 4096;

/** "4096", "4k", "32K", "128k", "1m", "4,096", "8k tokens" -> tokens (k = 1024, as context sizes are quoted). */
export function parseContext(input: string): Result<number> {
  const s = input.trim().toLowerCase().replace(/,|_/g, '').replace(/\s*tokens?$/, '');
  const m = /^(\d+(?:\.\d+)?)\s*([km]?)$/.exec(s);
  if (!m) return fail('context', `context "${clip(input)}" is not a token count`, ['4096', '4k', '32k', '128k']);
  const mult = m[2] === 'k' ? 1024 : m[2] === 'm' ? 1024 * 1024 : 1;
  const v = Math.round(Number(m[1]) * mult);
  if (!Number.isFinite(v) || v < 1) return fail('context', 'context must be at least 1 token', ['4k']);
  if (v > MAX_CONTEXT) return fail('context', `context ${v} is beyond any model (max ${MAX_CONTEXT})`, ['128k']);
  return ok(v);
}

export function parsePositiveInt(field: string, input: string, max: number): Result<number> {
  const s = input.trim().replace(/,|_/g, '');
  if (!/^[+]?\d+$/.test(s)) return fail(field, `${field} "${clip(input)}" must be a whole number from 1 to ${max}`);
  const v = Number(s);
  if (v < 1 || v > max) return fail(field, `${field} must be from 1 to ${max} (got ${clip(input)})`);
  return ok(v);
}

export function parseUtil(input: string): Result<number> {
  const s = input.trim().replace(/%$/, '');
  const v = Number(s);
  if (!Number.isFinite(v) || s === '') return fail('util', `util "${clip(input)}" must be a fraction like 0.9 or a percentage like 90%`);
  const frac = input.trim().endsWith('%') || v > 1 ? v / 100 : v;
  if (!(frac > 0.05 && frac <= 1)) return fail('util', 'util must be between 0.05 and 1 (e.g. 0.9)');
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
};
export const ENGINE_IDS: EngineId[] = ['vllm', 'sglang', 'llamacpp', 'ollama', 'tgi', 'transformers', 'ktransformers'];

export function parseEngine(input: string): Result<EngineSpec> {
  const s = input.trim().toLowerCase();
  const [name, version] = s.split('@');
  const id = ENGINE_ALIASES[name];
  if (!id) {
    const near = ENGINE_IDS.filter((e) => e.startsWith(name.slice(0, 2)));
    return fail('engine', `unknown engine "${clip(input)}"`, near.length ? near : ENGINE_IDS);
  }
  if (version !== undefined) {
    if (id !== 'vllm') return fail('engine', `versioned profiles exist for vLLM only (e.g. vllm@0.19); use plain "${id}"`, [id]);
    if (!/^\d+\.\d+(\.\d+)?$/.test(version)) return fail('engine', `"${clip(version)}" is not a vLLM version like 0.19`, ['vllm@0.19', 'vllm@0.21']);
    return ok({ id, version: version.split('.').slice(0, 2).join('.') });
  }
  return ok({ id });
}

function clip(s: string, n = 40): string {
  const t = String(s).replace(/[\u0000-\u001f`]/g, ' ');
  return t.length > n ? `${t.slice(0, n)}…` : t;
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
      models: new ModelIndex(c.modelEntries),
      gpus: new GpuIndex(c.gpuEntries),
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

export type SizeOptions = Partial<Record<'model' | 'gpu' | 'users' | 'context' | 'quant' | 'kv' | 'engine' | 'tp' | 'pp' | 'util', string>>;

/** Size options + catalogs (+ an optional config.json) -> SizingRequest, or the first problem found. */
export function buildRequest(opts: SizeOptions, cat: LoadedCatalogs, config?: { json: unknown; name?: string }): Result<SizingRequest> {
  const ix = indexes(cat);
  const defaulted: SizingRequest['defaulted'] = {};

  // model
  let model: Architecture | undefined;
  let quantHint: string | undefined;
  if (config) {
    if (!config.json || typeof config.json !== 'object' || Array.isArray(config.json))
      return fail('config', 'the attached config.json is not a JSON object');
    const name = (opts.model ?? config.name ?? 'custom model').trim() || 'custom model';
    try {
      model = architectureFromConfig(config.json as Record<string, unknown>, { id: 'custom', name: clip(name, 60) });
    } catch (e) {
      if (e instanceof ArchitectureError) return fail('config', e.message);
      return fail('config', 'the attached config.json could not be read as a model configuration');
    }
  } else {
    if (!opts.model?.trim()) return fail('model', 'which model? e.g. model:qwen3-32b', ix.models.suggest('qwen3-32b').map((c) => c.value));
    const m = ix.models.resolve(opts.model);
    if (!m) return fail('model', `unknown model "${clip(opts.model)}"`, ix.models.suggest(opts.model).map((c) => c.value));
    model = cat.models.get(m.id)!;
    quantHint = m.quantHint;
  }

  // gpu
  if (!opts.gpu?.trim()) return fail('gpu', 'which GPU? e.g. gpu:a10x8 or gpu:h100', ['h100', 'a100-80gb', 'rtx4090']);
  const g = ix.gpus.resolve(opts.gpu);
  if (!g) return fail('gpu', `unknown GPU "${clip(opts.gpu)}"`, ix.gpus.suggest(opts.gpu).map((c) => c.value));
  if (g.count > MAX_GPUS) return fail('gpu', `${g.count} GPUs is more than Headroom sizes (max ${MAX_GPUS})`);
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
    const r = parseEngine(opts.engine);
    if (!r.ok) return r;
    engine = r.value;
  } else defaulted.engine = true;
  if (gpu.unified) {
    // Apple unified memory has no CUDA/ROCm: the vLLM-family engines do not run there; llama.cpp (Metal) does.
    if (defaulted.engine) engine = { id: 'llamacpp' };
    else if (needsCuda(engine.id))
      return fail('engine', `${engine.id} does not run on ${gpu.name} (no CUDA); use llama.cpp or Ollama`, ['llamacpp', 'ollama']);
  }

  // quant
  let quantId: string | undefined;
  if (opts.quant?.trim()) {
    quantId = ix.quants.resolve(opts.quant);
    if (!quantId) return fail('quant', `unknown quantization "${clip(opts.quant)}"`, ix.quants.suggest(opts.quant));
  } else if (quantHint) quantId = quantHint;
  else {
    defaulted.quant = true;
    if (engine.id === 'llamacpp' || engine.id === 'ollama') quantId = 'q4_k_m';
    else quantId = model.nativeQuant ?? (model.dtype === 'fp16' ? 'fp16' : 'bf16');
  }
  const quant = cat.quants.get(quantId)!;
  if (defaulted.engine && quant.family === 'gguf') engine = { id: 'llamacpp' };

  // kv
  let kvId: string;
  if (opts.kv?.trim()) {
    const k = ix.kvs.resolve(opts.kv);
    if (!k) return fail('kv', `unknown KV cache dtype "${clip(opts.kv)}"`, ['bf16', 'fp8', 'q8_0']);
    kvId = k;
    if ((k === 'q8_0' || k === 'q4_0') && !['llamacpp', 'ollama'].includes(engine.id))
      return fail('kv', `kv:${k} is a llama.cpp cache type; ${engine.id} offers fp8`, ['fp8']);
    if (k === 'fp8' && ['llamacpp', 'ollama', 'transformers'].includes(engine.id)) return fail('kv', `${engine.id} has no fp8 KV cache; use q8_0`, ['q8_0']);
  } else {
    defaulted.kv = true;
    kvId = ['llamacpp', 'ollama'].includes(engine.id) || model.dtype === 'fp16' ? 'fp16' : 'bf16';
  }
  const kvDtype = cat.kvDtypes.get(kvId)!;

  // layout
  let tp: number | undefined;
  let pp: number | undefined;
  if (opts.tp?.trim()) {
    const r = parsePositiveInt('tp', opts.tp, 1024);
    if (!r.ok) return r;
    tp = r.value;
    if (tp > g.count) return fail('tp', `tp=${tp} needs at least ${tp} GPUs; you gave ${g.count}`, [`${gpu.id}x${tp}`]);
  } else defaulted.tp = true;
  if (opts.pp?.trim()) {
    const r = parsePositiveInt('pp', opts.pp, 1024);
    if (!r.ok) return r;
    pp = r.value;
    if ((tp ?? 1) * pp > g.count) return fail('pp', `tp × pp = ${(tp ?? 1) * pp} is more than the ${g.count} GPUs given`);
  }
  let util: number | undefined;
  if (opts.util?.trim()) {
    const r = parseUtil(opts.util);
    if (!r.ok) return r;
    util = r.value;
  } else defaulted.util = true;

  return ok({ model, gpu, gpuCount: g.count, users, contextTokens, quant, kvDtype, engine, tp, pp, util, defaulted });
}
