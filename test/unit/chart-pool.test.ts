// The chart is rasterized in a worker thread (issue 8: no request holds the event loop for the 40-150 ms a
// PNG takes): same bytes as rendering inline, and the main thread keeps ticking meanwhile.
import { afterAll, describe, expect, it } from 'vitest';
import { chartPng } from '../../src/render/chart.ts';
import { chartPngAsync, closeChartPool } from '../../src/render/chart-pool.ts';
import { size } from '../helpers/req.ts';

describe('chart worker', () => {
  afterAll(() => closeChartPool());

  it('renders the same PNG as chartPng, off the main thread', async () => {
    const reports = [size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20' }), size({ model: 'llama-3.1-70b', gpu: 'rtx4090' })];
    let ticks = 0;
    const tick = setInterval(() => ticks++, 1);
    const pngs = await Promise.all(reports.map((r) => chartPngAsync(r)));
    clearInterval(tick);
    pngs.forEach((png, i) => expect(Buffer.compare(png, chartPng(reports[i]!))).toBe(0));
    expect(ticks).toBeGreaterThan(0); // the loop ran while the worker drew
  });
});

describe('search worker', () => {
  it('a /size that does not fit gets the same "instead" list from the worker as inline, while the loop keeps ticking', async () => {
    const { insteadAsync, closeSearchPool, warmSearch } = await import('../../commands/search-pool.ts');
    const { insteadFor } = await import('../../commands/instead.ts');
    const { request } = await import('../helpers/req.ts');
    warmSearch();
    try {
      const opts = { model: 'deepseek-v3', gpu: 'a10x8', users: '200', context: '32k' };
      const req = request(opts);
      let ticks = 0;
      const tick = setInterval(() => ticks++, 1);
      const viaWorker = await insteadAsync(opts, undefined, req);
      clearInterval(tick);
      const inline = insteadFor(req);
      expect(viaWorker.length).toBeGreaterThan(0);
      expect(viaWorker).toEqual(JSON.parse(JSON.stringify(inline)));
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await closeSearchPool();
    }
  }, 30_000);
});
