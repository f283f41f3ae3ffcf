// Chinese all the way: every reply kind (test/helpers/sweep.ts) asked with Discord's zh-TW locale comes back in
// Traditional characters with Taiwan vocabulary, the zh-CN one in Simplified, and neither holds an English phrase
// beyond names, numbers, commands and cited sources (test/helpers/english.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyLocale } from '../../commands/types.ts';
import { commands } from '../../commands/index.ts';
import { closeChartPool } from '../../src/render/chart-pool.ts';
import { chartSvg } from '../../src/render/chart.ts';
import { toTraditional } from '../../src/render/zh-tw.ts';
import { size } from '../helpers/req.ts';
import { sweep, SWEEP_SIZES, wordsOf, type SweptReply } from '../helpers/sweep.ts';
import { englishRuns } from '../helpers/english.ts';
import { catalogs } from '../../src/catalog/load.ts';
import { buildRequest } from '../../src/catalog/parse.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { detailsSections, keyLines } from '../../src/render/card.ts';

const HAN = /[\u3400-\u9fff]/u;

/** Characters of `text` that conversion to Traditional changes one by one: Simplified forms. */
function simplifiedChars(text: string): Set<string> {
  const out = new Set<string>();
  for (const ch of new Set(text)) if (HAN.test(ch) && toTraditional(ch) !== ch) out.add(ch);
  return out;
}

let cn: SweptReply[];
let tw: SweptReply[];

beforeAll(async () => {
  cn = await sweep('zh-CN');
  tw = await sweep('zh-TW');
}, 240_000);
afterAll(() => closeChartPool());

describe('zh-TW', () => {
  it('Discord locales map to the reply language', () => {
    expect(replyLocale('zh-TW')).toBe('zh-TW');
    expect(replyLocale('zh-CN')).toBe('zh-CN');
    expect(replyLocale('en-US')).toBe('en');
    expect(replyLocale(undefined)).toBe('en');
  });

  it('uses Taiwan vocabulary where it differs, and keeps the domain terms s2twp gets wrong', () => {
    expect(toTraditional('每张 GPU 显存')).toBe('每張 GPU 記憶體');
    expect(toTraditional('主机内存')).toBe('主機記憶體');
    expect(toTraditional('显卡列表')).toBe('顯示卡列表');
    expect(toTraditional('这个服务器的请求太频繁了')).toBe('這個伺服器的請求太頻繁了');
    expect(toTraditional('并发用户数（默认 1）')).toBe('併發使用者數（預設 1）');
    expect(toTraditional('KV 缓存')).toBe('KV 快取');
    // Model parameters and activations, not function arguments and "enable"
    expect(toTraditional('70.6B 参数')).toBe('70.6B 參數');
    expect(toTraditional('激活（峰值）')).toBe('激活（峰值）');
    expect(toTraditional('卸载到内存的专家')).toBe('卸載到記憶體的專家');
    expect(toTraditional('RoPE 扩展')).toBe('RoPE 擴展');
    expect(toTraditional('购买前可先尝试')).toBe('購買前可先嘗試');
    expect(toTraditional('不认识的模型“qwen3-33b”')).toBe('不認識的模型「qwen3-33b」');
    expect(toTraditional('Qwen3 32B · 8× A10 · vllm serve --max-model-len 4096')).toBe('Qwen3 32B · 8× A10 · vllm serve --max-model-len 4096');
  });

  it('every reply is Traditional: no Simplified character the zh-CN replies use appears in the zh-TW ones', () => {
    expect(tw.map((r) => r.what)).toEqual(cn.map((r) => r.what));
    const simplified = simplifiedChars(cn.flatMap((r) => wordsOf(r.bodies)).join(''));
    expect(simplified.size).toBeGreaterThan(50); // the zh-CN sweep really is Simplified Chinese
    for (const r of tw) {
      expect(r.bodies.length, r.what).toBeGreaterThan(0);
      const text = wordsOf(r.bodies).join('\n');
      const left = [...new Set(text)].filter((c) => simplified.has(c));
      expect(left, `${r.what}: ${text.slice(0, 300)}`).toEqual([]);
    }
  });

  it('every zh-TW reply with words is Chinese, and differs from the zh-CN one', () => {
    for (const [i, r] of tw.entries()) {
      const text = wordsOf(r.bodies).join('\n');
      if (r.what === 'autocomplete context') continue; // "8k（8,192 tokens）" has no words
      expect(HAN.test(text), `${r.what}: ${text.slice(0, 200)}`).toBe(true);
      expect(text, r.what).not.toBe(wordsOf(cn[i].bodies).join('\n'));
    }
  });

  it('the chart is lettered in Traditional', () => {
    for (const o of Object.values(SWEEP_SIZES).slice(0, 3)) {
      const r = size(o);
      const svgCn = chartSvg(r, 'zh-CN');
      const svgTw = chartSvg(r, 'zh-TW');
      const simplified = simplifiedChars(svgCn);
      expect(simplified.size).toBeGreaterThan(0);
      expect([...new Set(svgTw)].filter((c) => simplified.has(c))).toEqual([]);
      expect(svgTw).toContain('font-family'); // drawn with the CJK face (Noto Sans CJK covers Traditional too)
    }
  });

  it('command and option names and descriptions carry zh-TW localizations in Traditional', () => {
    const defs = JSON.parse(JSON.stringify(commands.map((c) => c.definition))) as unknown;
    const maps: Array<Record<string, string>> = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k.endsWith('_localizations')) maps.push(x as Record<string, string>);
          else walk(x);
        }
    };
    walk(defs);
    expect(maps.length).toBeGreaterThan(40);
    for (const m of maps) {
      expect(Object.keys(m).sort()).toEqual(['zh-CN', 'zh-TW']);
      expect(m['zh-TW']).toBe(toTraditional(m['zh-CN']));
      expect([...m['zh-TW']].filter((c) => simplifiedChars(m['zh-CN']).has(c))).toEqual([]);
    }
    const size = (defs as Array<{ name: string; name_localizations: Record<string, string> }>).find((d) => d.name === 'size')!;
    expect(size.name_localizations['zh-TW']).toBe('顯示記憶體估算');
  });
});

