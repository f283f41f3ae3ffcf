// Disk cache for Hub lookups under $XDG_CACHE_HOME/headroom/hub, keyed by repo and commit sha:
//   refs/<repo>/<revision>.json   revision -> sha, trusted for a day (and used past that when the Hub is unreachable)
//   sha/<repo>/<sha>/<key>.json   what was read at that commit (config, tensor table) — a commit never changes
// The total size is bounded: oldest entries go first. Writes are atomic (temp file + rename), so replicas and
// concurrent processes never read half a file. Cache errors never fail a question: they only cost a refetch.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const REF_TTL_MS = 24 * 3600 * 1000;

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export class HubCache {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  private refPath(repo: string, revision: string): string {
    return join(this.dir, 'hub', 'refs', safe(repo.toLowerCase()), `${safe(revision)}.json`);
  }

  private contentPath(repo: string, sha: string, key: string): string {
    return join(this.dir, 'hub', 'sha', safe(repo.toLowerCase()), safe(sha), `${safe(key)}.json`);
  }

  /** The sha a revision pointed at, with its age; undefined when never seen. */
  async getRef(repo: string, revision: string): Promise<{ sha: string; ageMs: number } | undefined> {
    const v = await this.read<{ sha: string; at: number }>(this.refPath(repo, revision));
    if (!v || typeof v.sha !== 'string' || typeof v.at !== 'number') return undefined;
    return { sha: v.sha, ageMs: Date.now() - v.at };
  }

  async putRef(repo: string, revision: string, sha: string): Promise<void> {
    await this.write(this.refPath(repo, revision), { sha, at: Date.now() });
  }

  async getContent<T>(repo: string, sha: string, key: string): Promise<T | undefined> {
    return this.read<T>(this.contentPath(repo, sha, key));
  }

  async putContent(repo: string, sha: string, key: string, value: unknown): Promise<void> {
    await this.write(this.contentPath(repo, sha, key), value);
    await this.prune();
  }

  private async read<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private async write(file: string, value: unknown): Promise<void> {
    try {
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, JSON.stringify(value));
      await rename(tmp, file);
    } catch {
      // read-only or full disk: answer without caching
    }
  }

  /** Delete the least recently written content files until the cache fits its bound. */
  async prune(): Promise<void> {
    try {
      const files: Array<{ path: string; size: number; mtime: number }> = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
          const p = join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else {
            const st = await stat(p).catch(() => undefined);
            if (st) files.push({ path: p, size: st.size, mtime: st.mtimeMs });
          }
        }
      };
      await walk(join(this.dir, 'hub'));
      let total = files.reduce((a, f) => a + f.size, 0);
      if (total <= this.maxBytes) return;
      files.sort((a, b) => a.mtime - b.mtime);
      for (const f of files) {
        if (total <= this.maxBytes) break;
        await rm(f.path, { force: true });
        total -= f.size;
      }
    } catch {
      // best effort
    }
  }
}
