// SizingReport -> a PNG chart of one GPU's memory: weights, KV for the users asked, activations, runtime
// overhead, free budget and the part the engine leaves alone. SVG built here, rasterized by resvg with the
// DejaVu Sans font shipped in the dejavu-fonts-ttf package (no system fonts needed).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { SizingReport } from '../engine/report.ts';
import { gib, int, tokens } from './format.ts';
import { engineLabel, layoutShape, verdict } from './text.ts';

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = [join(FONT_DIR, 'DejaVuSans.ttf'), join(FONT_DIR, 'DejaVuSans-Bold.ttf')];
/** For the rasterizing worker (chart-pool.ts): the same fonts and width as chartPng. */
export const CHART_FONTS: readonly string[] = FONTS;
export const CHART_WIDTH = 880;

const COLOURS = {
  weights: '#4c72b0',
  kv: '#55a868',
  activations: '#dd8452',
  overhead: '#8172b3',
  free: '#d9f2df',
  outside: '#e6e6e6',
  short: '#c44e52',
};

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function chartSvg(r: SizingReport): string {
  const W = 880;
  const H = 300;
  const x0 = 30;
  const barW = W - 60;
  const y0 = 92;
  const barH = 54;
  const g = r.perGpu;
  const scaleMax = Math.max(g.capacityBytes, g.weightsBytes + g.kvRequiredBytes + g.activationBytes + g.overheadBytes);
  const px = (b: number) => (b / scaleMax) * barW;
  const segs: Array<{ key: keyof typeof COLOURS; label: string; bytes: number }> = [
    { key: 'weights', label: 'Weights', bytes: g.weightsBytes },
    { key: 'kv', label: `KV ${r.request.users}×${tokens(r.request.contextTokens)}`, bytes: g.kvRequiredBytes },
    { key: 'activations', label: 'Activations', bytes: g.activationBytes },
    { key: 'overhead', label: 'Overhead', bytes: g.overheadBytes },
  ];
  if (g.shortfallBytes > 0) segs.push({ key: 'short', label: 'Short by', bytes: 0 });
  else segs.push({ key: 'free', label: 'Free in budget', bytes: g.freeBytes });
  const outside = Math.max(0, g.capacityBytes - g.budgetBytes);
  if (outside > 0 && g.shortfallBytes === 0) segs.push({ key: 'outside', label: 'Outside budget', bytes: outside });

  const v = verdict(r);
  const vColour = v === 'fits' ? '#2e8b57' : v === 'tight' ? '#b8860b' : '#c0392b';
  const vWord = v === 'fits' ? 'Fits' : v === 'tight' ? 'Fits, tight' : 'Does not fit';
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${x0}" y="32" font-size="19" font-weight="bold" fill="#222">${esc(`${r.model.name} · ${r.request.gpuCount}× ${r.gpu.name}`)}</text>`);
  parts.push(
    `<text x="${x0}" y="56" font-size="14" fill="#444">${esc(`${r.request.quant.toUpperCase()} weights · KV ${r.request.kvDtype} · ${engineLabel(r)} · ${layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas)} · memory of one GPU`)}</text>`,
  );
  parts.push(`<text x="${W - 30}" y="32" font-size="17" font-weight="bold" fill="${vColour}" text-anchor="end">${esc(vWord)}</text>`);

  let x = x0;
  for (const s of segs) {
    const w = px(s.bytes);
    if (w <= 0) continue;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y0}" width="${w.toFixed(1)}" height="${barH}" fill="${COLOURS[s.key]}" stroke="#ffffff" stroke-width="1"/>`);
    if (w > 58) {
      const light = s.key === 'free' || s.key === 'outside';
      parts.push(`<text x="${(x + w / 2).toFixed(1)}" y="${y0 + barH / 2 + 5}" font-size="13" text-anchor="middle" fill="${light ? '#333' : '#fff'}">${esc(gib(s.bytes, 1))}</text>`);
    }
    x += w;
  }
  // overflow beyond the card (does not fit)
  if (g.shortfallBytes > 0) {
    const over = px(g.weightsBytes + g.kvRequiredBytes + g.activationBytes + g.overheadBytes) - px(g.budgetBytes);
    parts.push(`<rect x="${(x0 + px(g.budgetBytes)).toFixed(1)}" y="${y0 - 6}" width="${Math.max(2, over).toFixed(1)}" height="${barH + 12}" fill="none" stroke="${COLOURS.short}" stroke-width="3" stroke-dasharray="6,4"/>`);
  }
  // budget and capacity markers
  const bx = x0 + px(g.budgetBytes);
  const cx = x0 + px(g.capacityBytes);
  parts.push(`<line x1="${bx.toFixed(1)}" y1="${y0 - 14}" x2="${bx.toFixed(1)}" y2="${y0 + barH + 14}" stroke="#222" stroke-width="2"/>`);
  parts.push(`<text x="${bx.toFixed(1)}" y="${y0 - 18}" font-size="12" text-anchor="middle" fill="#222">${esc(`budget ${gib(g.budgetBytes, 1)} (${r.request.util})`)}</text>`);
  parts.push(`<line x1="${cx.toFixed(1)}" y1="${y0}" x2="${cx.toFixed(1)}" y2="${y0 + barH + 24}" stroke="#888" stroke-width="1" stroke-dasharray="3,3"/>`);
  parts.push(`<text x="${cx.toFixed(1)}" y="${y0 + barH + 38}" font-size="12" text-anchor="end" fill="#666">${esc(`visible ${gib(g.capacityBytes, 1)}`)}</text>`);

  // legend
  let lx = x0;
  let ly = y0 + barH + 62;
  for (const s of segs) {
    const label = `${s.label} ${s.key === 'short' ? gib(g.shortfallBytes, 1) : gib(s.bytes, 1)}`;
    if (lx + 26 + label.length * 7.4 > W - 20) {
      lx = x0;
      ly += 22;
    }
    parts.push(`<rect x="${lx}" y="${ly - 11}" width="13" height="13" fill="${COLOURS[s.key]}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly}" font-size="13" fill="#333">${esc(label)}</text>`);
    lx += 26 + label.length * 7.4;
  }
  parts.push(
    `<text x="${x0}" y="${H - 22}" font-size="14" fill="#222">${esc(`Max ${int(r.capacity.maxUsers)} users at ${tokens(r.request.contextTokens)} · max ${tokens(r.capacity.maxContextTokens)} tokens each for ${r.request.users} user${r.request.users === 1 ? '' : 's'} · ~${r.performance.decodeTokensPerSecondPerUser.toFixed(0)} tok/s per user`)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans">${parts.join('')}</svg>`;
}

export function chartPng(r: SizingReport): Buffer {
  const resvg = new Resvg(chartSvg(r), {
    font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'width', value: CHART_WIDTH },
  });
  return Buffer.from(resvg.render().asPng());
}
