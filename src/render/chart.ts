// SizingReport -> a PNG of one GPU's memory for the Discord card: weights, KV for the users asked, activations,
// runtime overhead, then the free budget (or the shortfall) and the part the engine leaves alone.
//
// Made for how Discord shows it: the card's media gallery scales the image to ~520 px on desktop and ~292 px on a
// phone, so the canvas is 600 px wide and the smallest text is 22 px (≈ 11 px on a phone). A dark rounded panel
// keeps the colours readable on the dark and the light theme alike. The title is the verdict and the key figure.
// Text is drawn by resvg with fonts from npm packages, registered explicitly (no system fonts): DejaVu Sans for
// Latin, and for Chinese Noto Sans SC (GB 2312 set, @embedpdf/fonts-sc, SIL OFL 1.1, used unmodified).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { isZh, type Locale } from '../../commands/types.ts';
import type { SizingReport } from '../engine/report.ts';
import { gib, int, isWide, tokens } from './format.ts';
import { t } from './i18n.ts';
import { forLocale } from './zh-tw.ts';
import { engineLabel, layoutShape, verdict } from './text.ts';

const require = createRequire(import.meta.url);
const DEJAVU_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
// The package exports only its index (dist/index.cjs); the fonts sit in ../fonts beside it.
const CJK_DIR = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
const LATIN_FONTS = [join(DEJAVU_DIR, 'DejaVuSans.ttf'), join(DEJAVU_DIR, 'DejaVuSans-Bold.ttf')];
// Regular only: each 8 MB face costs ~40 ms to load per render, and a bold title reads well enough in regular.
const CJK_FONTS = [join(CJK_DIR, 'NotoSansHans-Regular.otf')];
/** The family name inside NotoSansHans-*.otf. */
export const CJK_FAMILY = 'Noto Sans S Chinese';
const LATIN_FAMILY = 'DejaVu Sans';

export const CHART_WIDTH = 600;

/** Colours that read on a dark panel (and so on both Discord themes). */
const C = {
  panel: '#1e1f22',
  text: '#f2f3f5',
  muted: '#b5bac1',
  weights: '#5b8def',
  kv: '#3ba55d',
  activations: '#f0a04b',
  overhead: '#a78bfa',
  free: '#3ba55d',
  outside: '#4e5058',
  short: '#ed4245',
  fits: '#3ba55d',
  tight: '#f0b232',
  no: '#ed4245',
};

type Key = 'weights' | 'kv' | 'activations' | 'overhead' | 'free' | 'outside' | 'short';

interface ChartWords {
  title: string;
  subtitle: string;
  legend: Record<Key, string>;
  budget: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Width of text in px at a font size, counting CJK and full-width characters as one em. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += isWide(ch) ? size : /[A-Z0-9MW@%]/.test(ch) ? size * 0.66 : size * 0.56;
  return w;
}

function shortGpu(name: string): string {
  return name.replace(/\s*\([^)]*\)/g, '').replace(/^(NVIDIA|GeForce)\s+/i, '').trim() || name;
}

function words(r: SizingReport, locale: Locale): ChartWords {
  const s = t(locale);
  const ch = s.chart;
  const v = verdict(r);
  const ctx = tokens(r.request.contextTokens);
  const head = v === 'fits' ? s.verdictFits : v === 'tight' ? s.verdictTight : s.verdictNo;
  const key = r.fits ? ch.keyFits(int(r.capacity.maxUsers, locale), ctx) : ch.keyShort(gib(r.perGpu.shortfallBytes, 1));
  const words: ChartWords = {
    title: `${head} · ${key}`,
    subtitle: `${r.model.name} · ${r.request.gpuCount}× ${shortGpu(r.gpu.name)} · ${r.request.quant.toUpperCase()} · ${engineLabel(r)} · ${ch.oneGpu(layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas))}`,
    legend: {
      weights: ch.weights,
      kv: ch.kv(String(r.request.users), ctx),
      activations: ch.activations,
      overhead: ch.overhead,
      free: ch.free,
      outside: ch.outside,
      short: ch.short,
    },
    budget: ch.budget(gib(r.perGpu.budgetBytes, 1), gib(r.perGpu.capacityBytes, 1), String(r.request.util)),
  };
  if (locale !== 'zh-TW') return words;
  // A PNG cannot be converted on its way out: a zh-TW chart is lettered in Traditional here.
  const tw = (x: string) => forLocale(x, locale);
  return { title: tw(words.title), subtitle: tw(words.subtitle), budget: tw(words.budget), legend: Object.fromEntries(Object.entries(words.legend).map(([k, v]) => [k, tw(v)])) as Record<Key, string> };
}

