// The Hub's model search (`/api/models?search=`), for autocomplete and "did you mean": bounded in time, cached in
// memory (an hour per query), never throws — a slow or unreachable Hub just means no Hub suggestions.
import { HubSession, hubSettings, type HubSettings } from './client.ts';
import { hfHub } from './libs.ts';

const TTL_MS = 3600 * 1000;
const MAX_ENTRIES = 500;
const memo = new Map<string, { at: number; ids: Promise<string[]> }>();

/** Up to `limit` repo ids matching `query`, most downloaded first; [] on any problem or after `timeoutMs`. */
export async function searchHub(query: string, opts: { limit?: number; timeoutMs?: number; settings?: HubSettings } = {}): Promise<string[]> {
  const q = query.trim().replace(/^https?:\/\/(www\.)?(huggingface\.co|hf\.co)\//i, '').replace(/^(hf\.co|huggingface\.co)\//i, '').slice(0, 80);
  if (q.length < 2) return [];
  const settings = opts.settings ?? hubSettings();
  const limit = opts.limit ?? 10;
  const key = `${settings.endpoint}|${q.toLowerCase()}|${limit}`;
  const now = Date.now();
  let hit = memo.get(key);
  if (!hit || now - hit.at > TTL_MS) {
    hit = { at: now, ids: run(q, limit, settings) };
    memo.set(key, hit);
    if (memo.size > MAX_ENTRIES) memo.delete(memo.keys().next().value!);
    // Failures are not remembered: the next keystroke tries again.
    hit.ids.then((ids) => {
      if (!ids.length) memo.delete(key);
    });
  }
  const timeoutMs = opts.timeoutMs ?? 1200;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string[]>((res) => {
    timer = setTimeout(() => res([]), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([hit.ids, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function run(query: string, limit: number, settings: HubSettings): Promise<string[]> {
  const s = new HubSession({ ...settings, timeoutMs: Math.min(settings.timeoutMs, 5000) }, query);
  const ids: string[] = [];
  try {
    const { listModels } = await hfHub();
    for await (const m of listModels({ search: { query }, limit, sort: 'downloads', hubUrl: settings.endpoint, fetch: s.fetch })) {
      if (typeof m.name === 'string') ids.push(m.name);
      if (ids.length >= limit) break;
    }
  } catch {
    return [];
  } finally {
    s.close();
  }
  return ids;
}

/** Forget cached searches (tests). */
export function clearSearchCache(): void {
  memo.clear();
}
