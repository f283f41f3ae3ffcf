// The chart PNG, rendered in a worker thread (src/render/png-worker.mjs) so no interaction holds the event
// loop for the 40-150 ms a rasterization takes. The SVG is built here (cheap, < 1 ms); the worker only
// rasterizes. One worker by default (this runs next to the main thread on small hosts); work queues in it.
// If the worker cannot start or dies, the chart is rendered inline instead (slower, never missing).
import { Worker } from 'node:worker_threads';
import type { SizingReport } from '../engine/report.ts';
import type { Locale } from '../../commands/types.ts';
import { CHART_FONTS, CHART_WIDTH, chartFonts, chartPng, chartSvg } from './chart.ts';

const WORKER_URL = new URL('./png-worker.mjs', import.meta.url);
/** A render that has not come back after this long is given up on and done inline. */
const RENDER_TIMEOUT_MS = 15_000;

interface Pending {
  resolve(png: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

class ChartPool {
  private worker?: Worker;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      const w = new Worker(WORKER_URL, { workerData: { fontFiles: CHART_FONTS, width: CHART_WIDTH } });
      w.unref(); // an idle worker never keeps the process alive
      w.on('message', (m: { id: number; png?: Uint8Array; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (this.pending.size === 0) w.unref();
        if (m.png) p.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
        else p.reject(new Error(m.error ?? 'chart worker failed'));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', () => {
        if (this.worker === w) this.worker = undefined;
        this.failAll(new Error('chart worker exited'));
      });
      this.worker = w;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }

  private fail(err: Error): void {
    this.broken = true;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  render(svg: string, fonts?: { files: string[]; family: string }): Promise<Buffer> {
    const w = this.start();
    if (!w) return Promise.reject(new Error('no chart worker'));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('chart render timed out'));
      }, RENDER_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      w.ref(); // keep the process alive while a render is owed
      w.postMessage({ id, svg, fontFiles: fonts?.files, family: fonts?.family });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

const pool = new ChartPool();

/** The memory chart PNG, rasterized off the main thread (inline if the worker is unavailable). */
export async function chartPngAsync(r: SizingReport, locale: Locale = 'en'): Promise<Buffer> {
  try {
    return await pool.render(chartSvg(r, locale), chartFonts(locale));
  } catch {
    return chartPng(r, locale);
  }
}

/** Stop the worker (shutdown; tests). */
export function closeChartPool(): Promise<void> {
  return pool.close();
}
