// The HTTP interactions endpoint, signed with a generated Ed25519 key pair the way Discord signs:
// X-Signature-Ed25519 over X-Signature-Timestamp + raw body. The stand-in delivers interactions and checks
// the HTTP response as the initial callback; follow-ups and edits go to it over REST.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../commands/types.ts';
import { startHttp, type HttpBot } from '../../src/discord/http.ts';
import { silentLogger } from '../../src/discord/log.ts';
import { FakeDiscord } from '../fake-discord/index.ts';
import { keyPair, rawRequest, signedHeaders } from '../helpers/signed.ts';

const registry = fileURLToPath(new URL('../../commands/index.ts', import.meta.url));
const hasRegistry = existsSync(registry);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const local: Command[] = [
  {
    definition: { name: 'hello', description: 'says hello', options: [{ type: 3, name: 'who', description: 'who' }] },
    async execute(ctx) {
      return { content: `hello ${ctx.options.who ?? 'world'}`, embeds: [{ title: ctx.locale }] };
    },
  },
  {
    definition: { name: 'slowhello', description: 'slow hello' },
    async execute() {
      await sleep(1500);
      return { content: 'slow hello' };
    },
  },
  {
    definition: { name: 'chart', description: 'chart' },
    async execute() {
      return { content: 'chart', files: [{ name: 'chart.png', data: PNG }] };
    },
  },
];

const signed = signedHeaders;

