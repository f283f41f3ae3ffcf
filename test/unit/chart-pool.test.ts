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
