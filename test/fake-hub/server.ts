// A loopback Hugging Face Hub for tests (and for trying Headroom by hand: test/fake-hub/serve.ts). It speaks the
// parts of the Hub's wire protocol @huggingface/hub and @huggingface/gguf use:
//   GET  /api/models?search=&limit=                         model search
//   GET  /api/models/{repo}/revision/{rev}?expand=…         model info (sha, siblings)
//   GET  /api/models/{repo}/tree/{rev}[/{path}]?recursive=  file listing, paginated with a Link header
//   POST /api/models/{repo}/paths-info/{rev}                info on given paths
//   HEAD|GET /{repo}/resolve|raw/{rev}/{path}               files; Range -> 206; LFS files redirect (302) to a
//                                                           second "CDN" origin, as the real resolve does
// and the Hub's failures: gated repos (401 without a token, 403 with a wrong one, X-Error-Code: GatedRepo),
// unknown repos (401 anonymous / 404 with a token, X-Error-Code: RepoNotFound), unknown revisions, 429 with
// Retry-After, slow answers. File data is virtual (a real header, then zeros), so a "60 GB" checkpoint costs
// nothing; every request is logged with the bytes served, so tests can prove no weights were downloaded.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  /** Bytes at the start of the file (a whole small file, or a checkpoint header). */
  head: Buffer;
  /** Total size; bytes past `head` read as zeros. */
  size: number;
  /** Stored in LFS (served through the CDN redirect). */
  lfs: boolean;
}

export interface FakeRepo {
  id: string;
  sha: string;
  files: Record<string, FakeFile>;
  /** Needs HF_TOKEN = FakeHub.token. */
  gated?: boolean;
  /** Always answers 429. */
  rateLimited?: boolean;
  /** Delay before every answer about this repo. */
  slowMs?: number;
  /** Other branches / tags -> sha. */
  refs?: Record<string, string>;
  downloads?: number;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range?: string;
  auth?: string;
  status: number;
  bytes: number;
}

export function jsonFile(v: unknown): FakeFile {
  const head = Buffer.from(JSON.stringify(v, null, 2));
  return { head, size: head.length, lfs: false };
}

export function textFile(text: string): FakeFile {
  const head = Buffer.from(text, 'utf8');
  return { head, size: head.length, lfs: false };
}

export function blobFile(f: { header: Buffer; size: number }): FakeFile {
  return { head: f.header, size: f.size, lfs: true };
}

const shaOf = (s: string) => createHash('sha1').update(s).digest('hex');

export class FakeHub {
  readonly token = 'hf_fake_token_with_access';
  readonly log: LoggedRequest[] = [];
  private readonly repos = new Map<string, FakeRepo>();
  endpoint = '';
  cdn = '';
  /** Page size of tree listings (small, so pagination is exercised). */
  treePage = 50;
  /** Delay before answering a model search (a slow Hub during autocomplete). */
  searchDelayMs = 0;

  private constructor(
    private readonly hub: Server,
    private readonly cdnServer: Server,
  ) {}

