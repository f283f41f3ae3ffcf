// Worker thread for the "instead" search (instead.ts). Loaded with the tsx loader (search-pool.ts passes it).
import { parentPort } from 'node:worker_threads';
import { catalogs } from '../src/catalog/load.ts';
import { insteadForOptions } from './instead.ts';

catalogs(); // load at start (the pool starts the worker at warm-up)
parentPort!.on('message', (m: { id: number; opts: Parameters<typeof insteadForOptions>[0]; config?: Parameters<typeof insteadForOptions>[1] }) => {
  try {
    parentPort!.postMessage({ id: m.id, instead: insteadForOptions(m.opts, m.config) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: String((err as Error)?.message ?? err) });
  }
});
parentPort!.postMessage({ ready: true });