/** Shrink a font size until the text fits the width. */
function fit(s: string, size: number, width: number, min = 18): number {
  let f = size;
  while (f > min && textWidth(s, f) > width) f -= 1;
  return f;
}

export function chartSvg(r: SizingReport, locale: Locale = 'en'): string {
  const w = words(r, locale);
  const g = r.perGpu;
  const W = CHART_WIDTH;
  const pad = 24;
  const barX = pad;
  const barW = W - 2 * pad;
  const barY = 118;
  const barH = 72;
  const need = g.weightsBytes + g.kvRequiredBytes + g.activationBytes + g.overheadBytes;
  const scaleMax = Math.max(g.capacityBytes, need);
  const px = (b: number) => (b / scaleMax) * barW;
  const v = verdict(r);
  const vColour = C[v];
  const family = isZh(locale) ? CJK_FAMILY : LATIN_FAMILY;

  const segs: Array<{ key: Key; bytes: number }> = [
    { key: 'weights', bytes: g.weightsBytes },
    { key: 'kv', bytes: g.kvRequiredBytes },
    { key: 'activations', bytes: g.activationBytes },
    { key: 'overhead', bytes: g.overheadBytes },
  ];
  const outside = Math.max(0, g.capacityBytes - g.budgetBytes);
  const legend: Array<{ key: Key; bytes: number }> = [...segs];
  if (g.shortfallBytes > 0) legend.push({ key: 'short', bytes: g.shortfallBytes });
  else legend.push({ key: 'free', bytes: g.freeBytes });
  if (outside > 0 && g.shortfallBytes === 0) legend.push({ key: 'outside', bytes: outside });

  const p: string[] = [];
  p.push(
    `<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="12" height="12" patternTransform="rotate(45)"><rect width="12" height="12" fill="${C.short}" fill-opacity="0.35"/><rect width="6" height="12" fill="${C.short}"/></pattern>` +
      `<pattern id="freeP" patternUnits="userSpaceOnUse" width="10" height="10" patternTransform="rotate(45)"><rect width="10" height="10" fill="${C.free}" fill-opacity="0.16"/><rect width="2" height="10" fill="${C.free}" fill-opacity="0.45"/></pattern></defs>`,
  );
  const fill = (k: Key) => (k === 'short' ? 'url(#hatch)' : k === 'free' ? 'url(#freeP)' : C[k]);
  // Title: verdict and the key figure, in the verdict colour; subtitle: what was sized.
  const titleSize = fit(w.title, 32, W - 2 * pad, 24);
  p.push(`<text x="${pad}" y="54" font-size="${titleSize}" font-weight="bold" fill="${vColour}">${esc(w.title)}</text>`);
  const subSize = fit(w.subtitle, 22, W - 2 * pad, 17);
  p.push(`<text x="${pad}" y="90" font-size="${subSize}" fill="${C.muted}">${esc(w.subtitle)}</text>`);

  // The bar: used memory from the left; free (or outside the budget) after it.
  const bx = barX + px(g.budgetBytes);
  // Figures go on the part of a segment left of the budget line when it does not fit (the hatch covers the rest),
  // and are drawn after it.
  const visibleEnd = g.shortfallBytes > 0 ? bx : Infinity;
  const figures: string[] = [];
  let x = barX;
  for (const s of segs) {
    const sw = px(s.bytes);
    if (sw <= 0) continue;
    p.push(`<rect x="${x.toFixed(1)}" y="${barY}" width="${sw.toFixed(1)}" height="${barH}" fill="${C[s.key]}"/>`);
    const shown = Math.min(x + sw, visibleEnd) - x;
    if (shown > 70) figures.push(`<text x="${(x + shown / 2).toFixed(1)}" y="${barY + barH / 2 + 9}" font-size="24" font-weight="bold" text-anchor="middle" fill="#0b0c0e">${esc(gib(s.bytes, 1).replace(' GiB', ''))}</text>`);
    x += sw;
  }
  const cx = barX + px(g.capacityBytes);
  if (g.shortfallBytes === 0 && g.freeBytes > 0) {
    p.push(`<rect x="${x.toFixed(1)}" y="${barY}" width="${Math.max(0, bx - x).toFixed(1)}" height="${barH}" fill="url(#freeP)"/>`);
    if (bx - x > 70) p.push(`<text x="${((x + bx) / 2).toFixed(1)}" y="${barY + barH / 2 + 9}" font-size="24" text-anchor="middle" fill="${C.text}">${esc(gib(g.freeBytes, 1).replace(' GiB', ''))}</text>`);
  }
  if (outside > 0 && cx > bx && g.shortfallBytes === 0) p.push(`<rect x="${bx.toFixed(1)}" y="${barY}" width="${(cx - bx).toFixed(1)}" height="${barH}" fill="${C.outside}"/>`);
  if (g.shortfallBytes > 0) {
    // What does not fit: the part of the bar past the budget line, hatched red as in the legend.
    const sw = Math.max(4, barX + px(need) - bx);
    p.push(`<rect x="${bx.toFixed(1)}" y="${barY}" width="${sw.toFixed(1)}" height="${barH}" fill="url(#hatch)" stroke="${C.short}" stroke-width="3"/>`);
    // The shortfall's own figure, on a dark pill so it reads over the hatch.
    const label = `−${gib(g.shortfallBytes, 1).replace(' GiB', '')}`;
    const lw = textWidth(label, 24) + 20;
    if (sw > lw + 12) {
      const cxs = bx + sw / 2;
      figures.push(`<rect x="${(cxs - lw / 2).toFixed(1)}" y="${barY + barH / 2 - 18}" width="${lw.toFixed(1)}" height="36" rx="8" fill="${C.panel}" fill-opacity="0.9"/>`);
      figures.push(`<text x="${cxs.toFixed(1)}" y="${barY + barH / 2 + 9}" font-size="24" font-weight="bold" text-anchor="middle" fill="${C.text}">${esc(label)}</text>`);
    }
  }
  p.push(...figures);
  p.push(`<rect x="${barX}" y="${barY}" width="${px(g.capacityBytes).toFixed(1)}" height="${barH}" fill="none" stroke="${C.muted}" stroke-width="1.5"/>`);
  // Budget line and its label under the bar.
  p.push(`<line x1="${bx.toFixed(1)}" y1="${barY - 10}" x2="${bx.toFixed(1)}" y2="${barY + barH + 10}" stroke="${C.text}" stroke-width="3"/>`);
  const bSize = fit(w.budget, 22, W - 2 * pad, 18);
  p.push(`<text x="${pad}" y="${barY + barH + 40}" font-size="${bSize}" fill="${C.muted}">${esc(w.budget)}</text>`);

  // Legend: two columns, swatch drawn exactly as its part of the bar.
  const colW = (W - 2 * pad) / 2;
  const ly0 = barY + barH + 84;
  legend.forEach((s, i) => {
    const col = i % 2;
    const rowN = Math.floor(i / 2);
    const lx = pad + col * colW;
    const ly = ly0 + rowN * 40;
    const label = `${w.legend[s.key]} ${gib(s.bytes, 1)}`;
    const size = fit(label, 24, colW - 40, 19);
    p.push(`<rect x="${lx}" y="${ly - 21}" width="26" height="26" rx="4" fill="${fill(s.key)}"${s.key === 'short' ? ` stroke="${C.short}" stroke-width="2"` : s.key === 'free' ? ` stroke="${C.free}" stroke-width="1.5"` : ''}/>`);
    p.push(`<text x="${lx + 36}" y="${ly}" font-size="${size}" fill="${C.text}">${esc(label)}</text>`);
  });
  const H = ly0 + Math.ceil(legend.length / 2) * 40 - 8;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${family}">` +
    `<rect width="${W}" height="${H}" rx="18" fill="${C.panel}"/>${p.join('')}</svg>`
  );
}

/** For the rasterizing worker (chart-pool.ts): the Latin fonts (chartFonts(locale) gives the set per language). */
export const CHART_FONTS: readonly string[] = LATIN_FONTS;

/** The font files and default family a chart in this language is drawn with. */
export function chartFonts(locale: Locale): { files: string[]; family: string } {
  return isZh(locale) ? { files: [...CJK_FONTS, ...LATIN_FONTS], family: CJK_FAMILY } : { files: LATIN_FONTS, family: LATIN_FAMILY };
}

/** The rasterizer for a chart; `latinOnly` leaves the CJK font out (tests: what tofu would look like). */
export function chartResvg(r: SizingReport, locale: Locale = 'en', opts: { latinOnly?: boolean } = {}): Resvg {
  const f = chartFonts(opts.latinOnly ? 'en' : locale);
  return new Resvg(chartSvg(r, locale), {
    font: { fontFiles: f.files, loadSystemFonts: false, defaultFontFamily: f.family },
    fitTo: { mode: 'width', value: CHART_WIDTH },
  });
}

export function chartPng(r: SizingReport, locale: Locale = 'en'): Buffer {
  return Buffer.from(chartResvg(r, locale).render().asPng());
}
