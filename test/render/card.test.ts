// The /size answer as a Discord card: short, the same structure for every verdict, buttons that move toward a
// fit, what-ifs that say what changed, and a chart in the reader's language.
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { applyAction, decodeAction } from '../../commands/size-actions.ts';
import { answerSize, CHART_NAME, size as sizeCommand } from '../../commands/size.ts';
import type { Locale, Reply } from '../../commands/types.ts';
import { catalogs } from '../../src/catalog/load.ts';
import { buildRequest } from '../../src/catalog/parse.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { cardTextLength, changeLine, detailsSections } from '../../src/render/card.ts';
import { chartFonts, chartPng, chartSvg } from '../../src/render/chart.ts';
import { COLOURS } from '../../src/render/embed.ts';
import { table, verdict } from '../../src/render/text.ts';
import { displayWidth, gib } from '../../src/render/format.ts';
import { FakeDiscord } from '../fake-discord/index.ts';
import { size } from '../helpers/req.ts';

const FITS = { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' };
const TIGHT = { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' };
const NO = { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '32k' };

type Node = { type: number; content?: string; components?: Node[]; custom_id?: string; label?: string; style?: number; accent_color?: number; items?: { media: { url: string } }[] };

async function card(opts: Record<string, string>, locale: Locale = 'en'): Promise<{ reply: Reply; nodes: Node[] }> {
  const res = await answerSize(opts, { locale, options: {} });
  if (!res.ok) throw new Error(res.reply.text);
  const container = res.answer.reply.layout![0] as unknown as Node;
  return { reply: res.answer.reply, nodes: container.components! };
}

function buttons(nodes: Node[]): Node[] {
  const out: Node[] = [];
  const walk = (xs: Node[]) => xs.forEach((x) => (x.type === 2 ? out.push(x) : walk(x.components ?? [])));
  walk(nodes);
  return out;
}

const action = (b: Node) => {
  const d = decodeAction(b.custom_id!);
  if (!d.ok) throw new Error(d.detail);
  return d.value;
};

describe('card per verdict', () => {
  for (const [name, opts, v, icon] of [
    ['fits', FITS, 'fits', '✅'],
    ['tight', TIGHT, 'tight', '🟡'],
    ['does not fit', NO, 'no', '❌'],
  ] as const) {
    for (const locale of ['en', 'zh-CN'] as const) {
      it(`${name} (${locale}): heading, key numbers, one note, chart, actions; under 900 characters`, async () => {
        const { reply, nodes } = await card(opts, locale);
        expect(verdict(size(opts))).toBe(v);
        expect(reply.embeds ?? []).toEqual([]);
        expect(reply.content).toBeUndefined();
        expect(reply.layout).toHaveLength(1);
        const container = reply.layout![0] as unknown as Node;
        expect(container.type).toBe(17);
        expect(container.accent_color).toBe(COLOURS[v]);
        expect(nodes[0]!.type).toBe(10);
        expect(nodes[0]!.content!.startsWith(`### ${icon} `)).toBe(true);
        expect(nodes[1]!.type).toBe(10);
        const keyLines = nodes[1]!.content!.split('\n');
        expect(keyLines.length).toBeGreaterThanOrEqual(2);
        expect(keyLines.length).toBeLessThanOrEqual(3);
        expect(nodes[2]!.content!.startsWith('> ')).toBe(true);
        expect(nodes[3]!.type).toBe(12);
        expect(nodes[3]!.items![0]!.media.url).toBe(`attachment://${CHART_NAME}`);
        expect(reply.files?.map((f) => f.name)).toEqual([CHART_NAME]);
        const len = cardTextLength(reply.layout!);
        expect(len).toBeGreaterThan(150);
        expect(len).toBeLessThan(900);
        const bs = buttons(nodes);
        expect(bs.filter((b) => action(b).action === 'dt')).toHaveLength(1);
        for (const b of bs) expect(b.custom_id!.length).toBeLessThanOrEqual(100);
        expect(new Set(bs.map((b) => b.custom_id)).size).toBe(bs.length);
        if (locale === 'zh-CN') expect(nodes[1]!.content).toMatch(/[\u4e00-\u9fff]/);
        // The ask text stays complete: the memory table and every note.
        expect(reply.text).toMatch(locale === 'en' ? /Memory per GPU/ : /每张 GPU 显存/);
      });
    }
  }

  it('a fitting card offers more load; a non-fitting one only steps toward a fit', async () => {
    const fits = buttons((await card(FITS)).nodes).map((b) => action(b).action);
    expect(fits).toEqual(expect.arrayContaining(['u2', 'c2', 'kv', 'dt']));
    expect(fits).not.toContain('to');
    const no = buttons((await card(NO)).nodes).map((b) => action(b).action);
    expect(no).toEqual(expect.arrayContaining(['uh', 'ch', 'kv', 'q4', 'up', 'to', 'dt']));
    expect(no).not.toContain('u2');
    expect(no).not.toContain('c2');
  });

  it('every toward-a-fit button shrinks the shortfall or fits; every "would fit instead" button fits', async () => {
    const cat = catalogs();
    const { nodes } = await card(NO);
    const before = size(NO);
    for (const b of buttons(nodes)) {
      const { action: a, arg, state } = action(b);
      if (a === 'dt') continue;
      const from = buildRequest({ ...NO }, cat);
      if (!from.ok) throw new Error('request');
      const next = applyAction(a, arg, state, from.value)!;
      expect(next, a).toBeDefined();
      const built = buildRequest({ model: next.model, gpu: `${next.gpu}x${next.count}`, users: String(next.users), context: String(next.context), quant: next.quant, kv: next.kv, engine: next.engine }, cat);
      if (!built.ok) throw new Error(built.error.message);
      const r = estimate(built.value, cat.engines);
      if (a === 'to') expect(r.fits, `${b.label}`).toBe(true);
      else expect(r.fits || r.perGpu.shortfallBytes < before.perGpu.shortfallBytes, `${b.label}`).toBe(true);
    }
  });

  it('"would fit instead" leads with more of the user\'s own GPU when that fits', async () => {
    const instead = buttons((await card(NO)).nodes).filter((b) => action(b).action === 'to');
    expect(instead.length).toBeGreaterThanOrEqual(2);
    expect(action(instead[0]!).arg).toBe('a10+16');
    expect(instead[0]!.label).toMatch(/^16× A10 24GB · \d+ users$/);
  });
});

describe('what changed', () => {
  it('"20 → 40 users: still fits, X tok/s each (was Y)", with the figures of both reports', () => {
    const a = size(FITS);
    const b = size({ ...FITS, users: '40' });
    const line = changeLine(a, b, 'en');
    const tps = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
    expect(line).toBe(`20 → 40 users: still fits, ${tps(b.performance.decodeTokensPerSecondPerUser)} tok/s each (was ${tps(a.performance.decodeTokensPerSecondPerUser)})`);
    expect(changeLine(size(NO), size({ ...NO, gpu: 'a10x16' }), 'en')).toMatch(/^8× A10 → 16× A10: now fits: up to \d+ users/);
    expect(changeLine(size(NO), size({ ...NO, kv: 'fp8' }), 'zh-CN')).toMatch(/^KV bf16 → fp8：/);
  });

  it('a click answers with a card that says what changed', async () => {
    const { nodes } = await card(FITS);
    const u2 = buttons(nodes).find((b) => action(b).action === 'u2')!;
    const reply = await sizeCommand.button!(u2.custom_id!, { locale: 'en', options: {} });
    expect(FakeDiscord.text({ components: reply.layout })).toMatch(/↪ 20 → 40 users: still fits, [\d.]+ tok\/s each \(was [\d.]+\)/);
  });

  it('Details answers ephemerally with the memory table, all notes and the formulas', async () => {
    const { nodes } = await card(NO, 'zh-CN');
    const dt = buttons(nodes).find((b) => action(b).action === 'dt')!;
    const reply = await sizeCommand.button!(dt.custom_id!, { locale: 'zh-CN', options: {} });
    expect(reply.ephemeral).toBe(true);
    const text = FakeDiscord.text({ components: reply.layout });
    for (const s of ['每张 GPU 显存', '权重', '说明', 'GQA', '关键数字的计算方式']) expect(text).toContain(s);
    expect(cardTextLength(reply.layout!)).toBeLessThanOrEqual(4000);
  });

  it('a forged or old custom_id gets one clear ephemeral line', async () => {
    for (const id of ['size:u:qwen3-32b|a10|8|20|4096||||||', 'size:3:zz||qwen3-32b|a10|8|20|4096||||||', 'size:3:to|nope+999999|qwen3-32b|a10|8|20|4096||||||']) {
      const r = await sizeCommand.button!(id, { locale: 'en', options: {} });
      expect(r.ephemeral, id).toBe(true);
    }
  });
});

describe('Chinese all the way', () => {
  it('memory table lines up by display width (CJK = 2 columns)', () => {
    const t = table(
      [
        ['权重', '2.26 GiB'],
        ['KV 缓存（20 × 4k）', '2.50 GiB'],
        ['Runtime overhead', '2.67 GiB'],
      ],
      34,
    );
    for (const line of t.split('\n')) expect(displayWidth(line)).toBe(34);
  });

  it('Details memory table in Chinese leads with right-aligned figures, so no client font can make it zigzag', () => {
    for (const locale of ['zh-CN', 'zh-TW'] as const) {
      const body = detailsSections(size(NO), locale)[0]!.body;
      const lines = body.split('\n').filter((l) => !l.startsWith('```'));
      expect(lines.length).toBeGreaterThan(4);
      const ends = lines.map((l) => /^ *[\d.]+ [KMG]iB/.exec(l)?.[0].length);
      expect(ends.every((e) => e !== undefined && e === ends[0]), body).toBe(true);
      expect(lines.every((l) => /[\u4e00-\u9fff]/.test(l.slice(ends[0]!)))).toBe(true);
    }
  });

  it('a chart that does not fit shows each figure where it can be read: left of the budget line, and the shortfall on a pill', () => {
    const r = size({ model: 'llama-3.1-70b', gpu: 'rtx4090x2', users: '8', context: '8k' });
    const svg = chartSvg(r, 'en');
    const budgetX = Number(/<line x1="([\d.]+)"/.exec(svg)![1]);
    const weights = gib(r.perGpu.weightsBytes, 1).replace(' GiB', '');
    const at = new RegExp(`<text x="([\\d.]+)"[^>]*>${weights.replace('.', '\\.')}</text>`).exec(svg);
    expect(at, svg).not.toBeNull();
    expect(Number(at![1])).toBeLessThan(budgetX);
    expect(svg).toContain(`>−${gib(r.perGpu.shortfallBytes, 1).replace(' GiB', '')}</text>`);
    // Figures come after the hatch, so nothing is drawn over them.
    expect(svg.indexOf('url(#hatch)" stroke')).toBeLessThan(svg.indexOf(`>${weights}</text>`));
  });

  it('zh-CN chart: title drawn with CJK glyphs (not boxes) and different from the English chart', () => {
    const r = size(NO);
    expect(chartPng(r, 'zh-CN').equals(chartPng(r, 'en'))).toBe(false);
    const svg = chartSvg(r, 'zh-CN');
    const title = /<text[^>]*font-weight="bold"[^>]*>[^<]*<\/text>/.exec(svg)![0];
    expect(title).toMatch(/放不下/);
    const only = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="80" font-family="${chartFonts('zh-CN').family}">${title}</svg>`;
    const render = (fonts: { files: string[]; family: string }) => new Resvg(only, { font: { fontFiles: fonts.files, loadSystemFonts: false, defaultFontFamily: fonts.family } });
    const glyphs = render(chartFonts('zh-CN'));
    const tofu = render(chartFonts('en'));
    const curves = (s: string) => (s.match(/[CQ] /g) ?? []).length;
    // Without the CJK font the Chinese characters are .notdef boxes (straight lines only).
    expect(curves(glyphs.toString())).toBeGreaterThan(curves(tofu.toString()) + 20);
    expect(Buffer.from(glyphs.render().asPng()).equals(Buffer.from(tofu.render().asPng()))).toBe(false);
  });

  it('the two corrected notes: BF16 weights rule of thumb holds; head_dim shows "= 80"', async () => {
    const res = await answerSize({ model: 'qwen3-32b', gpu: 'a10x8', users: '20' }, { locale: 'zh-CN', options: {} }, { chart: false });
    if (!res.ok) throw new Error('answer');
    const text = res.answer.reply.text!;
    expect(text).toContain('hidden/heads = 5120/64 = 80');
    const w = text.split('\n').find((l) => l.includes('权重：'))!;
    expect(w).toMatch(/32\.8B 参数 × 16 bit \/ 8 = 65\.5 GB/);
    expect(w).not.toMatch(/忽略|不准/);
  });
});

describe('what-if buttons re-ask the same question with one thing changed', () => {
  it('a card asked with tps, ttft, host, avgcontext and spec: every button carries them, a click answers with them', async () => {
    const asked = { ...FITS, model: 'llama-3.1-8b', gpu: 'l40s', quant: 'bf16', tps: '30', ttft: '2s', host: 'ddr5x8', context: '8k', avgcontext: '4k', spec: 'eagle3:2', accept: '65%' };
    const { nodes } = await card(asked);
    const bs = buttons(nodes).filter((b) => b.custom_id?.startsWith('size:'));
    expect(bs.length).toBeGreaterThan(1);
    for (const b of bs) {
      expect(b.custom_id!.length).toBeLessThanOrEqual(100);
      expect(action(b).state.more).toMatchObject({ tps: '30', ttft: '2', host: 'xeon-6454s-1s', spec: 'eagle3:2', accept: '0.65' });
    }
    const c2 = bs.find((b) => action(b).action === 'c2')!;
    const reply = await sizeCommand.button!(c2.custom_id!, { locale: 'en', options: {} });
    const text = JSON.stringify({ ...reply, files: undefined });
    // Under avgcontext the card speaks of the average: 4k -> 8k (requests up to 8k -> 16k).
    expect(text.includes('4k → 8k context'), text.slice(0, 300)).toBe(true);
    const req = buildRequest({ ...asked, context: '16k', avgcontext: '8k' }, catalogs());
    expect(req.ok).toBe(true);
    const r = estimate(req.ok ? req.value : (undefined as never), catalogs().engines);
    expect(r.capacity.targetTokensPerSecond).toBe(30);
    expect(r.speculative?.draftTokens).toBe(2);
    expect(text.includes(`${r.performance.decodeTokensPerSecondPerUser.toFixed(1)} tok/s`)).toBe(true);
  });
});
