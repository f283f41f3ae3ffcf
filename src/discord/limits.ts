// Abuse limits, per process: token buckets per user and per guild, separately for work (commands and
// button clicks, which compute an answer) and for autocomplete (cheap, but sent on every keystroke).
// A bucket holds up to `burst` tokens and refills at `perSecond`; a request takes one token or is told how
// long to wait. Memory is bounded: the least recently used keys are dropped beyond `maxKeys` (a dropped key
// simply starts again with a full bucket). With several replicas each has its own buckets, which is fine for
// abuse control.

export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface AbuseLimits {
  /** Commands + clicks per user. Default: 12 at once, then one per 5 s. */
  user: BucketSpec;
  /** Commands + clicks per guild (all its users together). Default: 60 at once, then 2 per second. */
  guild: BucketSpec;
  /** Autocomplete requests per user. Default: 30 at once, then 5 per second. */
  autocompleteUser: BucketSpec;
  /** Autocomplete requests per guild. Default: 200 at once, then 25 per second. */
  autocompleteGuild: BucketSpec;
  /** Commands waiting for their turn beyond this are told the bot is busy (bounds memory and latency). */
  maxQueued: number;
  /** Keys remembered per bucket family. */
  maxKeys: number;
}

export const DEFAULT_LIMITS: AbuseLimits = {
  user: { burst: 12, perSecond: 1 / 5 },
  guild: { burst: 60, perSecond: 2 },
  autocompleteUser: { burst: 30, perSecond: 5 },
  autocompleteGuild: { burst: 200, perSecond: 25 },
  maxQueued: 500,
  maxKeys: 50_000,
};

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly spec: BucketSpec,
    private readonly maxKeys = DEFAULT_LIMITS.maxKeys,
  ) {}

  /** Milliseconds until a token is available (nothing taken), or 0 when one was taken. */
  take(key: string, now = Date.now()): number {
    const prev = this.buckets.get(key);
    let tokens = this.spec.burst;
    if (prev) {
      tokens = Math.min(this.spec.burst, prev.tokens + ((now - prev.at) / 1000) * this.spec.perSecond);
      this.buckets.delete(key); // re-inserted below: Map order is recency order
    }
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      this.evict();
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    this.evict();
    return this.spec.perSecond > 0 ? Math.ceil(((1 - tokens) / this.spec.perSecond) * 1000) : Infinity;
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

export type LimitKind = 'work' | 'autocomplete';

/** Per-user and per-guild buckets for both kinds. */
export class AbuseGuard {
  readonly limits: AbuseLimits;
  private readonly work: { user: TokenBuckets; guild: TokenBuckets };
  private readonly ac: { user: TokenBuckets; guild: TokenBuckets };

  constructor(limits: Partial<AbuseLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const l = this.limits;
    this.work = { user: new TokenBuckets(l.user, l.maxKeys), guild: new TokenBuckets(l.guild, l.maxKeys) };
    this.ac = { user: new TokenBuckets(l.autocompleteUser, l.maxKeys), guild: new TokenBuckets(l.autocompleteGuild, l.maxKeys) };
  }

  /**
   * 0 when allowed, else milliseconds to wait and which limit was hit. The user bucket is checked first, so one
   * user spamming does not use up the guild's tokens.
   */
  check(kind: LimitKind, user: string | undefined, guild: string | undefined, now = Date.now()): { waitMs: number; scope?: 'user' | 'guild' } {
    const b = kind === 'work' ? this.work : this.ac;
    if (user) {
      const w = b.user.take(user, now);
      if (w > 0) return { waitMs: w, scope: 'user' };
    }
    if (guild) {
      const w = b.guild.take(guild, now);
      if (w > 0) return { waitMs: w, scope: 'guild' };
    }
    return { waitMs: 0 };
  }
}
