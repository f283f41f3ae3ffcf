// Issue 8, faults: Discord's REST answering 429 / 5xx / nothing on the callback and on the deferred edit, an
// expired token, a crashing handler, abuse limits and a shutdown in the middle of work — against the loopback
// Discord (test/fake-discord, with fault injection), over the gateway transport.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../commands/types.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { startGateway, type GatewayBot } from '../../src/discord/gateway.ts';
import { AbuseGuard, TokenBuckets } from '../../src/discord/limits.ts';
import { FakeDiscord, snowflake } from '../fake-discord/index.ts';
import { capturedLogger, type LogLine } from '../helpers/signed.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cmd = (name: string, execute: Command['execute'], extra: Partial<Command> = {}): Command => ({
  definition: { name, description: `${name} test command`, options: [{ type: 3, name: 'text', description: 'text' }] },
  execute,
  ...extra,
});
const commands: Command[] = [
  cmd('quick', async (ctx) => ({ content: `quick ${ctx.options.text ?? ''}` })),
  cmd('later', async () => {
    await sleep(250);
    return { content: 'later answer' };
  }),
  cmd('late', async () => {
    await sleep(3300); // past Discord's 3 s, and not deferred (deferAfterMs is long for this bot)
    return { content: 'too late' };
  }),
  cmd('crash', async () => {
    throw new TypeError('cannot read properties of undefined (test)');
  }),
];

describe('e2e: REST faults, limits and shutdown (gateway)', () => {
  let fake: FakeDiscord;
  let bot: GatewayBot;
  const captured = capturedLogger('debug');
  const logs: LogLine[] = captured.lines;
  const user = () => ({ user: { id: snowflake(), username: 'u' } });

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    await deployCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiBase: fake.apiBase, commands });
    bot = await startGateway({
      token: fake.token,
      apiBase: fake.apiBase,
      commands,
      log: captured.log,
      dispatcher: { deferAfterMs: 100 },
      rest: { timeoutMs: 700, attempts: 4, backoffMs: 100 },
    });
  });
  afterEach(() => {
    fake.clearFaults();
    fake.takeViolations();
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it('a 429 on the callback waits its retry_after once, then answers in time', async () => {
    fake.injectFault({ kind: 'callback', status: 429, retryAfterS: 1 });
    const o = await fake.command('quick', { text: 'x' }, user());
    expect(o.answer?.content).toBe('quick x');
    expect(o.ackMs!).toBeGreaterThan(900);
    expect(o.ackMs!).toBeLessThan(3000);
    expect(fake.faultHits.filter((f) => f.kind === 'callback')).toHaveLength(1);
  });

  it('429 on every deferred edit: a bounded number of tries, logged, then given up', async () => {
    fake.injectFault({ kind: 'edit', status: 429, retryAfterS: 0.3, times: Infinity });
    const before = fake.faultHits.length;
    const logBefore = logs.length;
    await fake.command('later', {}, { ...user(), timeoutMs: 1000 });
    const edits = () => fake.faultHits.slice(before).filter((f) => f.kind === 'edit');
    for (let t = 0; t < 60 && edits().length < 4; t++) await sleep(100); // Retry-After is whole seconds: ~3 s
    expect(edits()).toHaveLength(4); // not 55 in a minute and counting
    await sleep(1200);
    expect(fake.faultHits.slice(before).filter((f) => f.kind === 'edit')).toHaveLength(4);
    const lines = logs.slice(logBefore);
    expect(lines.filter((l) => l.msg === 'Discord REST call failed; retrying')).toHaveLength(3);
    expect(lines.some((l) => l.msg === 'Discord REST call failed; giving up' && l.reason === '429')).toBe(true);
  });

  it('5xx on the edit is retried with growing backoff, then answered', async () => {
    fake.injectFault({ kind: 'edit', status: 502, times: 2 });
    const before = fake.faultHits.length;
    const o = await fake.command('later', {}, user());
    expect(o.answer?.content).toBe('later answer');
    const hits = fake.faultHits.slice(before);
    expect(hits.map((h) => h.status)).toEqual([502, 502]);
    const retries = logs.filter((l) => l.msg === 'Discord REST call failed; retrying' && l.reason === '502').slice(-2);
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    expect(Number(retries[1]!.waitMs)).toBeGreaterThan(Number(retries[0]!.waitMs));
  });

  it('a 500 on the callback is retried', async () => {
    fake.injectFault({ kind: 'callback', status: 500 });
    const o = await fake.command('quick', { text: 'y' }, user());
    expect(o.answer?.content).toBe('quick y');
  });

  it('a hanging edit is cut by the timeout and tried again', async () => {
    fake.injectFault({ kind: 'edit', status: 'hang' });
    const o = await fake.command('later', {}, { ...user(), timeoutMs: 5000 });
    expect(o.answer?.content).toBe('later answer');
    expect(logs.some((l) => l.msg === 'Discord REST call failed; retrying' && l.reason === 'timeout')).toBe(true);
  });

  it.each([
    ['callback', 404, 10062],
    ['edit', 401, 50027],
  ] as const)('an expired token (%s %d / %d) is logged at info and dropped, not retried', async (kind, status, code) => {
    fake.injectFault({ kind, status, code });
    const before = logs.length;
    const hits = fake.faultHits.length;
    await fake.command(kind === 'edit' ? 'later' : 'quick', {}, { ...user(), timeoutMs: 1500 });
    await sleep(200);
    const lines = logs.slice(before);
    expect(lines.filter((l) => l.msg === 'interaction expired before it was answered; dropped' && l.code === code)).toHaveLength(1);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(fake.faultHits.length - hits).toBe(1);
  });

  it('a crashing handler: the user gets an apology, the log one structured line with the id, no token or values', async () => {
    const before = logs.length;
    const o = await fake.command('crash', { text: 'secret-value' }, user());
    expect(o.ephemeral).toBe(true);
    expect(o.answer?.content).toMatch(/Sorry, something went wrong/);
    const errors = logs.slice(before).filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    const line = JSON.stringify(errors[0]);
    expect(errors[0]!.interaction).toBeDefined();
    expect(line).not.toContain('secret-value');
    expect(line).not.toMatch(/token/i);
  });
});

