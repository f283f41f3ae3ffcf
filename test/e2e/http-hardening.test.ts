// Issue 8: the HTTP interactions endpoint against hostile requests, one case at a time, each followed by a
// PING that must be answered in under 100 ms (one bad request never stalls anyone else).
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIInteraction } from 'discord-api-types/v10';
import { commands as realCommands } from '../../commands/index.ts';
import type { Command } from '../../commands/types.ts';
import { hasLiveMention } from '../../src/catalog/user-text.ts';
import { SeenIds, startHttp, timestampFresh, type HttpBot } from '../../src/discord/http.ts';
import { FakeDiscord } from '../fake-discord/index.ts';
import { capturedLogger, keyPair, nowS, sendHugeChunkedBody, signedHeaders, type LogLine } from '../helpers/signed.ts';

const signed = signedHeaders;
const visible = (m: { content?: string; embeds?: { title?: string; description?: string }[] } | undefined) =>
  [m?.content, ...(m?.embeds ?? []).flatMap((e) => [e.title, e.description])]
    .filter(Boolean)
    .join('\n')
    .replace(/\\([\\*_~|>#[\]])/g, '$1'); // markdown escapes as Discord shows them

describe('e2e: HTTP endpoint under hostile requests', () => {
  let fake: FakeDiscord;
  let bot: HttpBot;
  let keys: ReturnType<typeof keyPair>;
  const captured = capturedLogger('debug');
  const logs: LogLine[] = captured.lines;

  const post = (body: string, headers: Record<string, string> = signed(keys.privateKey, body)) => fetch(bot.url, { method: 'POST', headers, body });
  /**
   * After every case: the endpoint still answers a PING at once. Best of three in a row, so a scheduling hiccup
   * on a shared machine is not blamed on the bot, while a stalled event loop (which delays all three) still fails.
   */
  async function pingFast(): Promise<void> {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const body = JSON.stringify(fake.pingInteraction());
      const t0 = performance.now();
      const res = await post(body);
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: 1 });
      if (times.at(-1)! < 100) break;
    }
    expect(Math.min(...times)).toBeLessThan(100);
  }

  beforeAll(async () => {
    keys = keyPair();
    fake = await FakeDiscord.start();
    const commands: Command[] = realCommands;
    fake.registerCommands(commands.map((c) => ({ ...c.definition, integration_types: [0, 1], contexts: [0, 1, 2] })), fake.guildId);
    bot = await startHttp({
      publicKey: keys.publicHex,
      port: 0,
      host: '127.0.0.1',
      apiBase: fake.apiBase,
      commands,
      log: captured.log,
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1000,
      dispatcher: { rateLimit: false, attachments: { timeoutMs: 600 } },
    });
    // warm up (first requests compile the handlers)
    for (let i = 0; i < 3; i++) await post(JSON.stringify(fake.pingInteraction()));
    await fake.deliverHttp(bot.url, fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }), keys.privateKey);
  });
  afterEach(async () => {
    await pingFast();
    fake.takeViolations();
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  describe('signature timestamps', () => {
    it.each([
      ['an hour old', String(nowS() - 3600)],
      ['a year old', String(nowS() - 365 * 86400)],
      ['a day in the future', String(nowS() + 86400)],
      ['not a number', 'yesterday'],
      ['a float', `${nowS()}.5`],
      ['negative', '-1'],
    ])('%s -> 401', async (_what, ts) => {
      const body = JSON.stringify(fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }));
      const res = await post(body, signed(keys.privateKey, body, ts));
      expect(res.status).toBe(401);
    });

    it('timestampFresh bounds', () => {
      expect(timestampFresh(String(1000), 1000)).toBe(true);
      expect(timestampFresh(String(1000 - 301), 1000)).toBe(false);
      expect(timestampFresh(String(1000 + 31), 1000)).toBe(false);
      expect(timestampFresh('1e3', 1000)).toBe(false);
    });
  });

  it('the same signed /size body three times is answered once', async () => {
    const body = JSON.stringify(fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }));
    const headers = signed(keys.privateKey, body);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(body, headers)).status);
    expect(statuses).toEqual([200, 401, 401]);
  });

  it('the replay memory is bounded', () => {
    const s = new SeenIds(3);
    for (const id of ['a', 'b', 'c', 'd']) expect(s.seen(id)).toBe(false);
    expect(s.size).toBe(3);
    expect(s.seen('d')).toBe(true);
    expect(s.seen('a')).toBe(false); // evicted
  });

  describe('malformed interactions -> 400, never 500', () => {
    const cases: [string, (i: Record<string, unknown>) => unknown][] = [
      ['type 2 with no data', (i) => ({ ...i, data: undefined })],
      ['type 2 with data null', (i) => ({ ...i, data: null })],
      ['options not an array', (i) => ({ ...i, data: { ...(i.data as object), options: { model: 'x' } } })],
      ['an option value null', (i) => ({ ...i, data: { ...(i.data as object), options: [{ type: 3, name: 'model', value: null }] } })],
      ['an option value an object', (i) => ({ ...i, data: { ...(i.data as object), options: [{ type: 3, name: 'model', value: { a: 1 } }] } })],
      ['a button without custom_id', (i) => ({ ...i, type: 3, data: { component_type: 2 } })],
      ['a button with a numeric custom_id', (i) => ({ ...i, type: 3, data: { component_type: 2, custom_id: 42 } })],
      ['an unknown interaction type', (i) => ({ ...i, type: 99 })],
      ['no id', (i) => ({ ...i, id: undefined })],
      ['a JSON array', () => []],
      ['a string', () => 'hello'],
    ];
    it.each(cases)('%s', async (_what, mutate) => {
      const base = fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }) as unknown as Record<string, unknown>;
      const body = JSON.stringify(mutate(base));
      const res = await post(body);
      expect(res.status).toBe(400);
    });

    it('an option of the wrong type gets an ephemeral line, not a crash', async () => {
      const i = fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }) as unknown as { data: { options: unknown[] } };
      i.data.options.push({ type: 3, name: 'users', value: 'lots' });
      const res = await post(JSON.stringify(i));
      expect(res.status).toBe(200);
      const out = (await res.json()) as { type: number; data: { flags: number; content: string } };
      expect(out.data.flags & 64).toBe(64);
      expect(out.data.content).toMatch(/users has the wrong type/);
    });
  });

  it('engine:__proto__ is an unknown engine, with suggestions', async () => {
    // engine is a fixed list of choices, so only a forged request carries another value: forge one.
    const i = fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090', engine: 'vllm' }) as unknown as { data: { options: { name: string; value: unknown }[] } };
    i.data.options.find((x) => x.name === 'engine')!.value = '__proto__';
    const o = await fake.deliverHttp(bot.url, i as never, keys.privateKey);
    expect(o.ephemeral).toBe(true);
    expect(visible(o.answer)).toMatch(/engine must be one of vllm, vllm@0.19, sglang/);
  });

  it.each(['@everyone', '<@123456789012345678>'])('model:%s comes back without a mention', async (m) => {
    const o = await fake.deliverHttp(bot.url, fake.chatInput('size', { model: m, gpu: 'a10x8' }), keys.privateKey);
    expect(o.ephemeral).toBe(true);
    expect(visible(o.answer)).toMatch(/unknown model/);
    expect(hasLiveMention(visible(o.answer))).toBe(false);
  });

  it.each([
    [6000, 200],
    [100_000, 400],
  ])('a %d-character autocomplete value answers at once (%d)', async (n, status) => {
    const i = fake.autocompleteInteraction('size', { model: 'q' }, 'model') as unknown as { data: { options: { value: string }[] } };
    i.data.options[0]!.value = 'qwen '.repeat(n / 5);
    const t0 = performance.now();
    const res = await post(JSON.stringify(i));
    expect(res.status).toBe(status);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  describe('config.json attachments', () => {
    const llama = () => ({ model_type: 'llama', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 128, vocab_size: 128256, intermediate_size: 14336 });
    it.each([
      ['num_hidden_layers', 100_000],
      ['num_hidden_layers', 1e7],
      ['head_dim', 0],
      ['num_key_value_heads', -8],
    ])('%s: %s -> one line naming it, quickly', async (field, value) => {
      const file = fake.attachment('config.json', JSON.stringify({ ...llama(), [field]: value }));
      const t0 = performance.now();
      const o = await fake.deliverHttp(bot.url, fake.chatInput('size', { model: 'mine', gpu: 'h100', config: file }), keys.privateKey);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(o.ephemeral).toBe(true);
      expect(visible(o.answer)).toContain(field);
      expect(visible(o.answer)).not.toMatch(/Infinity|NaN|Fits/);
    });

    it.each([
      ['declared too big', () => fake.attachment('config.json', '{}', { declaredSize: 5 * 1024 * 1024 }), /too large|5120 KiB/],
      // A size Discord states wrongly: only the download itself can tell (the old code said "could not be downloaded").
      ['too big (2 MiB, declared as 1 KiB)', () => fake.attachment('config.json', `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, { declaredSize: 1024 }), /attachment is too large \(limit 1024 KiB\)/],
      ['not UTF-8', () => fake.attachment('config.json', Buffer.from([0xff, 0xfe, 0xfd, 0x00])), /not a UTF-8 text file/],
      ['slow to download', () => fake.attachment('config.json', JSON.stringify(llama()), { delayMs: 2000 }), /timed out/],
    ])('an attachment that is %s says so', async (_what, make, re) => {
      const o = await fake.deliverHttp(bot.url, fake.chatInput('size', { model: 'mine', gpu: 'h100', config: make() }), keys.privateKey, { timeoutMs: 8000 });
      expect(visible(o.answer)).toMatch(re);
    });

    it('an attachment on another host says so', async () => {
      const i = fake.chatInput('size', { model: 'mine', gpu: 'h100', config: fake.attachment('config.json', '{}') }) as unknown as { data: { resolved: { attachments: Record<string, { url: string }> } } };
      for (const a of Object.values(i.data.resolved.attachments)) a.url = 'https://evil.example/config.json';
      const o = await fake.deliverHttp(bot.url, i as unknown as APIInteraction, keys.privateKey);
      expect(visible(o.answer)).toMatch(/attachment cannot be downloaded/);
    });
  });

  describe('slow, huge and aborted requests', () => {
    it('a body at 1 byte per second is cut with 408 within seconds', async () => {
      const t0 = performance.now();
      const status = await new Promise<string>((resolve) => {
        const s = connect(bot.port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{');
          const drip = setInterval(() => s.writable && s.write(' '), 1000);
          let got = '';
          s.on('data', (d) => (got += d.toString()));
          s.on('close', () => {
            clearInterval(drip);
            resolve(got.split('\r\n')[0] ?? '');
          });
        });
      });
      expect(status).toMatch(/408/);
      expect(performance.now() - t0).toBeLessThan(4000);
    });

    it('unfinished headers are cut within seconds', async () => {
      const t0 = performance.now();
      const status = await new Promise<string>((resolve) => {
        const s = connect(bot.port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nhost: x\r\n');
          let got = '';
          s.on('data', (d) => (got += d.toString()));
          s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
        });
      });
      expect(status).toMatch(/408/);
      expect(performance.now() - t0).toBeLessThan(4000);
    });

    it('a 10 MB chunked body with no content-length gets 413, not a reset: the client reads the 413 and finishes sending', async () => {
      // A reset while the client still sends (the server closing on it) is the failure, even after a 413.
      const outcome = await sendHugeChunkedBody(bot.port);
      expect(outcome).toBe('413');
    });

    it('a client that aborts mid-body leaves no error-level log line', async () => {
      const before = logs.length;
      await new Promise<void>((resolve) => {
        const s = connect(bot.port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"type":');
          setTimeout(() => {
            s.destroy();
            resolve();
          }, 50);
        });
      });
      await new Promise((r) => setTimeout(r, 100));
      const errors = logs.slice(before).filter((l) => l.level >= 50);
      expect(errors).toEqual([]);
    });
  });
});

