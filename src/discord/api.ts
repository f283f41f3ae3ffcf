// Thin wrapper over discord.js's REST (@discordjs/rest: rate limits, retries, multipart with payload_json).
// The base comes from config (DISCORD_API_BASE in tests points at the loopback stand-in).
// Retries are ours, bounded and logged (discord.js alone waits out every 429 for ever and retries 5xx at once):
// a 429 waits its retry_after (at most RETRY_AFTER_MAX_MS) and a 5xx or a timeout backs off exponentially,
// both at most `attempts` times in all; a request that hangs is cut after `timeoutMs`. An expired interaction
// token (10062 Unknown interaction, 50027 Invalid webhook token) is not retried: nothing can reach the user.
import { DiscordAPIError, HTTPError, RateLimitError, REST } from 'discord.js';
import type { Logger } from './log.ts';
import type { OutgoingFile, WebhookApi } from './respond.ts';

export interface RestOptions {
  /** e.g. https://discord.com/api (no version). */
  apiBase: string;
  token?: string;
  log?: Logger;
  /** Cut a request that has not answered after this long (ms). Default 8 000. */
  timeoutMs?: number;
  /** Tries per call, the first included. Default 4. */
  attempts?: number;
  /** First 5xx / timeout backoff (ms), doubled each time (with jitter). Default 300. */
  backoffMs?: number;
}

export const RETRY_AFTER_MAX_MS = 10_000;
/** Discord error codes meaning the interaction token is no longer usable. */
export const EXPIRED_CODES = new Set([10062, 50027, 10015]);

/** The interaction can no longer be answered (token expired or unknown); logged and dropped, never retried. */
export class InteractionExpired extends Error {
  constructor(readonly code: number) {
    super(`interaction token expired or unknown (${code})`);
    this.name = 'InteractionExpired';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Route = `/${string}`;

function rawFiles(files: OutgoingFile[]) {
  return files.length ? files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })) : undefined;
}

export class DiscordRest implements WebhookApi {
  readonly rest: REST;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly log?: Logger;

  constructor(opts: RestOptions) {
    this.rest = new REST({
      api: opts.apiBase,
      version: '10',
      timeout: opts.timeoutMs ?? 8_000,
      retries: 0,
      // 429s come back to `call` as RateLimitError instead of being waited out inside discord.js without bound.
      rejectOnRateLimit: () => true,
      // Interaction endpoints are not bound by the bot's global limit; keep the client-side cap out of the way.
      globalRequestsPerSecond: 500,
    });
    if (opts.token) this.rest.setToken(opts.token);
    this.attempts = Math.max(1, opts.attempts ?? 4);
    this.backoffMs = opts.backoffMs ?? 300;
    this.log = opts.log;
  }

  /** One REST call with bounded, logged retries (see the top of this file). */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof DiscordAPIError && typeof err.code === 'number' && EXPIRED_CODES.has(err.code)) throw new InteractionExpired(err.code);
        let waitMs: number | undefined;
        let reason: string;
        if (err instanceof RateLimitError) {
          reason = '429';
          waitMs = Math.max(err.retryAfter, err.timeToReset, 50);
          if (waitMs > RETRY_AFTER_MAX_MS) waitMs = undefined; // too long to keep a user waiting: give up
        } else if ((err instanceof HTTPError || err instanceof DiscordAPIError) && err.status >= 500) {
          reason = String(err.status);
          waitMs = this.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
        } else if (err instanceof Error && err.name === 'AbortError') {
          reason = 'timeout';
          waitMs = this.backoffMs * 2 ** (attempt - 1);
        } else throw err;
        if (waitMs === undefined || attempt >= this.attempts) {
          this.log?.warn({ call: what, reason, attempt }, 'Discord REST call failed; giving up');
          throw err;
        }
        this.log?.warn({ call: what, reason, attempt, waitMs: Math.round(waitMs) }, 'Discord REST call failed; retrying');
        await sleep(waitMs);
      }
    }
  }

  interactionCallback(interactionId: string, token: string, body: unknown, files: OutgoingFile[]): Promise<unknown> {
    return this.call('callback', () => this.rest.post(`/interactions/${interactionId}/${token}/callback` as Route, { body, files: rawFiles(files), auth: false }));
  }

  editOriginal(applicationId: string, token: string, body: unknown, files: OutgoingFile[]): Promise<unknown> {
    return this.call('edit', () => this.rest.patch(`/webhooks/${applicationId}/${token}/messages/@original` as Route, { body, files: rawFiles(files), auth: false }));
  }

  deleteOriginal(applicationId: string, token: string): Promise<unknown> {
    return this.call('delete', () => this.rest.delete(`/webhooks/${applicationId}/${token}/messages/@original` as Route, { auth: false }));
  }

  followUp(applicationId: string, token: string, body: unknown, files: OutgoingFile[]): Promise<unknown> {
    return this.call('followup', () => this.rest.post(`/webhooks/${applicationId}/${token}` as Route, { body, files: rawFiles(files), auth: false }));
  }

  putCommands(applicationId: string, guildId: string | undefined, definitions: unknown[]): Promise<unknown> {
    const route = guildId ? `/applications/${applicationId}/guilds/${guildId}/commands` : `/applications/${applicationId}/commands`;
    return this.rest.put(route as Route, { body: definitions });
  }

  /** Stop the REST client's sweep timers. */
  close(): void {
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }
}
