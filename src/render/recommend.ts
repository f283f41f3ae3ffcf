// /recommend result -> terminal text and Discord embed: tiers, each option with its reason, price and limits.
import type { APIEmbed } from 'discord-api-types/v10';
import type { Locale } from '../../commands/types.ts';
import { AMORTIZATION_YEARS } from '../engine/cost.ts';
import type { RecommendOption, RecommendResult } from '../engine/recommend.ts';
import type { SizingRequest } from '../engine/types.ts';
import { cny, usd, watts } from './cost.ts';
import { COLOURS, fitEmbed } from './embed.ts';
import { tokens } from './format.ts';
import { t } from './i18n.ts';
import { engineLabel, engineName } from './text.ts';

type Base = Omit<SizingRequest, 'gpu' | 'gpuCount' | 'tp' | 'pp'>;

/** Options shown (and given a "Size it" button) in Discord: five rows of five buttons at most. */
export const MAX_SHOWN = 15;

export function recommendHead(base: Base, res: RecommendResult): string {
  const engine = base.defaulted.engine ? (res.options.some((o) => o.engine.id !== base.engine.id) ? `${engineName(base.engine.id)} (llama.cpp on Apple / GGUF)` : engineName(base.engine.id)) : engineName(base.engine.version ? `${base.engine.id}@${base.engine.version}` : base.engine.id);
  return `${base.users} users × ${tokens(base.contextTokens)} tokens · ${base.quant.id.toUpperCase()} · ${engine} · at least ${res.minTokensPerUser} tok/s per user`;
}

export function priceText(o: RecommendOption): string {
  const c = o.report.cost;
  const parts: string[] = [];
  if (c.perHourUsd !== undefined) parts.push(`${usd(c.perHourUsd)}/h to rent`);
  const buy = [c.purchaseUsd !== undefined ? usd(c.purchaseUsd) : '', c.purchaseCny !== undefined ? cny(c.purchaseCny) : ''].filter(Boolean).join(' / ');
  if (buy) parts.push(`buy ${buy}`);
  if (c.perMillionOutputTokensUsd !== undefined) parts.push(`${usd(c.perMillionOutputTokensUsd)} per M output tokens (${c.basis === 'cloud' ? 'rented' : `bought, ${AMORTIZATION_YEARS} y`})`);
  if (c.basis === 'none') parts.push('no sourced price');
  if (c.powerW !== undefined) parts.push(watts(c.powerW));
  return parts.join(' · ');
}

export function optionTitle(o: RecommendOption): string {
  const quant = o.quant.id === o.report.request.quant ? o.quant.id.toUpperCase() : o.report.request.quant.toUpperCase();
  return `${o.count}× ${o.gpu.name} (${quant}, ${engineLabel(o.report)})`;
}

/** Display order: tiers in result order, options numbered across tiers. */
export function shownOptions(res: RecommendResult, max = Infinity): Array<{ n: number; tier: string; option: RecommendOption }> {
  const out: Array<{ n: number; tier: string; option: RecommendOption }> = [];
  for (const tier of res.tiers) for (const option of tier.options) if (out.length < max) out.push({ n: out.length + 1, tier: tier.label, option });
  return out;
}

function optionLines(n: number, o: RecommendOption, bold: boolean): string[] {
  const b = bold ? '**' : '';
  const lines = [`${n}. ${b}${optionTitle(o)}${b} — ${o.reason}`, `   ${priceText(o)}`];
  if (o.cannot.length) lines.push(`   ✗ ${o.cannot.join('; ')}`);
  return lines;
}

const FOOTER = `Ranked by price (purchase, or cloud rent over ${AMORTIZATION_YEARS} years; unpriced after priced, by memory bought), then cards, then speed. CUDA / ROCm first; one node before several.`;

export function renderRecommendText(base: Base, res: RecommendResult, locale: Locale = 'en'): string {
  const s = t(locale);
  const lines = [s.recommendTitle(base.model.name), recommendHead(base, res), ''];
  if (!res.options.length) lines.push(s.recommendNone);
  let last = '';
  for (const x of shownOptions(res)) {
    if (x.tier !== last) {
      if (last) lines.push('');
      lines.push(`${x.tier}:`);
      last = x.tier;
    }
    lines.push(...optionLines(x.n, x.option, false).map((l) => `  ${l}`));
  }
  lines.push('', FOOTER);
  return lines.join('\n');
}

export function recommendEmbed(base: Base, res: RecommendResult, locale: Locale = 'en'): APIEmbed {
  const s = t(locale);
  const shown = shownOptions(res, MAX_SHOWN);
  const fields: Array<{ name: string; value: string }> = [];
  for (const x of shown) {
    const f = fields.find((y) => y.name === x.tier);
    const text = optionLines(x.n, x.option, true).join('\n');
    if (f && f.value.length + text.length + 1 <= 1024) f.value += `\n${text}`;
    else fields.push({ name: x.tier, value: text });
  }
  return fitEmbed({
    title: s.recommendTitle(base.model.name),
    description: shown.length ? recommendHead(base, res) : `${recommendHead(base, res)}\n\n${s.recommendNone}`,
    color: shown.length ? COLOURS.info : COLOURS.no,
    fields,
    footer: { text: FOOTER },
  });
}
