// src/hub: a model straight from the Hugging Face Hub, as the same config + stored-tensor data a catalog entry or
// an attached config.json gives. Commands call modelFromHub() when the catalog does not know the name.
import type { ModelInput, UserError } from '../catalog/parse.ts';
import { HubError, hubSettings, type HubSettings } from './client.ts';
import { loadHubModel, type HubModel } from './load.ts';
import { formatHubRef, parseHubRef, type HubRef } from './ref.ts';
import { searchHub } from './search.ts';

export { HubError, hubSettings, type HubSettings } from './client.ts';
export { formatHubRef, parseHubRef, type HubRef } from './ref.ts';
export { searchHub } from './search.ts';
export { loadHubModel, type HubModel } from './load.ts';
/** Import the Hugging Face libraries now (a bot's warm-up), not in the middle of the first Hub question. */
export { hfGguf as loadHubLibraries } from './libs.ts';
export type { ModelInput } from '../catalog/parse.ts';

export function hubModelInput(ref: HubRef, m: HubModel): ModelInput {
  const name = m.file ? `${m.repo} (${m.file.split('/').pop()})` : m.repo;
  const input: ModelInput = {
    json: m.config,
    name,
    id: formatHubRef({ ...ref, repo: m.repo }),
    source: { kind: 'hub', repo: m.repo, revision: m.sha, ...(m.file ? { file: m.file } : {}) },
    remarks: m.remarks,
  };
  if (m.container !== 'none') input.stored = { container: m.container, quant: m.quant, tensors: m.tensors };
  return input;
}

/**
 * A model option that names a Hub repo -> its ModelInput, or one clear error; undefined when the text does not
 * have the shape of a Hub reference (the caller's own "unknown model" applies then).
 */
export async function modelFromHub(
  input: string,
  opts: { settings?: HubSettings; catalogSuggest?: (q: string) => string[] } = {},
): Promise<{ ok: true; model: ModelInput } | { ok: false; error: UserError } | undefined> {
  const ref = parseHubRef(input);
  if (!ref) return undefined;
  const settings = opts.settings ?? hubSettings();
  try {
    const m = await loadHubModel(ref, settings);
    return { ok: true, model: hubModelInput(ref, m) };
  } catch (e) {
    const he = e instanceof HubError ? e : new HubError('http', `could not read ${ref.repo} from the Hub (${e instanceof Error ? e.message : String(e)})`);
    let didYouMean = he.didYouMean;
    if (he.code === 'not_found' && !didYouMean.length) {
      const name = ref.repo.split('/')[1];
      const fromCatalog = opts.catalogSuggest?.(name).slice(0, 2) ?? [];
      // The Hub's search matches substrings: when the whole name finds nothing, its first words may.
      let fromHub = await searchHub(name, { limit: 3, timeoutMs: 1500, settings });
      const words = name.split(/[-_]/).filter(Boolean);
      if (!fromHub.length && words.length > 2) fromHub = await searchHub(words.slice(0, 2).join('-'), { limit: 3, timeoutMs: 1000, settings });
      didYouMean = [...new Set([...fromCatalog, ...fromHub])].slice(0, 5);
    }
    return { ok: false, error: { field: 'model', message: he.message, didYouMean: didYouMean.length ? didYouMean : undefined } };
  }
}
