// "What would fit instead" for a /size that does not fit: the recommend search over the hardware catalog.
// For large models it sizes hundreds of configurations (100-500 ms), so the bot runs it in a worker thread
// (search-pool.ts, search-worker.ts); this function is what both the worker and the inline fallback call.
import { catalogs } from '../src/catalog/load.ts';
import { buildRequest, type ModelInput, type SizeOptions } from '../src/catalog/parse.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import type { InsteadOption } from '../src/render/text.ts';
import { fitInstead } from './size-actions.ts';

export function insteadFor(req: SizingRequest): InsteadOption[] {
  return fitInstead(req, catalogs());
}

/** The same from the options as typed (what the worker receives: plain data only). */
export function insteadForOptions(opts: SizeOptions, config: ModelInput | undefined): InsteadOption[] {
  const built = buildRequest(opts, catalogs(), config);
  return built.ok ? insteadFor(built.value) : [];
}
