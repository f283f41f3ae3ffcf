// Helpers shared by the command modules: localized definitions, error replies, autocomplete, attachments.
import { catalogs } from '../src/catalog/load.ts';
import { typedGpuName } from '../src/catalog/lookup.ts';
import { indexes, parseContext, type ModelInput, type UserError } from '../src/catalog/parse.ts';
import { modelFromHub, parseHubRef, searchHub } from '../src/hub/index.ts';
import { errorEmbed } from '../src/render/embed.ts';
import { zhLocalizations } from '../src/render/zh-tw.ts';
import { errorText, hintText } from '../src/render/errors.ts';
import { escapeMarkdown } from '../src/catalog/user-text.ts';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { isZh, type AutocompleteChoice, type CommandContext, type Locale, type Reply } from './types.ts';

/** Command / option descriptions: en-US and zh-CN. */
const DESCRIPTIONS: Record<string, [string, string]> = {
  size: ['Will this model serve N users on this hardware? Memory, capacity and speed', '这个模型在这套硬件上能服务多少用户？显存、容量和速度'],
  'size.model': ['Model: catalog id, Hugging Face id or short form (qwen3-32b)', '模型：目录 ID、Hugging Face ID 或简称（qwen3-32b）'],
  'size.gpu': ['GPU and count: a10x8, 8xA10, h100, 2x4090, h100:4', 'GPU 及数量：a10x8、8xA10、h100、2x4090、h100:4'],
  'size.users': ['Concurrent users (default 1)', '并发用户数（默认 1）'],
  'size.context': ['Context per user: 4096, 4k, 32k, 128k (default 4k)', '每个用户的上下文：4096、4k、32k、128k（默认 4k）'],
  'size.quant': ['Weight format: bf16, fp8, int8, int4/awq/gptq, nf4, q4_k_m, mxfp4 …', '权重格式：bf16、fp8、int8、int4/awq/gptq、nf4、q4_k_m、mxfp4 …'],
  'size.kv': ['KV cache dtype (default: the engine default)', 'KV 缓存精度（默认：引擎默认值）'],
  'size.engine': ['Serving engine: vllm (default), vllm@0.19, sglang, llamacpp, ollama, tgi …', '推理引擎：vllm（默认）、vllm@0.19、sglang、llamacpp、ollama、tgi …'],
  'size.tp': ['Tensor-parallel size (default: best valid layout)', '张量并行数（默认：自动选择）'],
  'size.pp': ['Pipeline-parallel size', '流水线并行数'],
  'size.avgcontext': ['Average tokens per user, when below context (engines queue the rest)', '每个用户的平均上下文（低于 context 时；其余请求排队）'],
  'size.util': ['Engine memory fraction (vLLM gpu_memory_utilization)', '引擎显存比例（vLLM gpu_memory_utilization）'],
  'size.tps': ['Speed target: tokens/s each user must get (default 20)', '速度目标：每个用户至少多少 token/s（默认 20）'],
  'size.ttft': ['Speed target: longest wait for the first token, e.g. 10s (default 10s)', '速度目标：首 token 最长等待，如 10s（默认 10s）'],
  'size.host': ['Host RAM for offloaded experts/layers: ddr5x2, ddr5x8, epyc-9004 or GB/s', '卸载到内存的专家/层所用主机内存：ddr5x2、ddr5x8、epyc-9004 或 GB/s'],
  'size.spec': ['Speculative decoding: mtp, eagle3 or off; drafted tokens after a colon (eagle3:3)', '投机解码：mtp、eagle3 或 off；冒号后为草稿 token 数（eagle3:3）'],
  'size.accept': ['Speculative decoding: share of drafted tokens accepted, e.g. 0.7', '投机解码：草稿 token 的接受率，如 0.7'],
  'size.textonly': ['Serve a vision-language model for text only (vLLM --language-model-only): no vision tower', '视觉语言模型只做文本（vLLM --language-model-only）：不加载视觉塔'],
  'size.config': ['A Hugging Face config.json for a model the catalog lacks', '目录中没有的模型：上传其 Hugging Face config.json'],
  recommend: ['Which hardware serves this model for N users? Ranked options', '哪些硬件能为 N 个用户运行这个模型？按推荐排序'],
  'recommend.budget': ['Most GPUs per option (default 32)', '每个方案最多 GPU 数（默认 32）'],
  'recommend.gpu': ['The GPUs you have (a10x8, 4090): adds "more of what you have"', '你现有的 GPU（a10x8、4090）：增加"在现有硬件上扩展"的方案'],
  models: ['Browse the model catalog', '浏览模型目录'],
  'models.filter': ['Filter by name or family (qwen, llama, moe …)', '按名称或系列筛选（qwen、llama、moe …）'],
  gpus: ['Browse the GPU catalog', '浏览 GPU 目录'],
  'gpus.filter': ['Filter by name, vendor or memory (h100, amd, 48g …)', '按名称、厂商或显存筛选（h100、amd、48g …）'],
};