describe('no English sentence in a Chinese reply', () => {
  it('the sweep finds English where it is (en replies)', async () => {
    const en = await sweep('en-US', { quick: true });
    const flagged = en.filter((r) => englishRuns(wordsOf(r.bodies).join('\n')).length > 0);
    expect(flagged.length).toBeGreaterThan(en.length / 2);
  }, 120_000);

  for (const [name, get] of [
    ['zh-CN', () => cn],
    ['zh-TW', () => tw],
  ] as const) {
    it(`${name}: every reply (cards, what-ifs, Details, /recommend, /models, /gpus, errors, limits) is Chinese beyond names, numbers and commands`, () => {
      const left = get()
        .map((r) => ({ what: r.what, runs: englishRuns(wordsOf(r.bodies).join('\n')) }))
        .filter((x) => x.runs.length);
      expect(left).toEqual([]);
    });
  }

  it('Details of every catalog model (engines taken in turn): notes, layouts, fixes and formulas are Chinese', () => {
    const cat = catalogs();
    const left = new Map<string, string>();
    const setups: Array<[string, string, Record<string, string>]> = [
      ['h100x8', 'vllm', {}],
      ['rtx4090x2', 'llamacpp', {}],
      ['rtx4090x2', 'ollama', { users: '4' }],
      ['h100x8', 'sglang', { users: '300' }],
      ['910bx8', 'mindie', {}],
      ['h100x8', 'trtllm', {}],
      ['h100x2', 'tgi', {}],
      ['rtx4090', 'ktransformers', {}],
      ['a10x8', 'vllm', { users: '200', context: '64k' }],
    ];
    let n = 0;
    // Each model once, the setups taken in turn (every engine meets ~15 models of every kind; all of them is 9× slower).
    for (const [i, m] of cat.modelEntries.entries())
      for (const [gpu, engine, extra] of [setups[i % setups.length]!]) {
        const b = buildRequest({ model: m.id, gpu, engine, ...extra }, cat);
        if (!b.ok) continue;
        let r;
        try {
          r = estimate(b.value, cat.engines, { explain: true, fixesFrom: cat });
        } catch {
          continue;
        }
        n++;
        const text = [...detailsSections(r, 'zh-CN').map((s) => `${s.title}\n${s.body}`), ...keyLines(r, 'zh-CN')].join('\n');
        for (const run of englishRuns(text)) if (!left.has(run)) left.set(run, `${m.id} ${gpu} ${engine}`);
      }
    expect(n).toBeGreaterThan(80);
    expect([...left]).toEqual([]);
  }, 120_000);
});
