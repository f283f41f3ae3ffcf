// Cost figures as people read them: "$28.00/h", "$256,000", "5.6 kW", "$0.42 per million output tokens".
import { lang, type Locale } from '../../commands/types.ts';
import { AMORTIZATION_YEARS } from '../engine/cost.ts';
import type { Cost } from '../engine/report.ts';
import { colon } from './format.ts';

export function usd(x: number): string {
  if (x >= 100) return `$${Math.round(x).toLocaleString('en-US')}`;
  if (x >= 1) return `$${x.toFixed(2)}`;
  return `$${x.toPrecision(2)}`;
}

export function cny(x: number): string {
  return `¥${Math.round(x).toLocaleString('en-US')}`;
}

export function watts(w: number): string {
  return w >= 1000 ? `${(w / 1000).toFixed(1)} kW` : `${Math.round(w)} W`;
}

const WORDS = {
  en: {
    label: 'Cost',
    perHour: (v: string) => `${v}/h to rent`,
    buy: (v: string) => `buy ${v}`,
    power: (v: string) => `${v} board power`,
    perMillion: (v: string, basis: Cost['basis']) =>
      `${v} per million output tokens at this load${basis === 'purchase' ? ` (purchase over ${AMORTIZATION_YEARS} years, 24/7, power excluded)` : ''}`,
    none: 'no sourced price',
  },
  'zh-CN': {
    label: '成本',
    perHour: (v: string) => `租用 ${v}/小时`,
    buy: (v: string) => `购买 ${v}`,
    power: (v: string) => `板卡功耗 ${v}`,
    perMillion: (v: string, basis: Cost['basis']) =>
      `此负载下每百万输出 token ${v}${basis === 'purchase' ? `（购买价按 ${AMORTIZATION_YEARS} 年全天运行摊销，不含电费）` : ''}`,
    none: '暂无有来源的价格',
  },
} as const;

/** Who the price is from, short: the cloud provider, or the purchase source up to its first dash or URL. */
export function shortSource(c: Cost): string {
  if (c.basis === 'cloud' && c.provider) return c.provider;
  const s = c.source.split(/ — | https?:\/\//)[0].trim();
  return s.length > 70 ? `${s.slice(0, 69)}…` : s;
}

/** One line: rent or purchase, power, $ per million output tokens, and the price's source and date. */
export function costLine(c: Cost, locale: Locale = 'en'): string {
  const w = WORDS[lang(locale)];
  const parts: string[] = [];
  if (c.perHourUsd !== undefined) parts.push(w.perHour(usd(c.perHourUsd)));
  const buy = [c.purchaseUsd !== undefined ? usd(c.purchaseUsd) : '', c.purchaseCny !== undefined ? cny(c.purchaseCny) : ''].filter(Boolean).join(' / ');
  if (buy) parts.push(w.buy(buy));
  if (c.perMillionOutputTokensUsd !== undefined) parts.push(w.perMillion(usd(c.perMillionOutputTokensUsd), c.basis));
  if (c.basis === 'none') parts.push(w.none);
  if (c.powerW !== undefined) parts.push(w.power(watts(c.powerW)));
  const src = c.basis === 'none' ? '' : ` [${shortSource(c)}, ${c.date}]`;
  return `${w.label}${colon(locale)}${parts.join(' · ')}${src}`;
}