  static async start(port = 0): Promise<FakeHub> {
    let self!: FakeHub;
    const hub = createServer((req, res) => void self.onHub(req, res));
    const cdn = createServer((req, res) => void self.onCdn(req, res));
    self = new FakeHub(hub, cdn);
    await Promise.all([new Promise<void>((r) => hub.listen(port, '127.0.0.1', r)), new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r))]);
    self.endpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    self.cdn = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    return self;
  }

  async close(): Promise<void> {
    this.hub.closeAllConnections?.();
    this.cdnServer.closeAllConnections?.();
    await Promise.all([new Promise((r) => this.hub.close(r)), new Promise((r) => this.cdnServer.close(r))]);
  }

  addRepo(r: Omit<FakeRepo, 'sha'> & { sha?: string }): FakeRepo {
    const repo: FakeRepo = { ...r, sha: r.sha ?? shaOf(`${r.id}:${Object.keys(r.files).join(',')}`) };
    this.repos.set(repo.id.toLowerCase(), repo);
    return repo;
  }

  repo(id: string): FakeRepo | undefined {
    return this.repos.get(id.toLowerCase());
  }

  /** Bytes served for files (not API JSON) since the last call. */
  bytesServed(): number {
    return this.log.filter((l) => /\/(resolve|raw)\/|^\/cdn\//.test(l.url)).reduce((a, l) => a + l.bytes, 0);
  }

  clearLog(): void {
    this.log.length = 0;
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer | string | undefined, headers: Record<string, string> = {}): void {
    const buf = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { 'content-length': String(buf.length), ...headers });
    res.end(req.method === 'HEAD' ? undefined : buf);
    this.log.push({ method: req.method ?? 'GET', url: req.url ?? '', range: req.headers.range, auth: req.headers.authorization, status, bytes: req.method === 'HEAD' ? 0 : buf.length });
  }

  private json(req: IncomingMessage, res: ServerResponse, status: number, v: unknown, headers: Record<string, string> = {}): void {
    this.send(req, res, status, JSON.stringify(v), { 'content-type': 'application/json; charset=utf-8', ...headers });
  }

  private error(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
    this.json(req, res, status, { error: message }, { 'x-error-code': code, 'x-error-message': message });
  }

  /** Gate, rate limit, slow answers: undefined when the request may go on. */
  private async guard(req: IncomingMessage, res: ServerResponse, id: string): Promise<FakeRepo | undefined> {
    const repo = this.repo(id);
    const auth = req.headers.authorization;
    if (!repo) {
      if (!auth) this.error(req, res, 401, 'RepoNotFound', 'Repository Not Found for url. Please make sure you specified the correct `repo_id` and `repo_type`. If you are trying to access a private or gated repo, make sure you are authenticated.');
      else this.error(req, res, 404, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (repo.slowMs) await new Promise((r) => setTimeout(r, repo.slowMs));
    if (repo.rateLimited) {
      this.json(req, res, 429, { error: 'You have exceeded our hourly quotas for action: resolve.' }, { 'retry-after': '7' });
      return undefined;
    }
    if (repo.gated) {
      if (!auth) {
        this.error(req, res, 401, 'GatedRepo', `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
        return undefined;
      }
      if (auth !== `Bearer ${this.token}`) {
        this.error(req, res, 403, 'GatedRepo', `Access to model ${repo.id} is restricted and you are not in the authorized list.`);
        return undefined;
      }
    }
    return repo;
  }

  private shaFor(repo: FakeRepo, rev: string): string | undefined {
    if (rev === 'main' || rev === 'HEAD' || rev === repo.sha) return repo.sha;
    return repo.refs?.[rev];
  }

  private async onHub(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const u = new URL(req.url ?? '/', this.endpoint);
      const p = u.pathname.split('/').map(decodeURIComponent);
      // /api/models?search=
      if (u.pathname === '/api/models' && req.method === 'GET') {
        if (this.searchDelayMs) await new Promise((r) => setTimeout(r, this.searchDelayMs));
        const q = (u.searchParams.get('search') ?? '').toLowerCase();
        const limit = Number(u.searchParams.get('limit') ?? 20);
        const hits = [...this.repos.values()]
          .filter((r) => !r.gated && r.id.toLowerCase().includes(q))
          .sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0))
          .slice(0, limit)
          .map((r) => ({ _id: shaOf(r.id).slice(0, 24), id: r.id, downloads: r.downloads ?? 0, likes: 0, private: false, gated: false, pipeline_tag: 'text-generation', lastModified: '2026-11-01T00:00:00.000Z' }));
        return this.json(req, res, 200, hits);
      }
      if (p[1] === 'api' && p[2] === 'models' && p.length >= 7) {
        const id = `${p[3]}/${p[4]}`;
        const repo = await this.guard(req, res, id);
        if (!repo) return;
        const what = p[5];
        const rev = p[6];
        const sha = this.shaFor(repo, rev);
        if (!sha) return this.error(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
        if (what === 'revision' && req.method === 'GET') {
          return this.json(req, res, 200, {
            _id: shaOf(repo.id).slice(0, 24),
            id: repo.id,
            sha,
            private: false,
            gated: repo.gated ? 'manual' : false,
            downloads: repo.downloads ?? 0,
            likes: 0,
            pipeline_tag: 'text-generation',
            lastModified: '2026-11-01T00:00:00.000Z',
            siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
          });
        }
        if (what === 'tree' && req.method === 'GET') {
          const prefix = p.slice(7).join('/');
          const recursive = u.searchParams.get('recursive') === 'true';
          const entries = this.tree(repo, prefix, recursive);
          const cursor = Number(u.searchParams.get('cursor') ?? 0);
          const page = entries.slice(cursor, cursor + this.treePage);
          const headers: Record<string, string> = {};
          if (cursor + this.treePage < entries.length) {
            const next = new URL(u);
            next.searchParams.set('cursor', String(cursor + this.treePage));
            headers.link = `<${next.href}>; rel="next"`;
          }
          return this.json(req, res, 200, page, headers);
        }
        if (what === 'paths-info' && req.method === 'POST') {
          const body = JSON.parse((await readBody(req)) || '{}') as { paths?: string[] };
          const out = (body.paths ?? []).filter((x) => repo.files[x]).map((x) => this.entry(repo, x));
          return this.json(req, res, 200, out);
        }
        return this.error(req, res, 404, 'EntryNotFound', 'Not found');
      }
      // /{org}/{name}/(resolve|raw)/{rev}/{path…}
      if (p.length >= 6 && (p[3] === 'resolve' || p[3] === 'raw')) {
        const repo = await this.guard(req, res, `${p[1]}/${p[2]}`);
        if (!repo) return;
        const sha = this.shaFor(repo, p[4]);
        if (!sha) return this.error(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${p[4]}`);
        const path = p.slice(5).join('/');
        const file = repo.files[path];
        if (!file) return this.error(req, res, 404, 'EntryNotFound', `${path} does not exist on "${p[4]}"`);
        const etag = `"${shaOf(`${repo.id}/${sha}/${path}`)}"`;
        if (file.lfs && p[3] === 'resolve') {
          // The real Hub answers LFS files with a redirect to its CDN (a different origin, signed URL).
          const loc = `${this.cdn}/cdn/${encodeURIComponent(repo.id)}/${sha}/${path.split('/').map(encodeURIComponent).join('/')}?sig=${shaOf(path).slice(0, 8)}`;
          return this.send(req, res, 302, undefined, { location: loc, 'x-linked-size': String(file.size), 'x-linked-etag': etag, 'x-repo-commit': sha });
        }
        if (file.lfs) {
          // raw on an LFS file: the pointer file
          const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${shaOf(path)}\nsize ${file.size}\n`);
          return this.send(req, res, 200, pointer, { etag, 'x-repo-commit': sha });
        }
        return this.serveRange(req, res, file, { etag, 'x-repo-commit': sha });
      }
      this.error(req, res, 404, 'NotFound', 'Sorry, we can\'t find the page you are looking for.');
    } catch (e) {
      this.send(req, res, 500, String(e));
    }
  }

  private async onCdn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.cdnFile(req, res);
    } catch (e) {
      this.send(req, res, 500, String(e));
    }
  }

  private async cdnFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', this.cdn);
    const p = u.pathname.split('/').map(decodeURIComponent);
    // /cdn/{repo}/{sha}/{path…}
    const repo = this.repo(p[2] ?? '');
    const file = repo?.files[p.slice(4).join('/')];
    if (p[1] !== 'cdn' || !repo || !file || !u.searchParams.get('sig')) return this.send(req, res, 403, '<Error><Code>AccessDenied</Code></Error>', { 'content-type': 'application/xml' });
    if (repo.slowMs) await new Promise((r) => setTimeout(r, repo.slowMs));
    const etag = `"${shaOf(`${repo.id}/${p[3]}/${p.slice(4).join('/')}`)}"`;
    this.serveRange(req, res, file, { etag, 'x-cache': 'Hit from cloudfront' });
  }

  private serveRange(req: IncomingMessage, res: ServerResponse, f: FakeFile, headers: Record<string, string>): void {
    const read = (a: number, b: number) => {
      const out = Buffer.alloc(b - a);
      if (a < f.head.length) f.head.copy(out, 0, a, Math.min(b, f.head.length));
      return out;
    };
    const range = req.headers.range;
    const base = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', ...headers };
    if (!range) {
      if (f.size > 64 * 2 ** 20) return this.send(req, res, 500, 'the stand-in refuses to send a whole checkpoint: use Range');
      return this.send(req, res, 200, read(0, f.size), base);
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    if (!m) return this.send(req, res, 416, undefined, { 'content-range': `bytes */${f.size}` });
    const start = Number(m[1]);
    const end = m[2] === '' ? f.size - 1 : Math.min(Number(m[2]), f.size - 1);
    if (start >= f.size || end < start) return this.send(req, res, 416, undefined, { 'content-range': `bytes */${f.size}` });
    this.send(req, res, 206, read(start, end + 1), { ...base, 'content-range': `bytes ${start}-${end}/${f.size}` });
  }

  private entry(repo: FakeRepo, path: string): Record<string, unknown> {
    const f = repo.files[path];
    const oid = shaOf(`${repo.id}/${path}`);
    return { type: 'file', oid, size: f.size, path, ...(f.lfs ? { lfs: { oid: createHash('sha256').update(path).digest('hex'), size: f.size, pointerSize: 134 } } : {}) };
  }

  private tree(repo: FakeRepo, prefix: string, recursive: boolean): Record<string, unknown>[] {
    const pre = prefix ? `${prefix}/` : '';
    const out: Record<string, unknown>[] = [];
    const dirs = new Set<string>();
    for (const path of Object.keys(repo.files).sort()) {
      if (!path.startsWith(pre)) continue;
      const rest = path.slice(pre.length);
      if (!recursive && rest.includes('/')) {
        const d = pre + rest.split('/')[0];
        if (!dirs.has(d)) {
          dirs.add(d);
          out.push({ type: 'directory', oid: shaOf(d), size: 0, path: d });
        }
        continue;
      }
      if (recursive) {
        const segs = rest.split('/');
        for (let i = 1; i < segs.length; i++) {
          const d = pre + segs.slice(0, i).join('/');
          if (!dirs.has(d)) {
            dirs.add(d);
            out.push({ type: 'directory', oid: shaOf(d), size: 0, path: d });
          }
        }
      }
      out.push(this.entry(repo, path));
    }
    return out;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
