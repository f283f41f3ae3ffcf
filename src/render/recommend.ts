// /recommend result -> terminal text and Discord embed: tiers, each option with its reason, price and limits.
import type { APIEmbed } from 'discord-api-types/v10';
import { isZh, lang, type Locale } from '../../commands/types.ts';
import { AMORTIZATION_YEARS } from '../engine/cost.ts';
import { TIER_LABEL, type RecommendOption, type RecommendResult, type TierId } from '../engine/recommend.ts';
import type { Note } from '../engine/report.ts';
import type { SizingRequest } from '../engine/types.ts';
import { cny, usd, watts } from './cost.ts';
import { COLOURS, fitEmbed } from './embed.ts';
import { colon, tokens } from './format.ts';
import { noteText, t } from './i18n.ts';
import { engineLabel, engineName } from './text.ts';

type Base = Omit<SizingRequest, 'gpu' | 'gpuCount' | 'tp' | 'pp'>;

/** Options shown (and given a "Size it" button) in Discord: five rows of five buttons at most. */
export const MAX_SHOWN = 15;

const WORDS = {
  en: {
    head: (users: number, ctx: string, quant: string, engine: string, tps: number, ttft?: number) => `${users} users × ${ctx} tokens · ${quant} · ${engine} · at least ${tps} tok/s per user${ttft !== undefined ? `, first token within ${ttft} s` : ''}`,
    appleGguf: 'llama.cpp on Apple / GGUF',
    rent: (v: string) => `${v}/h to rent`,
    buy: (v: string) => `buy ${v}`,
    perM: (v: string, rented: boolean) => `${v} per M output tokens (${rented ? 'rented' : `bought, ${AMORTIZATION_YEARS} y, power excluded`})`,
    noPrice: 'no sourced price',
    footer: `Ranked by price (purchase, or cloud rent over ${AMORTIZATION_YEARS} years; unpriced after priced, by memory bought), then cards, then speed. CUDA / ROCm first; one node before several.`,
    tiers: {} as Partial<Record<TierId, string>>,
  },
  'zh-CN': {
    head: (users: number, ctx: string, quant: string, engine: string, tps: number, ttft?: number) => `${users} 个用户 × ${ctx} tokens · ${quant} · ${engine} · 每用户至少 ${tps} tok/s${ttft !== undefined ? `，首 token ${ttft} 秒内` : ''}`,
    appleGguf: 'Apple / GGUF 用 llama.cpp',
    rent: (v: string) => `租用 ${v}/小时`,
    buy: (v: string) => `购买 ${v}`,
    perM: (v: string, rented: boolean) => `每百万输出 token ${v}（${rented ? '租用' : `购买，${AMORTIZATION_YEARS} 年摊销，不含电费`}）`,
    noPrice: '暂无有来源的价格',
    footer: `按价格排序（购买价，或按 ${AMORTIZATION_YEARS} 年云租金；无价格的排在有价格的之后，按显存总量），其次卡数、速度。CUDA / ROCm 优先；单机优先于多机。`,
    tiers: {
      have: '在现有硬件上扩展',
      consumer: '单卡，32 GB 以内（消费级、L4 / A10 级）',
      workstation: '单卡，40–96 GB（工作站、L40S / A100 40GB 级）',
      datacenter: '单卡，80 GB 以上数据中心卡',
      'multi-gpu': '单机多卡',
      'multi-node': '多机',
      ascend: '华为昇腾',
      apple: 'Apple 统一内存',
    } as Partial<Record<TierId, string>>,
  },
} as const;

type P = Record<string, string | number>;
/** Chinese for recommend's own codes; engine notes (hw.*) go through the shared note translations. */
const ZH: Record<string, (p: P) => string> = {
  'rec.reason': (p) => `${p.shape}：${p.room ? `可容纳 ${p.maxUsers} 个用户` : `${p.maxUsers} 个用户放得下`}（${p.context}），每用户约 ${p.tps} tok/s，${p.users} 个用户时每人最多 ${p.maxContext} 上下文`,
  'rec.pcie': (p) => `只有 PCIe：TP${p.tp} 的 all-reduce 走 PCIe`,
  'rec.nodes': (p) => `${p.nodes} 台机器：机间需要 InfiniBand / RoCE`,
  'rec.ascend': () => '不能用仅限 CUDA 的引擎和算子：用 vllm-ascend 或 MindIE 部署',
  'rec.apple': (p) => `没有 CUDA：不能用 vLLM / SGLang；用 Metal 上的 ${p.engine}，只能单机`,
  'rec.rocm': () => 'ROCm：仅限 CUDA 的算子（Marlin、FlashInfer）不可用',
  'rec.ctx': (p) => `${p.users} 个用户时每人最多 ${p.context} tokens（模型支持 ${p.max}）`,
  'rec.slow': (p) => `每用户低于 ${p.floor} tok/s（约 ${p.tps}）`,
  'rec.ttft': (p) => `负载下首 token 需 ${p.ttft} 秒（目标 ${p.ceiling} 秒）`,
  'rec.format': (p) => `${p.from} 在这里不能用 ${p.engine} 运行：按 ${p.to} 估算`,
};