/** Chinese names for commands and options (Discord always sends the base English name back). */
const ZH_NAMES: Record<string, string> = {
  size: '显存估算',
  recommend: '硬件推荐',
  models: '模型列表',
  gpus: '显卡列表',
  model: '模型',
  gpu: '显卡',
  users: '用户数',
  context: '上下文',
  quant: '量化',
  kv: 'kv缓存',
  engine: '引擎',
  tp: '张量并行',
  pp: '流水线并行',
  util: '显存比例',
  tps: '速度目标',
  ttft: '首字延迟',
  host: '主机内存',
  spec: '投机解码',
  accept: '接受率',
  textonly: '纯文本',
  config: '配置文件',
  filter: '筛选',
  budget: '最多卡数',
};

/** description (+ localizations) and localized names for a command ("size") or option ("size.model"). */
export function loc(key: string): { description: string; description_localizations: Record<string, string>; name_localizations?: Record<string, string> } {
  const d = DESCRIPTIONS[key] ?? DESCRIPTIONS[key.replace(/^[a-z]+\./, 'size.')];
  if (!d) throw new Error(`no description for ${key}`);
  const zhName = ZH_NAMES[key.split('.').pop()!];
  return {
    description: d[0],
    description_localizations: zhLocalizations(d[1]),
    ...(zhName ? { name_localizations: zhLocalizations(zhName) } : {}),
  };
}

