// Runs the "instead" search (instead.ts) in one worker thread so a /size that does not fit never holds the
// event loop for the 100-1000 ms the search can take on large models. The worker registers the tsx loader
// (search-worker.mjs); if it cannot start, dies or is slow to answer, the search runs inline (same result).
import { Worker } from 'node:worker_threads';
import type { ModelInput, SizeOptions } from '../src/catalog/parse.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import type { InsteadOption } from '../src/render/text.ts';
import { insteadFor } from './instead.ts';

const TIMEOUT_MS = 20_000;

let worker: Worker | undefined;
let broken = false;
let nextId = 1;
const pending = new Map<number, { resolve(v: InsteadOption[]): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

function failAll(err: Error): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(err);
  }
}

function start(): Worker | undefined {
  if (worker || broken) return worker;
  try {
    const w = new Worker(new URL('./search-worker.mjs', import.meta.url));
    w.unref();
    w.on('message', (m: { id?: number; instead?: InsteadOption[]; error?: string }) => {
      if (m.id === undefined) return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (pending.size === 0) w.unref();
      if (m.instead) p.resolve(m.instead);
      else p.reject(new Error(m.error ?? 'search worker failed'));
    });
    w.on('error', (err) => {
      broken = true;
      failAll(err);
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      failAll(new Error('search worker exited'));
    });
    worker = w;
  } catch {
    broken = true;
  }
  return worker;
}

let enabled = false;

/**
 * Start the worker ahead of traffic (it loads the catalogs once) and use it from now on. Only the bot does this:
 * a one-shot terminal `ask` searches inline rather than pay for a second catalog load.
 */
export function warmSearch(): void {
  enabled = true;
  start();
}

/** Options that would fit instead, searched off the main thread (inline when the worker is unavailable). */
export async function insteadAsync(opts: SizeOptions, config: ModelInput | undefined, req: SizingRequest): Promise<InsteadOption[]> {
  const w = enabled ? start() : undefined;
  if (w) {
    try {
      const id = nextId++;
      return await new Promise<InsteadOption[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('search timed out'));
        }, TIMEOUT_MS);
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        w.ref();
        w.postMessage({ id, opts, config });
      });
    } catch {
      // fall through to inline
    }
  }
  return insteadFor(req);
}

export async function closeSearchPool(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
