// The HTTP interactions endpoint, signed with a generated Ed25519 key pair the way Discord signs:
// X-Signature-Ed25519 over X-Signature-Timestamp + raw body. The stand-in delivers interactions and checks
// the HTTP response as the initial callback; follow-ups and edits go to it over REST.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../commands/types.ts';
import { startHttp, type HttpBot } from '../../src/discord/http.ts';
import { silentLogger } from '../../src/discord/log.ts';
import { FakeDiscord } from '../fake-discord/index.ts';

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

function keyPair(): { publicHex: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicHex: spki.subarray(spki.length - 32).toString('hex'), privateKey };
}

function signed(privateKey: KeyObject, body: string, timestamp = Math.floor(Date.now() / 1000).toString()) {
  return {
    'content-type': 'application/json',
    'x-signature-timestamp': timestamp,
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
  };
}

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