export function errorReply(locale: Locale, e: UserError & { hint?: string }): Reply {
  // Suggestions are our own values (catalog ids, vllm@0.19), shown in code spans where no mention renders: keep
  // them copyable (no zero-width characters), only bounded.
  const dym = e.didYouMean?.length ? e.didYouMean.slice(0, 8).map((d) => String(d).slice(0, 80).replace(/[`\u0000-\u001f]/g, '')) : undefined;
  const message = errorText(e, locale);
  const hint = hintText(e, locale);
  const text = isZh(locale)
    ? `错误：${message}${dym ? `——你是不是想找 ${dym.join('、')}？` : ''}${hint ? `（${hint}）` : ''}`
    : `Error: ${message}${dym ? ` — did you mean ${dym.join(', ')}?` : ''}${hint ? ` (${hint})` : ''}`;
  // Messages are plain text that may quote what the user typed (already inert: see safeText); in the embed
  // markdown is escaped too, so "**x**" or "a_b_c" shows as typed.
  return { embeds: [errorEmbed(locale, escapeMarkdown(message), dym, hint)], ephemeral: true, text };
}

const MAX_CHOICES = 25;
/** Autocomplete matches on at most 100 characters (Discord's option limit): fuzzy matching is not linear. */
export const QUERY_MAX = 100;
const cutQuery = (q: unknown) => String(q ?? '').slice(0, QUERY_MAX);

function choice(name: string, value: string): AutocompleteChoice {
  return { name: name.length > 100 ? `${name.slice(0, 99)}…` : name, value: value.slice(0, 100) };
}

/** 671e9 -> "671B", 32.8e9 -> "32.8B", 600e6 -> "600M". */
function paramsShort(n: number): string {
  if (n >= 1e12) return `${+(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${n >= 1e11 ? Math.round(n / 1e9) : +(n / 1e9).toFixed(1)}B`;
  return `${Math.round(n / 1e6)}M`;
}

/** "Qwen3 32B · 32.8B (qwen3-32b)", "DeepSeek R1 · 671B MoE, 37B active (deepseek-r1)". */
export function modelChoiceName(id: string): string {
  const e = catalogs().modelEntries.find((m) => m.id === id);
  if (!e) return id;
  const p = e.published;
  const size = p.activeParams ? `${paramsShort(p.totalParams)} MoE, ${paramsShort(p.activeParams)} active` : paramsShort(p.totalParams);
  return `${e.name} · ${size} (${e.id})`;
}

/**
 * Model names the catalog does not know (Hugging Face repos). Called only when nothing in the catalog matched
 * better than fuzzily, with the room left in the list; must be fast and do no I/O of its own (serve from a cache).
 */
export type UnmatchedModelSuggester = (query: string, room: number) => AutocompleteChoice[];

export function autocompleteModel(query: string, unmatched?: UnmatchedModelSuggester): AutocompleteChoice[] {
  const q = cutQuery(query);
  const ix = indexes(catalogs());
  const ranked = ix.models.rank(q, MAX_CHOICES);
  const out = ranked.choices.map((c) => choice(modelChoiceName(c.value), c.value));
  if (!ranked.matched && unmatched && q.trim()) {
    const extra = unmatched(q, MAX_CHOICES).filter((c) => !out.some((o) => o.value === c.value));
    out.unshift(...extra.map((c) => choice(c.name, c.value)));
  }
  return out.slice(0, MAX_CHOICES);
}

/** Time the Hub's model search may take inside one autocomplete answer (Discord allows 3 s, no deferring). */
export const HUB_AUTOCOMPLETE_MS = 1200;

/**
 * Model autocomplete: the catalog's suggestions (autocompleteModel), plus Hub repos from the Hub's model search
 * for what the catalog does not match — the typed text itself when it is a Hub reference, then search hits.
 * The search is cached and bounded by HUB_AUTOCOMPLETE_MS; a slow or unreachable Hub just adds nothing.
 */
export async function autocompleteModelWithHub(query: string, timeoutMs = HUB_AUTOCOMPLETE_MS): Promise<AutocompleteChoice[]> {
  const q = cutQuery(query).trim();
  const fromCatalog = autocompleteModel(q);
  if (q.length < 3 || indexes(catalogs()).models.resolve(q)) return fromCatalog;
  const typed = parseHubRef(q);
  const hits = await searchHub(typed ? typed.repo : q, { limit: 10, timeoutMs });
  const hub: AutocompleteChoice[] = [];
  if (typed) hub.push(choice(`${q} (Hugging Face)`, q));
  for (const id of hits) if (!hub.some((c) => c.value === id)) hub.push(choice(`${id} (Hugging Face)`, id));
  // Someone typing "org/…" wants repos first; otherwise the catalog leads and the Hub fills the list.
  const merged = q.includes('/') ? [...hub, ...fromCatalog] : [...fromCatalog.slice(0, MAX_CHOICES - Math.min(hub.length, 10)), ...hub];
  const seen = new Set<string>();
  return merged.filter((c) => !seen.has(c.value) && seen.add(c.value)).slice(0, MAX_CHOICES);
}

/** A GPU's name without its memory figure ("H100 SXM5 80GB" -> "H100 SXM5"), which the choice shows separately. */
export function gpuShortName(name: string): string {
  return name
    .replace(/\s*\([^)]*\d\s?GB[^)]*\)/gi, '')
    .replace(/\s*\b\d+\s?GB\b/gi, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** "H100 SXM5 · 80 GB", "8× NVIDIA A10 (PCIe) · 8 × 24 GB". */
export function gpuChoiceName(id: string, count?: number): string {
  const e = catalogs().gpuEntries.find((g) => g.id === id);
  if (!e) return count ? `${count}× ${id}` : id;
  const gb = e.memory.marketingGB;
  const name = gpuShortName(e.name) || e.name;
  return count && count > 1 ? `${count}× ${name} · ${count} × ${gb} GB` : `${name} · ${gb} GB`;
}

export function autocompleteGpu(query: string): AutocompleteChoice[] {
  const q = cutQuery(query);
  const ix = indexes(catalogs());
  // Keep a count the user typed, when it is clearly separated from the name: "a10x8" -> "8× NVIDIA A10 …".
  const { count } = typedGpuName(q);
  const exact = ix.gpus.resolve(q);
  const out: AutocompleteChoice[] = [];
  const push = (id: string, n?: number) => {
    const value = n && n > 1 ? `${id}x${n}` : id;
    if (!out.some((o) => o.value === value)) out.push(choice(gpuChoiceName(id, n), value));
  };
  if (exact) push(exact.id, exact.count);
  for (const c of ix.gpus.suggest(q, MAX_CHOICES)) push(c.value, count);
  return out.slice(0, MAX_CHOICES);
}

/** Serving engines as fixed choices (English and Chinese names); the value is what `engine:` accepts. */
export const ENGINE_CHOICES: Array<{ name: string; zh: string; value: string }> = [
  { name: 'vLLM (newest rules; the default)', zh: 'vLLM（最新规则，默认）', value: 'vllm' },
  { name: 'vLLM 0.19 rules', zh: 'vLLM 0.19 规则', value: 'vllm@0.19' },
  { name: 'SGLang', zh: 'SGLang', value: 'sglang' },
  { name: 'llama.cpp', zh: 'llama.cpp', value: 'llamacpp' },
  { name: 'Ollama', zh: 'Ollama', value: 'ollama' },
  { name: 'TGI (text-generation-inference)', zh: 'TGI（text-generation-inference）', value: 'tgi' },
  { name: 'transformers (no paging)', zh: 'transformers（不分页）', value: 'transformers' },
  { name: 'KTransformers (experts in host RAM)', zh: 'KTransformers（专家放主机内存）', value: 'ktransformers' },
  { name: 'MindIE (Ascend)', zh: 'MindIE（昇腾）', value: 'mindie' },
  { name: 'TensorRT-LLM', zh: 'TensorRT-LLM', value: 'trtllm' },
];

export function autocompleteEngine(query: string): AutocompleteChoice[] {
  const s = cutQuery(query).trim().toLowerCase();
  return ENGINE_CHOICES.filter((e) => e.value.includes(s) || e.name.toLowerCase().includes(s)).map((e) => choice(e.name, e.value));
}

const CONTEXT_PRESETS = [4096, 8192, 16384, 32768, 65536, 131072];

/** Context suggestions: what was typed, read as tokens ("20000" -> 19.5k), then 4k, 8k, 16k, 32k, 64k, 128k. */
export function autocompleteContext(query: string, locale: Locale = 'en'): AutocompleteChoice[] {
  const s = cutQuery(query).trim();
  const out: AutocompleteChoice[] = [];
  const label = (n: number) => (isZh(locale) ? `${tokensShort(n)}（${n.toLocaleString('en-US')} tokens）` : `${tokensShort(n)} (${n.toLocaleString('en-US')} tokens)`);
  if (s) {
    const r = parseContext(/^\d+(\.\d+)?$/.test(s) && Number(s) < 1024 ? `${s}k` : s);
    if (r.ok) out.push(choice(label(r.value), tokensShort(r.value)));
  }
  for (const n of CONTEXT_PRESETS) {
    const v = tokensShort(n);
    if (out.some((o) => o.value === v)) continue;
    if (!s || v.startsWith(s.toLowerCase()) || !out.length) out.push(choice(label(n), v));
  }
  return out.slice(0, MAX_CHOICES);
}

function tokensShort(n: number): string {
  if (n % 1024 === 0) return `${n / 1024}k`;
  return String(n);
}

export function autocompleteQuant(query: string): AutocompleteChoice[] {
  const q = cutQuery(query);
  const cat = catalogs();
  const s = q.trim().toLowerCase();
  return cat.quantEntries
    .filter((e) => !s || e.id.includes(s) || e.name.toLowerCase().includes(s) || e.aliases.some((a) => a.toLowerCase().includes(s)))
    .slice(0, MAX_CHOICES)
    .map((e) => choice(`${e.id} — ${e.name}`, e.id));
}

/** True when the model option is not a catalog name but has the shape of a Hub repo (the answer needs the network). */
export function isHubModel(model: string | undefined): boolean {
  if (!model?.trim()) return false;
  return !indexes(catalogs()).models.resolve(model) && parseHubRef(model) !== undefined;
}

/**
 * Catalog ids and aliases resolve offline first; anything else shaped like a Hub repo is read from the Hub.
 * `model` undefined: the catalog (or buildRequest's own "unknown model") answers.
 */
export async function resolveModelInput(modelOption: string | undefined): Promise<{ ok: true; model?: ModelInput } | { ok: false; error: UserError }> {
  if (!isHubModel(modelOption)) return { ok: true };
  const ix = indexes(catalogs());
  const r = await modelFromHub(modelOption!, { catalogSuggest: (q) => ix.models.suggest(q, 3).map((c) => c.value) });
  if (!r) return { ok: true };
  return r.ok ? { ok: true, model: r.model } : r;
}

const MAX_CONFIG_BYTES = 512 * 1024;

/** Download and parse the `config` attachment. */
export async function readConfigAttachment(ctx: CommandContext): Promise<{ ok: true; config: { json: unknown; name?: string } } | { ok: false; reply: Reply }> {
  const a = ctx.attachment!;
  const bad = (message: string) => ({ ok: false as const, reply: errorReply(ctx.locale, { field: 'config', message }) });
  if (a.size > MAX_CONFIG_BYTES) return bad(`config.json is ${Math.round(a.size / 1024)} KiB; a config.json is a few KiB — is this the right file?`);
  if (!ctx.fetchAttachment) return bad('attachments cannot be read here');
  let text: string;
  try {
    text = await ctx.fetchAttachment(a);
  } catch (e) {
    // The transport's own errors (too large, wrong host, not UTF-8, timeout) carry their specific message.
    if (e instanceof Error && e.name === 'AttachmentError') throw e;
    return bad('the attachment could not be downloaded; try again');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad(`${a.name} is not valid JSON; attach the model's config.json`);
  }
  const name = typeof (json as Record<string, unknown>)?._name_or_path === 'string' ? String((json as Record<string, unknown>)._name_or_path) : a.name.replace(/\.json$/i, '');
  return { ok: true, config: { json, name } };
}

/** Options /size and /recommend share (same names, limits and descriptions). */
export const OPTION = {
  model: { type: ApplicationCommandOptionType.String, name: 'model', ...loc('size.model'), required: true, autocomplete: true, max_length: 100 },
  users: { type: ApplicationCommandOptionType.Integer, name: 'users', ...loc('size.users'), min_value: 1, max_value: 100000 },
  context: { type: ApplicationCommandOptionType.String, name: 'context', ...loc('size.context'), autocomplete: true, max_length: 20 },
  quant: { type: ApplicationCommandOptionType.String, name: 'quant', ...loc('size.quant'), autocomplete: true, max_length: 20 },
  kv: { type: ApplicationCommandOptionType.String, name: 'kv', ...loc('size.kv'), choices: ['bf16', 'fp16', 'fp8', 'q8_0', 'q4_0'].map((k) => ({ name: k, value: k })) },
  engine: {
    type: ApplicationCommandOptionType.String,
    name: 'engine',
    ...loc('size.engine'),
    choices: ENGINE_CHOICES.map((e) => ({ name: e.name, name_localizations: zhLocalizations(e.zh), value: e.value })),
  },
} as const;
