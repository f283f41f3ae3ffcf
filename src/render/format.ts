// Number formatting people read: GiB with 1–2 decimals, "≈", thousands separators, k-tokens.
import { isZh, type Locale } from '../../commands/types.ts';
import { eastAsianWidth } from 'get-east-asian-width';

const GiB = 2 ** 30;

export function gib(bytes: number, digits?: number): string {
  const v = bytes / GiB;
  const d = digits ?? (v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return `${v.toFixed(d)} GiB`;
}

export function bytesHuman(b: number): string {
  if (b >= GiB) return gib(b);
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(b >= 10240 ? 0 : 1)} KiB`;
  return `${Math.round(b)} B`;
}

export function int(n: number, locale: Locale = 'en'): string {
  return Math.round(n).toLocaleString(isZh(locale) ? 'zh-CN' : 'en-US');
}

/** 4096 -> "4k", 131072 -> "128k", 24128 -> "23.6k", 500 -> "500". */
export function tokens(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}M`;
  if (n >= 1024) {
    const k = n / 1024;
    return Number.isInteger(k) ? `${k}k` : `${k >= 100 ? Math.round(k) : k.toFixed(1)}k`;
  }
  return String(n);
}

export function params(n: number): string {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e11 ? 0 : 1)}B`;
  return `${(n / 1e6).toFixed(0)}M`;
}

export function rate(x: number): string {
  if (x >= 1000) return int(x);
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function seconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

/** Significant-figure formatting for explanation values. */
export function sig(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(4);
  return String(+x.toPrecision(6));
}

/** East Asian wide and full-width characters take two columns in a monospace font (UAX #11 W and F, from the Unicode data). */
export function isWide(ch: string): boolean {
  return eastAsianWidth(ch.codePointAt(0)!) === 2;
}

/** Columns a string takes in a monospace font (CJK = 2). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch) ? 2 : 1;
  return w;
}

/** padEnd by display columns, so CJK labels line up in code blocks and terminals. */
export function padEndDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** The separator after a label: full-width in Chinese ('容量：'), ASCII with a space in English ('Capacity: '). */
export function colon(locale: Locale): string {
  return isZh(locale) ? '：' : ': ';
}

/** A parenthetical after a label: full-width brackets in Chinese ('启动命令（vLLM）'), ' (…)' in English. */
export function paren(s: string, locale: Locale): string {
  return isZh(locale) ? `（${s}）` : ` (${s})`;
}