describe('e2e: HTTP interactions endpoint', () => {
  let fake: FakeDiscord;
  let bot: HttpBot;
  let keys: ReturnType<typeof keyPair>;
  let commands: Command[];

  beforeAll(async () => {
    keys = keyPair();
    fake = await FakeDiscord.start();
    const real = hasRegistry ? ((await import(/* @vite-ignore */ pathToFileURL(registry).href)) as { commands: Command[] }).commands : [];
    commands = [...local, ...real];
    fake.registerCommands(commands.map((c) => ({ ...c.definition, integration_types: [0, 1], contexts: [0, 1, 2] })), fake.guildId);
    await Promise.all(commands.map((c) => c.warm?.())); // as main.ts does before taking traffic
    bot = await startHttp({ publicKey: keys.publicHex, port: 0, host: '127.0.0.1', apiBase: fake.apiBase, commands, log: silentLogger() });
  });
  afterEach(() => {
    expect(fake.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    expect(bot.server.listening).toBe(false);
  });

  it('PING with a valid signature -> PONG {type: 1}', async () => {
    const o = await fake.deliverHttp(bot.url, fake.pingInteraction(), keys.privateKey);
    expect(o.callbackType).toBe(1);
    const body = JSON.stringify(fake.pingInteraction());
    const res = await fetch(bot.url, { method: 'POST', headers: signed(keys.privateKey, body), body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('a tampered body -> 401', async () => {
    const body = JSON.stringify(fake.pingInteraction());
    const headers = signed(keys.privateKey, body);
    const res = await fetch(bot.url, { method: 'POST', headers, body: body.replace('"type":1', '"type":2') });
    expect(res.status).toBe(401);
    // a signature over another timestamp is as bad
    const res2 = await fetch(bot.url, { method: 'POST', headers: { ...headers, 'x-signature-timestamp': '1' }, body });
    expect(res2.status).toBe(401);
  });

  it('missing or malformed signature headers -> 401', async () => {
    const body = JSON.stringify(fake.pingInteraction());
    expect((await fetch(bot.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    const { 'x-signature-ed25519': _sig, ...noSig } = signed(keys.privateKey, body);
    expect((await fetch(bot.url, { method: 'POST', headers: noSig, body })).status).toBe(401);
    expect((await fetch(bot.url, { method: 'POST', headers: { ...signed(keys.privateKey, body), 'x-signature-ed25519': 'zz' }, body })).status).toBe(401);
    // signed by someone else
    const other = keyPair();
    expect((await fetch(bot.url, { method: 'POST', headers: signed(other.privateKey, body), body })).status).toBe(401);
  });

  it('an oversize body -> 413 (checked before anything else)', async () => {
    const body = JSON.stringify({ type: 1, pad: 'x'.repeat(300 * 1024) });
    const res = await fetch(bot.url, { method: 'POST', headers: signed(keys.privateKey, body), body });
    expect(res.status).toBe(413);
  });

  it('only POST; GET /healthz for load balancers', async () => {
    expect((await fetch(bot.url)).status).toBe(405);
    expect((await fetch(`${bot.url}healthz`)).status).toBe(200);
  });

  it('a command is answered in the HTTP response body (type 4)', async () => {
    const o = await fake.deliverHttp(bot.url, fake.chatInput('hello', { who: 'http' }, { locale: 'zh-CN' }), keys.privateKey);
    expect(o.events.map((e) => e.kind)).toEqual(['http-response']);
    expect(o.callbackType).toBe(4);
    expect(o.answer?.content).toBe('hello http');
    expect(o.answer?.embeds?.[0]?.title).toBe('zh-CN');
  });

  it('files come back as a multipart HTTP response', async () => {
    const o = await fake.deliverHttp(bot.url, fake.chatInput('chart'), keys.privateKey);
    expect(o.rejected).toEqual([]);
    expect(o.events[0]?.files[0]).toMatchObject({ field: 'files[0]', name: 'chart.png', size: PNG.length });
    expect(o.answer?.attachments?.[0]?.filename).toBe('chart.png');
  });

  it('a slow command: deferred in the HTTP response, answered by editing @original over REST', async () => {
    const o = await fake.deliverHttp(bot.url, fake.chatInput('slowhello'), keys.privateKey);
    expect(o.deferred).toBe(true);
    expect(o.ackMs!).toBeLessThan(2000);
    expect(o.events.map((e) => e.kind)).toEqual(['http-response', 'edit']);
    expect(o.answer?.content).toBe('slow hello');
  });

  it.skipIf(!hasRegistry)('the real /size through HTTP', async () => {
    const o = await fake.deliverHttp(bot.url, fake.chatInput('size', { model: 'qwen3-32b', gpu: 'a10x8', users: 20 }), keys.privateKey);
    expect(o.rejected).toEqual([]);
    expect(o.ephemeral).toBe(false);
    expect(FakeDiscord.isLayout(o.answer)).toBe(true);
    expect(FakeDiscord.text(o.answer)).toMatch(/Qwen3/);
    expect(FakeDiscord.customIds(o.answer!).some((id) => id.startsWith('size:'))).toBe(true);
    const click = await fake.deliverHttp(bot.url, fake.buttonInteraction(o.answer!, FakeDiscord.customIds(o.answer!)[0]!), keys.privateKey);
    expect(click.rejected).toEqual([]);
    expect(FakeDiscord.text(click.answer)).toMatch(/Qwen3/);
    const ac = await fake.deliverHttp(bot.url, fake.autocompleteInteraction('size', { model: 'llama' }, 'model'), keys.privateKey);
    expect(ac.callbackType).toBe(8);
    expect(ac.choices!.length).toBeLessThanOrEqual(25);
  });
});

describe('e2e: HTTP endpoint while stopping (SIGTERM drain)', () => {
  it('keeps answering until in-flight work is done: interactions told to ask again (localized, ephemeral), PING -> PONG, the rest 503 + Retry-After, every answer closing its connection; then stops listening', async () => {
    const keys = keyPair();
    const fake = await FakeDiscord.start();
    fake.registerCommands(local.map((c) => ({ ...c.definition, integration_types: [0, 1], contexts: [0, 1, 2] })), fake.guildId);
    const bot = await startHttp({ publicKey: keys.publicHex, port: 0, host: '127.0.0.1', apiBase: fake.apiBase, commands: local, log: silentLogger() });
    try {
      const fresh = { freshConnection: true, timeoutMs: 5000 };
      const inFlight = fake.deliverHttp(bot.url, fake.chatInput('slowhello'), keys.privateKey, fresh);
      await sleep(100);
      const t0 = performance.now();
      const stopped = bot.stop(5000, 150);
      const [health, other, ping, en, zh] = await Promise.all([
        rawRequest(bot.url, { method: 'GET', path: 'healthz' }),
        rawRequest(bot.url, { method: 'GET' }),
        fake.deliverHttp(bot.url, fake.pingInteraction(), keys.privateKey, fresh),
        fake.deliverHttp(bot.url, fake.chatInput('hello'), keys.privateKey, fresh),
        fake.deliverHttp(bot.url, fake.chatInput('hello', {}, { locale: 'zh-CN' }), keys.privateKey, fresh),
      ]);
      for (const r of [health, other]) {
        expect('error' in r ? r.error : r.status).toBe(503);
        if (!('error' in r)) {
          expect(r.headers['retry-after']).toBe('5');
          expect(r.headers.connection).toBe('close');
        }
      }
      expect(ping.callbackType).toBe(1);
      expect(en.ephemeral).toBe(true);
      expect(en.answer?.content).toMatch(/^Headroom is restarting/);
      expect(zh.answer?.content).toMatch(/^Headroom 正在重启/);
      // The one in flight is answered in full (deferred, then edited) before the stop completes.
      const slow = await inFlight;
      expect(slow.answer?.content).toBe('slow hello');
      await stopped;
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(bot.server.listening).toBe(false);
      expect(bot.inFlight()).toBe(0);
      expect(fake.takeViolations()).toEqual([]);
    } finally {
      if (bot.server.listening) await bot.stop(100, 10);
      await fake.close();
    }
  });
});
