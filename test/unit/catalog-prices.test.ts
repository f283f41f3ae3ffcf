// catalogs/prices.yaml: every row names a catalog GPU and every figure carries a source and a date.
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/catalog/load.ts';
import { pricesFromData } from '../../src/catalog/prices.ts';

const cat = catalogs();
const ids = new Set(cat.gpuEntries.map((g) => g.id));
const dateRe = /^20\d\d-\d\d(-\d\d)?$/;

describe('prices.yaml', () => {
  it('loads alongside the other catalogs, keyed by gpus.yaml ids', () => {
    expect(cat.prices.size).toBeGreaterThan(0);
    for (const [id, p] of cat.prices) {
      expect(ids.has(id), id).toBe(true);
      expect(p.gpu).toBe(id);
    }
  });

  it('every purchase and cloud figure has a source and a date, and a positive amount', () => {
    for (const p of cat.prices.values()) {
      expect(p.purchase ?? p.cloud, p.gpu).toBeDefined();
      if (p.purchase) {
        expect(p.purchase.source.length, p.gpu).toBeGreaterThanOrEqual(10);
        expect(p.purchase.date, p.gpu).toMatch(dateRe);
        expect((p.purchase.usd ?? 0) + (p.purchase.cny ?? 0), p.gpu).toBeGreaterThan(0);
      }
      if (p.cloud) {
        expect(p.cloud.source.length, p.gpu).toBeGreaterThanOrEqual(10);
        expect(p.cloud.date, p.gpu).toMatch(dateRe);
        expect(p.cloud.perHourUsd, p.gpu).toBeGreaterThan(0);
        expect(p.cloud.provider.length, p.gpu).toBeGreaterThan(1);
      }
    }
  });

  // The cards the seed documents and issue 6 recommend most often: each has a sourced price.
  it.each([
    ['h100-sxm', 'both'], ['h200', 'both'], ['b200', 'both'], ['a100-80gb', 'both'], ['a100-40gb', 'cloud'], ['l40s', 'both'], ['l4', 'both'],
    ['a10', 'both'], ['a10g', 'cloud'], ['t4', 'both'], ['rtx4090', 'both'], ['rtx5090', 'both'], ['rtx3090', 'purchase'],
    ['rtx-pro-6000', 'purchase'], ['rtx-pro-6000-server', 'cloud'], ['rtx-a6000', 'purchase'], ['rtx6000-ada', 'purchase'],
    ['mi300x', 'both'], ['mi325x', 'cloud'], ['m3-ultra', 'purchase'], ['dgx-spark', 'purchase'], ['h20-96gb', 'purchase'],
  ] as const)('%s has a %s price', (id, kind) => {
    const p = cat.prices.get(id);
    expect(p, id).toBeDefined();
    if (kind !== 'cloud') expect(p!.purchase, id).toBeDefined();
    if (kind !== 'purchase') expect(p!.cloud, id).toBeDefined();
  });

  it('China-market prices carry their own page and date when they differ from the USD figure', () => {
    for (const p of cat.prices.values()) {
      const b = p.purchase;
      if (!b || b.cny === null || b.usd === null) continue;
      expect(b.cnySource, p.gpu).toBeDefined();
      expect(b.cnyDate, p.gpu).toMatch(dateRe);
    }
  });

  it('dates are not in the future', () => {
    const now = new Date().toISOString().slice(0, 10);
    for (const p of cat.prices.values())
      for (const d of [p.purchase?.date, p.purchase?.cnyDate, p.cloud?.date]) if (d) expect(d <= now, `${p.gpu} ${d}`).toBe(true);
  });

  const ok = { gpu: 'h100-sxm', cloud: { perHourUsd: 3, provider: 'Lambda', source: 'https://example.com/p', date: '2026-05' } };
  it('accepts a well-formed row and fills cny/usd with null', () => {
    const m = pricesFromData([{ gpu: 'h100-sxm', purchase: { usd: 25000, source: 'https://example.com/q', date: '2026-05-01' } }], ids);
    expect(m.get('h100-sxm')!.purchase).toMatchObject({ usd: 25000, cny: null });
    expect(pricesFromData([ok], ids).get('h100-sxm')!.cloud!.perHourUsd).toBe(3);
  });

  it.each([
    ['an unknown gpu id', [{ ...ok, gpu: 'h100-sxm-typo' }], /unknown gpu id h100-sxm-typo/],
    ['a duplicate id', [ok, ok], /duplicate gpu id h100-sxm/],
    ['a missing date', [{ gpu: 'h100-sxm', cloud: { ...ok.cloud, date: undefined } }], /cloud\.date/],
    ['a bad date', [{ gpu: 'h100-sxm', cloud: { ...ok.cloud, date: 'May 2026' } }], /YYYY-MM/],
    ['a missing source', [{ gpu: 'h100-sxm', purchase: { usd: 1, date: '2026-05' } }], /purchase\.source/],
    ['a purchase with neither usd nor cny', [{ gpu: 'h100-sxm', purchase: { source: 'https://example.com/q', date: '2026-05' } }], /usd or cny/],
    ['a row with no price', [{ gpu: 'h100-sxm' }], /purchase or cloud/],
    ['a cnySource without its date', [{ gpu: 'h100-sxm', purchase: { usd: 1, cny: 7, source: 'https://example.com/q', date: '2026-05', cnySource: 'https://example.cn/q' } }], /go together/],
    ['an unknown field', [{ ...ok, msrp: 5 }], /msrp|unrecognized/i],
  ])('rejects %s with one line naming prices.yaml', (_what, rows, re) => {
    expect(() => pricesFromData(rows, ids)).toThrow(re);
    try {
      pricesFromData(rows, ids);
    } catch (e) {
      expect((e as Error).message).toMatch(/^prices\.yaml: /);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