export function recText(n: Note, locale: Locale): string {
  if (isZh(locale) && n.params && ZH[n.code]) return ZH[n.code](n.params);
  return noteText(n, locale).replace(/[.。]$/, '');
}

export function tierLabel(id: TierId, locale: Locale = 'en'): string {
  return WORDS[lang(locale)].tiers[id] ?? TIER_LABEL[id];
}

export function recommendHead(base: Base, res: RecommendResult, locale: Locale = 'en'): string {
  const w = WORDS[lang(locale)];
  const name = engineName(base.engine.version ? `${base.engine.id}@${base.engine.version}` : base.engine.id);
  const engine = base.defaulted.engine && res.options.some((o) => o.engine.id !== base.engine.id) ? `${name} (${w.appleGguf})` : name;
  return w.head(base.users, tokens(base.contextTokens), base.quant.id.toUpperCase(), engine, res.minTokensPerUser, base.defaulted.ttft ? undefined : base.targetTtftSeconds);
}

export function priceText(o: RecommendOption, locale: Locale = 'en'): string {
  const w = WORDS[lang(locale)];
  const c = o.report.cost;
  const parts: string[] = [];
  if (c.perHourUsd !== undefined) parts.push(w.rent(usd(c.perHourUsd)));
  const buy = [c.purchaseUsd !== undefined ? usd(c.purchaseUsd) : '', c.purchaseCny !== undefined ? cny(c.purchaseCny) : ''].filter(Boolean).join(' / ');
  if (buy) parts.push(w.buy(buy));
  if (c.perMillionOutputTokensUsd !== undefined) parts.push(w.perM(usd(c.perMillionOutputTokensUsd), c.basis === 'cloud'));
  if (c.basis === 'none') parts.push(w.noPrice);
  if (c.powerW !== undefined) parts.push(watts(c.powerW));
  return parts.join(' · ');
}

export function optionTitle(o: RecommendOption): string {
  const quant = o.quant.id === o.report.request.quant ? o.quant.id.toUpperCase() : o.report.request.quant.toUpperCase();
  return `${o.count}× ${o.gpu.name} (${quant}, ${engineLabel(o.report)})`;
}

/** Display order: tiers in result order, options numbered across tiers. */
export function shownOptions(res: RecommendResult, max = Infinity, locale: Locale = 'en'): Array<{ n: number; tier: string; option: RecommendOption }> {
  const out: Array<{ n: number; tier: string; option: RecommendOption }> = [];
  for (const tier of res.tiers) for (const option of tier.options) if (out.length < max) out.push({ n: out.length + 1, tier: tierLabel(tier.id, locale), option });
  return out;
}

function optionLines(n: number, o: RecommendOption, bold: boolean, locale: Locale): string[] {
  const b = bold ? '**' : '';
  const lines = [`${n}. ${b}${optionTitle(o)}${b}${isZh(locale) ? '——' : ' — '}${recText(o.reason, locale)}`, `   ${priceText(o, locale)}`];
  if (o.cannot.length) lines.push(`   ✗ ${o.cannot.map((c) => recText(c, locale)).join(isZh(locale) ? '；' : '; ')}`);
  return lines;
}

export function renderRecommendText(base: Base, res: RecommendResult, locale: Locale = 'en'): string {
  const s = t(locale);
  const lines = [s.recommendTitle(base.model.name), recommendHead(base, res, locale), ''];
  if (!res.options.length) lines.push(s.recommendNone);
  let last = '';
  for (const x of shownOptions(res, Infinity, locale)) {
    if (x.tier !== last) {
      if (last) lines.push('');
      lines.push(`${x.tier}${colon(locale).trimEnd()}`);
      last = x.tier;
    }
    lines.push(...optionLines(x.n, x.option, false, locale).map((l) => `  ${l}`));
  }
  lines.push('', WORDS[lang(locale)].footer);
  return lines.join('\n');
}

export function recommendEmbed(base: Base, res: RecommendResult, locale: Locale = 'en'): APIEmbed {
  const s = t(locale);
  const shown = shownOptions(res, MAX_SHOWN, locale);
  const fields: Array<{ name: string; value: string }> = [];
  for (const x of shown) {
    const f = fields.find((y) => y.name === x.tier);
    const text = optionLines(x.n, x.option, true, locale).join('\n');
    if (f && f.value.length + text.length + 1 <= 1024) f.value += `\n${text}`;
    else fields.push({ name: x.tier, value: text });
  }
  return fitEmbed({
    title: s.recommendTitle(base.model.name),
    description: shown.length ? recommendHead(base, res, locale) : `${recommendHead(base, res, locale)}\n\n${s.recommendNone}`,
    color: shown.length ? COLOURS.info : COLOURS.no,
    fields,
    footer: { text: WORDS[lang(locale)].footer },
  });
}
