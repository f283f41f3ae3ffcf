import { describe, expect, it } from 'vitest';
import { answerRecommend, decodeSizeIt, encodeSizeIt } from '../../commands/recommend.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { RecommendReportSchema, recommendJson } from '../../src/engine/recommend-report.ts';
import { HEADROOM_USERS, MIN_TOKS_PER_USER, nextGpuUp, recommend, sameCard, tierOf } from '../../src/engine/recommend.ts';
import type { Gpu, SizingRequest } from '../../src/engine/types.ts';
import { cat, request } from '../helpers/req.ts';

const gpus = [...cat.gpus.values()];
const search = { gpus, engines: cat.engines, quants: cat.quants };
const gpu = (id: string) => cat.gpus.get(id)!;

describe('recommend', () => {
  const req = request({ model: 'qwen3-32b', gpu: 'h100', users: '50', context: '8k' });
  const res = recommend(req, search);

  it('every option fits with headroom, reaches the speed floor, and uses the fewest cards of its GPU that do', () => {
    expect(res.options.length).toBeGreaterThan(3);
    for (const o of res.options) {
      expect(o.report.fits).toBe(true);
      expect(o.report.capacity.maxUsers).toBeGreaterThanOrEqual(Math.ceil(50 * HEADROOM_USERS));
      expect(o.report.performance.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(MIN_TOKS_PER_USER);
      for (const fewer of [1, 2, 4, 8].filter((n) => n < o.count)) {
        let r;
        try {
          r = estimate({ ...req, engine: o.engine, quant: o.quant, gpu: o.gpu, gpuCount: fewer }, cat.engines);
        } catch {
          continue;
        }
        const enough = r.fits && r.capacity.maxUsers >= Math.ceil(50 * HEADROOM_USERS) && r.performance.decodeTokensPerSecondPerUser >= MIN_TOKS_PER_USER;
        expect(enough, `${fewer}× ${o.gpu.id} would do`).toBe(false);
      }
    }
  });

  it('ranks priced options by price, CUDA / ROCm before Ascend and Apple, and tiers hold what they say', () => {
    const eco = (g: Gpu) => (g.vendor === 'huawei' ? 1 : g.unified ? 2 : 0);
    for (let i = 1; i < res.options.length; i++) {
      const [a, b] = [res.options[i - 1], res.options[i]];
      expect(eco(a.gpu)).toBeLessThanOrEqual(eco(b.gpu));
      if (eco(a.gpu) === eco(b.gpu) && b.rankUsd !== undefined) expect(a.rankUsd ?? Infinity).toBeLessThanOrEqual(b.rankUsd);
    }
    for (const t of res.tiers) for (const o of t.options) expect(o.tier === 'have' || tierOf(o.gpu, o.count) === t.id).toBe(true);
    for (const t of res.tiers) expect(t.options.length).toBeLessThanOrEqual(4);
  });

  it('never lists the same card twice in a tier; the H200 is not a variant of the H20 141GB', () => {
    expect(sameCard(gpu('h200'), gpu('h20-141gb'))).toBe(false);
    expect(sameCard(gpu('h100-sxm'), gpu('h100-sxm'))).toBe(true);
    for (const t of res.tiers)
      for (const a of t.options) for (const b of t.options) if (a !== b && a.count === b.count) expect(sameCard(a.gpu, b.gpu)).toBe(false);
  });

  it('never proposes hardware the engine cannot run the format on', () => {
    const r = recommend(request({ model: 'deepseek-r1', gpu: 'h100', users: '20', context: '8k' }), search);
    for (const o of r.options) {
      expect(o.gpu.unified && o.engine.id === 'vllm').toBe(false);
      if (o.gpu.vendor !== 'nvidia') expect(o.quant.id === 'fp8' ? o.gpu.tflopsFp8 !== null : true).toBe(true);
    }
  });

  it('a budget caps the cards per option', () => {
    const r = recommend(request({ model: 'llama-3.1-70b', gpu: 'h100', users: '20', context: '8k' }), search, { maxGpus: 2 });
    expect(r.options.every((o) => o.count <= 2)).toBe(true);
  });

  it('the JSON has the contract shape, best first, with prices where the catalog has them', () => {
    const json = recommendJson(req, res);
    expect(() => RecommendReportSchema.parse(json)).not.toThrow();
    expect(json.options.map((o) => `${o.gpuCount}${o.gpuId}`)).toEqual(res.options.map((o) => `${o.count}${o.gpu.id}`));
    for (const [i, o] of json.options.entries()) {
      const g = res.options[i].gpu;
      expect(o.price !== null).toBe(g.price !== undefined);
      if (g.price?.cloud) expect(o.price!.perHourUsd).toBeCloseTo(g.price.cloud.perHourUsd * o.gpuCount, 2);
    }
  });

  it('"Size it" buttons carry the option (versioned custom_id) and decode to the same /size', () => {
    for (const o of res.options) {
      const id = encodeSizeIt(o, req as SizingRequest)!;
      expect(id.length).toBeLessThanOrEqual(100);
      expect(id.startsWith('recommend:2:')).toBe(true);
      const d = decodeSizeIt(id);
      expect(d.ok).toBe(true);
      if (!d.ok) continue;
      expect(d.value.gpu).toBe(`${o.gpu.id}x${o.count}`);
      expect(Number(d.value.tp)).toBe(o.report.layout.tp);
      expect(d.value.quant).toBe(o.report.request.quant);
    }
    expect(decodeSizeIt('recommend:2:garbage').ok).toBe(false);
    // Buttons posted before the speed target was carried still answer.
    expect(decodeSizeIt('recommend:1:qwen3-32b|h100|1|20|4096|bf16|bf16|vllm|1|1')).toMatchObject({ ok: true, value: { gpu: 'h100x1', tp: '1' } });
    expect(decodeSizeIt('recommend:s:qwen3-32b|h100|1|1|4096|bf16|bf16|vllm|1|1')).toMatchObject({ ok: false, reason: 'old' });
  });

  it('text and Discord answer show the tiers, each option with its price or "no sourced price", within Discord limits', async () => {
    for (const o of [
      { model: 'gemma-2-27b', users: '10', context: '4k', quant: 'int4', gpu: 'rtx4090' },
      { model: 'qwen3-32b', users: '20', context: '8k' },
    ]) {
      const a = await answerRecommend(o, { locale: 'en' });
      expect(a.ok).toBe(true);
      if (!a.ok) continue;
      const text = a.answer.reply.text!;
      for (const t of a.answer.result.tiers) expect(text).toContain(`${t.label}:`);
      for (const x of a.answer.result.options) expect(text).toContain(x.gpu.name);
      const priced = text.split('\n').filter((l) => /^\s+(\$|buy|no sourced price)/.test(l)).length;
      expect(priced).toBe(a.answer.result.options.length);
      const e = a.answer.reply.embeds![0]!;
      const len = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
      expect(len).toBeLessThanOrEqual(6000);
      for (const f of e.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(1024);
      const rows = a.answer.reply.components ?? [];
      expect(rows.length).toBeLessThanOrEqual(5);
      for (const r of rows) expect(r.components.length).toBeLessThanOrEqual(5);
      expect(RecommendReportSchema.parse(a.answer.json).options.length).toBe(a.answer.result.options.length);
    }
  });

  it('next GPU up is a larger card of the same vendor', () => {
    const a10 = gpu('a10');
    const up = nextGpuUp(a10, gpus)!;
    expect(up.vendor).toBe('nvidia');
    expect(up.visibleBytes).toBeGreaterThan(a10.visibleBytes);
    // a team on A10s is pointed at the next data-centre card with more memory (A100 / L40S class), not a GeForce
    expect(up.category).toBe('datacenter');
    expect(up.visibleBytes).toBeGreaterThan(1.15 * a10.visibleBytes);
    expect(nextGpuUp(gpu('rtx4090'), gpus)!.id).toBe('rtx5090');
    expect(nextGpuUp(gpu('a100-40gb'), gpus)!.id).toBe('a100-80gb');
  });
});

describe('recommend: the speed target of the question', () => {
  const search = { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants };
  it('tps: raises the per-user floor every kept option meets; ttft: caps the first token under load', () => {
    const base = recommend(request({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4' }), search, { have: { gpu: cat.gpus.get('a10')!, count: 8 } });
    const fast = recommend(request({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4', tps: '45', ttft: '3s' }), search, { have: { gpu: cat.gpus.get('a10')!, count: 8 } });
    expect(base.minTokensPerUser).toBe(MIN_TOKS_PER_USER);
    expect(fast.minTokensPerUser).toBe(45);
    for (const o of fast.options.filter((x) => !x.slow)) {
      expect(o.report.performance.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(45);
      expect(o.report.performance.timeToFirstTokenAtLoadSeconds).toBeLessThanOrEqual(3);
    }
    // A layout that met 20 tok/s but not 45 is now marked slow and says so.
    const tp2 = fast.options.find((o) => o.tier === 'have' && o.report.layout.tp === 2);
    expect(tp2?.slow).toBe(true);
    expect(tp2?.cannot.some((c) => c.code === 'rec.slow')).toBe(true);
  });
  it('the Size it button carries tps and ttft to the /size it answers', async () => {
    const r = await answerRecommend({ model: 'qwen3-8b', users: '4', tps: '60', ttft: '2s' }, { locale: 'en' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const id = encodeSizeIt(r.answer.result.options[0], r.answer.request)!;
    const d = decodeSizeIt(id);
    expect(d.ok && d.value).toMatchObject({ tps: '60', ttft: '2' });
  });
});
