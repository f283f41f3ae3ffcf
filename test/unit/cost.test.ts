import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AMORTIZATION_YEARS, costOf } from '../../src/engine/cost.ts';
import { CostSchema } from '../../src/engine/report.ts';
import { costLine } from '../../src/render/cost.ts';
import type { Gpu } from '../../src/engine/types.ts';
import { cat, size } from '../helpers/req.ts';

const base = cat.gpus.get('h100-sxm')!;
const withPrice = (price: Gpu['price'], tdpW = 700): Gpu => ({ ...base, price, tdpW });

describe('cost', () => {
  it('cloud rent: GPUs × price per GPU-hour; $ per million tokens = rent / tokens per hour', () => {
    const g = withPrice({ cloud: { perHourUsd: 2.5, provider: 'X', source: 'https://example.test/p', date: '2026-05' } });
    const c = costOf(g, 8, 1000);
    expect(c.basis).toBe('cloud');
    expect(c.perHourUsd).toBe(20);
    expect(c.perMillionOutputTokensUsd).toBeCloseTo((20 / (1000 * 3600)) * 1e6, 2);
    expect(c.powerW).toBe(5600);
    expect(c.date).toBe('2026-05');
  });

  it('purchase only: spread over the service life, around the clock', () => {
    const g = withPrice({ purchase: { usd: 30000, source: 'quote', date: '2026-04' } });
    const c = costOf(g, 2, 500);
    expect(c.basis).toBe('purchase');
    expect(c.purchaseUsd).toBe(60000);
    expect(c.perMillionOutputTokensUsd).toBeCloseTo((60000 / (AMORTIZATION_YEARS * 8760) / (500 * 3600)) * 1e6, 3);
  });

  it('no price: power only, and says so', () => {
    const c = costOf(withPrice(undefined), 4, 100);
    expect(c.basis).toBe('none');
    expect(c.perHourUsd).toBeUndefined();
    expect(costLine(c)).toMatch(/no sourced price/);
  });

  it('never NaN or Infinity, whatever the load', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (n, tps, ph) => {
        const c = costOf(withPrice({ cloud: { perHourUsd: ph, provider: 'X', source: 'src', date: '2026-01' } }), n, tps);
        expect(() => CostSchema.parse(c)).not.toThrow();
        for (const v of [c.perHourUsd, c.perMillionOutputTokensUsd, c.powerW]) if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
      }),
    );
  });

  it('every /size report carries a cost; catalog-priced GPUs get the catalog price', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20' });
    const p = cat.prices.get('a10');
    expect(CostSchema.parse(r.cost)).toBeTruthy();
    if (p?.cloud) {
      expect(r.cost.perHourUsd).toBeCloseTo(8 * p.cloud.perHourUsd, 2);
      expect(r.cost.perMillionOutputTokensUsd).toBeCloseTo((r.cost.perHourUsd! / (r.performance.decodeTokensPerSecondTotal * 3600)) * 1e6, 1);
    }
  });
});

describe('China-market price', () => {
  it('a CNY figure from its own source carries that source and date through to the answer', () => {
    const h100 = cat.gpus.get('h100-sxm')!;
    expect(h100.price?.purchase?.cnySource).toMatch(/ghytv\.com/);
    expect(h100.price?.purchase?.cnyDate).toBe('2024-07');
    const c = costOf(h100, 8, 1000);
    expect(c.purchaseCny).toBe(8 * h100.price!.purchase!.cny!);
    expect(c.sources.some((s) => s.startsWith('purchase (CNY):') && s.includes('(2024-07)'))).toBe(true);
  });
});
