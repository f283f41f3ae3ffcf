// Error lines in the reader's language. Parsers and the engine return a code and its values beside the English
// sentence (UserError.code/params, EstimateError.code/params); an error without a Chinese phrasing here stays English.
import { isZh, type Locale } from '../../commands/types.ts';

type P = Record<string, string | number>;

const WHAT: Record<string, string> = { model: '模型', gpu: 'GPU', engine: '引擎', quant: '量化格式', kv: 'KV 缓存精度' };

/** Why a tensor-parallel size cannot shard the model (layout.ts tpInvalid codes). */
export const TP_WHY: Record<string, (p: P) => string> = {
  'tp.heads': (p) => `${p.heads} 个注意力头不能被 tp=${p.tp} 整除`,
  'tp.kvHeads': (p) => `${p.kvHeads} 个 KV 头与 tp=${p.tp} 不能互相整除`,
  'tp.linear': (p) => `${p.kind} 头（${p.heads}）不能被 tp=${p.tp} 整除`,
  'tp.group': (p) => `${p.name} ${p.width} / tp=${p.tp} = ${p.shard}，不是 ${p.quant} 分组大小 ${p.group} 的整数倍`,
  'ep.experts': (p) => `${p.experts} 个专家不能平均分到 ${p.tp} 个专家并行 rank 上`,
};

export function tpWhyText(code: string, p: P, locale: Locale): string | undefined {
  return isZh(locale) ? TP_WHY[code]?.(p) : undefined;
}

const ZH: Record<string, (p: P) => string> = {
  unknown: (p) => {
    const what = WHAT[String(p.what)] ?? String(p.what);
    return `不认识的${/^[A-Za-z]/.test(what) ? ' ' : ''}${what}“${p.input}”`;
  },
  'model.missing': () => '要估算哪个模型？例如 model:qwen3-32b',
  'gpu.missing': () => '用哪种 GPU？例如 gpu:a10x8 或 gpu:h100',
  'gpu.count': (p) => `GPU 数量必须在 1 到 ${p.max} 之间（收到 ${p.input}）`,
  'context.format': (p) => `${p.field}“${p.input}”不是 token 数`,
  'context.min': (p) => `${p.field} 至少要 1 个 token`,
  'context.max': (p) => `${p.field} ${p.value} 超过了所有模型（最多 ${p.max}）`,
  'int.format': (p) => `${p.field}“${p.input}”必须是 1 到 ${p.max} 的整数`,
  'int.range': (p) => `${p.field} 必须在 1 到 ${p.max} 之间（收到 ${p.input}）`,
  'util.format': (p) => `util“${p.input}”必须是 0.9 这样的比例或 90% 这样的百分比`,
  'textonly.format': (p) => `textonly“${p.input}”必须是 true 或 false`,
  'util.range': (p) => `util ${p.input} 必须大于 0 且不超过 1（GPU 显存的比例）`,
  'engine.versionedVllmOnly': (p) => `只有 vLLM 有分版本的规则（如 vllm@0.19）；请直接用“${p.id}”`,
  'engine.versionFormat': (p) => `“${p.input}”不是 0.19 这样的 vLLM 版本号`,
  'engine.noCuda': (p) => `${p.engine} 不能在 ${p.gpu} 上运行（没有 CUDA）；请用 llama.cpp 或 Ollama`,
  'engine.support': (p) => `${p.engine} 不能在 ${p.gpu} 上运行 ${p.quant}`,
  'kv.llamacppOnly': (p) => `kv:${p.kv} 是 llama.cpp 的缓存类型；${p.engine} 支持 ${p.offers}`,
  'kv.unsupported': (p) => `${p.engine} 没有 ${p.kv} KV 缓存；它支持 ${p.offers}`,
  'tp.gpus': (p) => `tp=${p.tp} 至少需要 ${p.tp} 张 GPU，你只给了 ${p.gpus} 张`,
  'pp.gpus': (p) => `tp × pp = ${p.product}，超过了给定的 ${p.gpus} 张 GPU`,
  'avgcontext.max': (p) => `avgcontext ${p.avg} 大于 context ${p.context}（单个请求的上限）`,
  'layout.tp': (p) => `tp=${p.tp} 不适用于 ${p.model}${TP_WHY[String(p.whyCode)] ? `：${TP_WHY[String(p.whyCode)]!(p)}` : ''}`,
  'layout.count': (p) => `${p.split} 不能整除 ${p.gpus} 张 GPU`,
  'layout.none': (p) => `${p.model} 在 ${p.gpus} 张 GPU 上没有可行的布局${TP_WHY[String(p.whyCode)] ? `：${TP_WHY[String(p.whyCode)]!(p)}` : ''}`,
  'button.old': (p) => `这个按钮来自旧版本的 Headroom，请重新运行 ${p.command}。`,
  'button.bad': (p) => `无法读取这个按钮，请重新运行 ${p.command}。`,
  'button.same': () => '这个改动不会改变问题，请换一个按钮。',
  'config.gpu': () => '用哪种 GPU？例如 gpu:h100',
};

/** Hints (advice sentences) the Chinese reader gets instead of the English one, per code; none is better than English. */
const ZH_HINT: Record<string, (p: P) => string | undefined> = {
  'layout.count': (p) => (p.multiple ? `请用 ${p.multiple} 的倍数张 GPU` : undefined),
  'layout.none': () => '请换一个 GPU 数量',
  'layout.tp': () => undefined,
  'engine.support': () => undefined,
};

/** The error sentence in the reader's language (the English one when there is no Chinese phrasing for its code). */
export function errorText(e: { message: string; code?: string; params?: P }, locale: Locale): string {
  if (!isZh(locale) || !e.code) return e.message;
  const f = ZH[e.code];
  return f ? f(e.params ?? {}) : e.message;
}

/** The advice line: translated when its code has one, dropped in Chinese when only the English exists for a coded error. */
export function hintText(e: { hint?: string; code?: string; params?: P }, locale: Locale): string | undefined {
  if (!e.hint || !isZh(locale) || !e.code) return e.hint;
  if (e.code in ZH_HINT) return ZH_HINT[e.code]!(e.params ?? {});
  return ZH[e.code] ? undefined : e.hint;
}