describe('abuse limits (token buckets)', () => {
  it('a bucket refills at its rate and holds at most its burst', () => {
    const b = new TokenBuckets({ burst: 3, perSecond: 1 });
    expect([b.take('a', 0), b.take('a', 0), b.take('a', 0)]).toEqual([0, 0, 0]);
    expect(b.take('a', 0)).toBe(1000);
    expect(b.take('a', 500)).toBe(500);
    expect(b.take('a', 1000)).toBe(0);
    expect(b.take('a', 100_000)).toBe(0); // refilled to 3, not 100
    expect([b.take('a', 100_000), b.take('a', 100_000), b.take('a', 100_000)]).toEqual([0, 0, 1000]);
  });

  it('memory is bounded: least recently used keys go first', () => {
    const b = new TokenBuckets({ burst: 1, perSecond: 0.001 }, 100);
    for (let i = 0; i < 1000; i++) b.take(`u${i}`, 0);
    expect(b.size).toBe(100);
    expect(b.take('u999', 0)).toBeGreaterThan(0); // recent: still limited
    expect(b.take('u0', 0)).toBe(0); // evicted: starts full
  });

  it('a user is limited before their guild pays for it; guilds and autocomplete have their own buckets', () => {
    const g = new AbuseGuard({ user: { burst: 2, perSecond: 0 }, guild: { burst: 3, perSecond: 0 }, autocompleteUser: { burst: 1, perSecond: 0 } });
    expect(g.check('work', 'spammer', 'G', 0).waitMs).toBe(0);
    expect(g.check('work', 'spammer', 'G', 0).waitMs).toBe(0);
    for (let i = 0; i < 5; i++) expect(g.check('work', 'spammer', 'G', 0).scope).toBe('user');
    expect(g.check('work', 'other', 'G', 0).waitMs).toBe(0);
    expect(g.check('work', 'third', 'G', 0).scope).toBe('guild');
    expect(g.check('work', 'fourth', 'H', 0).waitMs).toBe(0);
    expect(g.check('autocomplete', 'spammer', 'G', 0).waitMs).toBe(0);
    expect(g.check('autocomplete', 'spammer', 'G', 0).scope).toBe('user');
  });
});
