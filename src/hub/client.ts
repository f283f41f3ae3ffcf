// Settings from the environment (HF_ENDPOINT, HF_TOKEN), and one guarded fetch per lookup: every request goes to
// the configured endpoint (redirects it answers with are followed), the whole lookup shares one deadline, and
// Hub failures become a HubError with one clear line. Nothing here talks to huggingface.co unless HF_ENDPOINT
// is unset.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export type HubErrorCode =
  | 'gated'
  | 'not_found'
  | 'file_not_found'
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'too_large'
  | 'no_config'
  | 'no_gguf'
  | 'bad_header'
  | 'unsupported'
  | 'http';

/** A Hub problem worded for the user (one line), with suggestions when there are some. */
export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly didYouMean: string[] = [],
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export interface HubSettings {
  /** Hub base URL without a trailing slash (`HF_ENDPOINT`, e.g. https://hf-mirror.com). */
  endpoint: string;
  /** `HF_TOKEN` / `HUGGING_FACE_HUB_TOKEN`, for gated and private repos. */
  token?: string;
  /** Whole lookup (all requests of one question) in ms. */
  timeoutMs: number;
  /** Disk cache directory (`$XDG_CACHE_HOME/headroom`). */
  cacheDir: string;
  /** Cache size bound in bytes. */
  cacheMaxBytes: number;
  /** Caps: files listed, safetensors shards read, tensors kept. */
  maxFiles: number;
  maxShards: number;
  maxTensors: number;
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export function hubSettings(env: Env = process.env): HubSettings {
  const endpoint = (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const cacheRoot = nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache');
  const num = (v: string | undefined, d: number) => {
    const n = Number(nonEmpty(v));
    return Number.isFinite(n) && n > 0 ? n : d;
  };
  return {
    endpoint,
    token: nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN),
    timeoutMs: num(env.HEADROOM_HUB_TIMEOUT_MS, 8000),
    cacheDir: join(cacheRoot, 'headroom'),
    cacheMaxBytes: num(env.HEADROOM_CACHE_MAX_MB, 256) * 2 ** 20,
    maxFiles: 20_000,
    maxShards: 400,
    maxTensors: 2_000_000,
  };
}

/** One lookup's view of the Hub: a guarded fetch with a shared deadline, and the request count. */
export class HubSession {
  readonly origin: string;
  private readonly ctrl = new AbortController();
  /** Origins the endpoint redirected us to (its CDN): later range reads go there directly. */
  private readonly redirected = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  requests = 0;

  constructor(
    readonly settings: HubSettings,
    readonly repo: string,
  ) {
    this.origin = new URL(settings.endpoint).origin;
    this.timer = setTimeout(() => this.ctrl.abort(), settings.timeoutMs);
    this.timer.unref?.();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  get timedOut(): boolean {
    return this.ctrl.signal.aborted;
  }

  /** The fetch handed to @huggingface/hub and @huggingface/gguf. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const origin = new URL(url).origin;
    if (origin !== this.origin && !this.redirected.has(origin)) throw new HubError('http', `refusing a request outside HF_ENDPOINT (${new URL(url).origin})`);
    if (++this.requests > this.settings.maxShards * 3 + 50) throw new HubError('too_large', `${this.repo} needs more requests than Headroom makes for one model`);
    if (this.ctrl.signal.aborted) throw this.timeoutError();
    const headers = new Headers(init?.headers);
    if (this.settings.token && !headers.has('authorization')) headers.set('authorization', `Bearer ${this.settings.token}`);
    let res: Response;
    try {
      res = await (this.settings.fetch ?? fetch)(url, { ...init, headers, signal: this.ctrl.signal, redirect: 'follow' });
    } catch (e) {
      if (this.ctrl.signal.aborted) throw this.timeoutError();
      throw new HubError('network', `cannot reach the Hub at ${this.settings.endpoint} (${causeOf(e)}); check the network or set HF_ENDPOINT to a mirror`);
    }
    if (res.redirected && res.url) this.redirected.add(new URL(res.url).origin);
    if ((res.status === 401 || res.status === 403) && new URL(res.url || url).origin === this.origin) {
      const code = res.headers.get('x-error-code');
      await res.body?.cancel();
      if (code === 'RepoNotFound') throw new HubError('not_found', `no model repo ${this.repo} on ${this.settings.endpoint}`, [], 404);
      throw this.gatedError(res.status);
    }
    if (res.status === 429) {
      const after = Number(res.headers.get('retry-after'));
      await res.body?.cancel();
      const wait = Number.isFinite(after) && after > 0 ? `${Math.ceil(after)} s` : 'a minute';
      throw new HubError('rate_limited', `the Hub is rate-limiting requests (HTTP 429); wait ${wait} and ask again${this.settings.token ? '' : ', or set HF_TOKEN (logged-in requests get a higher limit)'}`, [], 429);
    }
    if (res.status === 404 && new URL(url).pathname.startsWith('/api/models/')) {
      const code = res.headers.get('x-error-code');
      await res.body?.cancel();
      if (code === 'RevisionNotFound') throw new HubError('not_found', `${this.repo} has no revision ${revisionOf(url)}`, ['main'], 404);
      throw new HubError('not_found', `no model repo ${this.repo} on ${this.settings.endpoint}`, [], 404);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw new HubError('http', `the Hub answered HTTP ${res.status} for ${this.repo}; try again in a moment`, [], res.status);
    }
    return res;
  };

  private gatedError(status: number): HubError {
    const msg = this.settings.token
      ? `${this.repo} is gated or private and HF_TOKEN has no access to it (HTTP ${status}); accept its terms on the Hub with the account that owns the token`
      : `${this.repo} is gated or private (HTTP ${status}); set HF_TOKEN to a token with access to it`;
    return new HubError('gated', msg, [], status);
  }

  timeoutError(): HubError {
    return new HubError('timeout', `the Hub did not answer for ${this.repo} within ${+(this.settings.timeoutMs / 1000).toFixed(1)} s; try again (set HEADROOM_HUB_TIMEOUT_MS to wait longer)`);
  }
}

function revisionOf(url: string): string {
  const m = /\/(?:revision|tree|paths-info)\/([^/?]+)/.exec(new URL(url).pathname);
  return m ? decodeURIComponent(m[1]) : 'asked for';
}

function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } })?.cause;
  return c?.code ?? c?.message ?? (e instanceof Error ? e.message : String(e));
}

/** Turn anything a library threw into a HubError (library errors carry statusCode). */
export function asHubError(e: unknown, s: HubSession): HubError {
  if (e instanceof HubError) return e;
  if (s.timedOut) return s.timeoutError();
  const status = (e as { statusCode?: number })?.statusCode;
  if (status === 404) return new HubError('file_not_found', `${s.repo} is missing a file Headroom needs (HTTP 404)`, [], 404);
  if (status) return new HubError('http', `the Hub answered HTTP ${status} for ${s.repo}`, [], status);
  const name = (e as Error)?.name;
  const msg = e instanceof Error ? e.message.split('\n')[0].slice(0, 160) : String(e);
  if (name === 'SafetensorParseError') return new HubError('bad_header', `${s.repo}: ${msg}`);
  return new HubError('bad_header', `${s.repo}: could not read the checkpoint headers (${msg})`);
}
