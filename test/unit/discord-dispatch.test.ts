import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { Command, CommandContext, Reply } from '../../commands/types.ts';
import { AttachmentError, Dispatcher, downloadAttachment, extractOptions } from '../../src/discord/dispatch.ts';
import { createLogger } from '../../src/discord/log.ts';
import type { OutgoingFile, WebhookApi } from '../../src/discord/respond.ts';
import { FakeDiscord } from '../fake-discord/index.ts';

const APP = '1428922864052076548';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  kind: 'initial' | 'edit' | 'delete' | 'followup';
  body?: unknown;
  files: OutgoingFile[];
  at: number;
}

function harness(commands: Command[], opts: { deferAfterMs?: number; handlerTimeoutMs?: number } = {}) {
  const sent: Sent[] = [];
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  const log = pino({ level: 'debug' }, stream);
  const t0 = Date.now();
  const webhook: WebhookApi = {
    async editOriginal(_a, _t, body, files) {
      sent.push({ kind: 'edit', body, files, at: Date.now() - t0 });
    },
    async deleteOriginal() {
      sent.push({ kind: 'delete', files: [], at: Date.now() - t0 });
    },
    async followUp(_a, _t, body, files) {
      sent.push({ kind: 'followup', body, files, at: Date.now() - t0 });
    },
  };
  const d = new Dispatcher({ commands, webhook, log, ...opts });
  const initial = async (response: APIInteractionResponse, files: OutgoingFile[]) => {
    sent.push({ kind: 'initial', body: response, files, at: Date.now() - t0 });
  };
  return { d, sent, logs, initial };
}

let n = 0;
function command(name: string, options: unknown[] = [], extra: Record<string, unknown> = {}): APIInteraction {
  n++;
  return {
    id: `1${String(n).padStart(18, '0')}`,
    application_id: APP,
    token: `tok${n}`,
    type: 2,
    version: 1,
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 1,
    data: { id: '1', name, type: 1, options },
    ...extra,
  } as unknown as APIInteraction;
}

function typed<T>(v: unknown): T {
  return v as T;
}

const seen: CommandContext[] = [];
const echo: Command = {
  definition: { name: 'echo', description: 'echo' },
  async execute(ctx) {
    seen.push(ctx);
    return { content: `echo ${JSON.stringify(ctx.options)}` };
  },
  autocomplete(focused) {
    return Array.from({ length: 40 }, (_, i) => ({ name: `${focused.name}=${focused.value}${i}`, value: `${focused.value}${i}` }));
  },
  buttonPrefix: 'echo',
  async button(customId, ctx) {
    return { content: `button ${customId} ${ctx.locale}` };
  },
};
const slow = (ms: number, reply: Reply = { content: 'slow done' }): Command => ({
  definition: { name: 'slow', description: 'slow' },
  async execute() {
    await sleep(ms);
    return reply;
  },
});
const boom: Command = {
  definition: { name: 'boom', description: 'boom' },
  async execute() {
    throw new Error('kaboom in handler');
  },
  autocomplete() {
    throw new Error('autocomplete kaboom');
  },
};

describe('dispatch', () => {
  it('routes a slash command, options as strings, locale from interaction.locale', async () => {
    const h = harness([echo]);
    await h.d.handle(
      command('echo', [
        { type: 3, name: 'model', value: 'qwen3-32b' },
        { type: 4, name: 'users', value: 20 },
        { type: 10, name: 'util', value: 0.9 },
        { type: 5, name: 'explain', value: true },
      ], { locale: 'zh-CN' }),
      h.initial,
    );
    expect(h.sent).toHaveLength(1);
    const r = h.sent[0]!.body as { type: number; data: { content: string; allowed_mentions: unknown } };
    expect(r.type).toBe(4);
    expect(r.data.allowed_mentions).toEqual({ parse: [] });
    const ctx = seen.at(-1)!;
    expect(ctx.locale).toBe('zh-CN');
    expect(ctx.options).toEqual({ model: 'qwen3-32b', users: '20', util: '0.9', explain: 'true' });
  });

  it('extracts the attachment option from resolved.attachments', () => {
    const ex = extractOptions(
      typed([{ type: 3, name: 'model', value: 'x' }, { type: 11, name: 'config', value: '42' }]),
      typed({ '42': { id: '42', filename: 'config.json', size: 10, url: 'https://cdn.discordapp.com/a/config.json', proxy_url: '', content_type: 'application/json' } }),
    );
    expect(ex.options).toEqual({ model: 'x', config: 'config.json' });
    expect(ex.attachments).toEqual([{ name: 'config.json', url: 'https://cdn.discordapp.com/a/config.json', size: 10, contentType: 'application/json' }]);
  });

  it('answers fast handlers with one type-4 callback and nothing else', async () => {
    const h = harness([slow(10)], { deferAfterMs: 200 });
    await h.d.handle(command('slow'), h.initial);
    expect(h.sent.map((s) => s.kind)).toEqual(['initial']);
    expect((h.sent[0]!.body as { type: number }).type).toBe(4);
  });

  it('defers (type 5) when the handler has not finished in time, then edits @original', async () => {
    const h = harness([slow(250)], { deferAfterMs: 60 });
    await h.d.handle(command('slow'), h.initial);
    expect(h.sent.map((s) => s.kind)).toEqual(['initial', 'edit']);
    expect((h.sent[0]!.body as { type: number }).type).toBe(5);
    expect(h.sent[0]!.at).toBeLessThan(200);
    expect(h.sent[1]!.body).toMatchObject({ content: 'slow done', allowed_mentions: { parse: [] } });
    expect(h.sent[1]!.body).not.toHaveProperty('flags');
  });

  it('defers at once when mayBeSlow says so', async () => {
    const cmd: Command = { ...slow(30), mayBeSlow: () => true };
    const h = harness([cmd], { deferAfterMs: 10_000 });
    await h.d.handle(command('slow'), h.initial);
    expect(h.sent.map((s) => s.kind)).toEqual(['initial', 'edit']);
    expect(h.sent[0]!.at).toBeLessThan(25);
  });

  it('an ephemeral answer after a public deferral: delete the placeholder, answer with an ephemeral follow-up', async () => {
    const h = harness([slow(120, { content: 'bad input', ephemeral: true })], { deferAfterMs: 30 });
    await h.d.handle(command('slow'), h.initial);
    expect(h.sent.map((s) => s.kind)).toEqual(['initial', 'delete', 'followup']);
    expect((h.sent[2]!.body as { flags: number }).flags).toBe(64);
  });

  it('a crashing handler: the user gets an ephemeral apology, the log gets the details', async () => {
    const h = harness([boom]);
    await h.d.handle(command('boom'), h.initial);
    const r = h.sent[0]!.body as { type: number; data: { content: string; flags: number } };
    expect(r.type).toBe(4);
    expect(r.data.flags).toBe(64);
    expect(r.data.content).toMatch(/Sorry/);
    expect(r.data.content).not.toMatch(/kaboom/);
    const entry = h.logs.find((l) => l.msg === 'handler failed');
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).toMatch(/kaboom in handler/);
    // tokens never reach the log
    expect(JSON.stringify(h.logs)).not.toMatch(/tok\d+/);
  });

  it('the apology is localized', async () => {
    const h = harness([boom]);
    await h.d.handle(command('boom', [], { locale: 'zh-CN' }), h.initial);
    expect((h.sent[0]!.body as { data: { content: string } }).data.content).toMatch(/抱歉/);
  });

  it('gives up on a handler that never finishes', async () => {
    const never: Command = { definition: { name: 'never', description: 'never' }, execute: () => new Promise<Reply>(() => {}) };
    const h = harness([never], { deferAfterMs: 20, handlerTimeoutMs: 100 });
    await h.d.handle(command('never'), h.initial);
    expect(h.sent.map((s) => s.kind)).toEqual(['initial', 'delete', 'followup']);
    expect((h.sent[2]!.body as { content: string }).content).toMatch(/too long/);
  });

  it('unknown command -> ephemeral hint', async () => {
    const h = harness([echo]);
    await h.d.handle(command('nope'), h.initial);
    expect(h.sent[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
  });

  it('autocomplete: focused option, <= 25 choices, type 8, never deferred', async () => {
    const h = harness([echo, boom], { deferAfterMs: 1 });
    const ac = command('echo', [{ type: 3, name: 'model', value: 'qw', focused: true }, { type: 3, name: 'gpu', value: 'a10' }], { type: 4 });
    await h.d.handle(ac, h.initial);
    const r = h.sent[0]!.body as { type: number; data: { choices: { name: string }[] } };
    expect(r.type).toBe(8);
    expect(r.data.choices).toHaveLength(25);
    expect(r.data.choices[0]!.name).toBe('model=qw0');
    // a failing autocomplete still answers (empty)
    const h2 = harness([boom]);
    await h2.d.handle(command('boom', [{ type: 3, name: 'model', value: '', focused: true }], { type: 4 }), h2.initial);
    expect(h2.sent[0]!.body).toEqual({ type: 8, data: { choices: [] } });
  });

  it('buttons route by the custom_id prefix and answer with a new message', async () => {
    const h = harness([echo]);
    const click = { ...command('x'), type: 3, data: { custom_id: 'echo:page:2', component_type: 2 }, locale: 'zh-CN' } as unknown as APIInteraction;
    await h.d.handle(click, h.initial);
    expect(h.sent[0]!.body).toMatchObject({ type: 4, data: { content: 'button echo:page:2 zh-CN' } });
    const h2 = harness([echo]);
    await h2.d.handle({ ...click, data: { custom_id: 'other:1', component_type: 2 } } as unknown as APIInteraction, h2.initial);
    expect(h2.sent[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
  });

  it('PING -> PONG', async () => {
    const h = harness([]);
    await h.d.handle({ ...command('x'), type: 1 } as unknown as APIInteraction, h.initial);
    expect(h.sent[0]!.body).toEqual({ type: 1 });
  });
});

describe('dispatch: attachments', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  const opts = () => ({ maxBytes: 1024, timeoutMs: 300, extraHosts: [new URL(fake.origin).host] });
  const ref = (a: ReturnType<FakeDiscord['attachment']>) => ({ name: a.attachment.filename, url: a.attachment.url, size: a.attachment.size });

  it('downloads the attachment Discord gave', async () => {
    const a = ref(fake.attachment('config.json', '{"hidden_size": 4096}'));
    await expect(downloadAttachment(a, [a], opts())).resolves.toBe('{"hidden_size": 4096}');
  });

  it('refuses URLs that are not the given attachment, and hosts that are not Discord', async () => {
    const a = ref(fake.attachment('config.json', '{}'));
    const other = { ...a, url: `${fake.origin}/attachments/elsewhere` };
    await expect(downloadAttachment(other, [a], opts())).rejects.toMatchObject({ code: 'bad_url' });
    const evil = { ...a, url: 'http://169.254.169.254/latest/meta-data' };
    await expect(downloadAttachment(evil, [evil], opts())).rejects.toMatchObject({ code: 'bad_url' });
    const notCdn = { ...a, url: 'https://example.com/config.json' };
    await expect(downloadAttachment(notCdn, [notCdn], opts())).rejects.toBeInstanceOf(AttachmentError);
  });

  it('caps the size (declared and actual)', async () => {
    const declared = ref(fake.attachment('big.json', 'x'.repeat(10), { declaredSize: 5000 }));
    await expect(downloadAttachment(declared, [declared], opts())).rejects.toMatchObject({ code: 'too_large' });
    const lying = ref(fake.attachment('lying.json', 'x'.repeat(5000), { declaredSize: 10 }));
    await expect(downloadAttachment(lying, [lying], opts())).rejects.toMatchObject({ code: 'too_large' });
  });

  it('times out', async () => {
    const a = ref(fake.attachment('slow.json', '{}', { delayMs: 1000 }));
    await expect(downloadAttachment(a, [a], opts())).rejects.toMatchObject({ code: 'timeout' });
  });

  it('rejects binary that is not UTF-8', async () => {
    const a = ref(fake.attachment('x.json', Buffer.from([0xff, 0xfe, 0xfd])));
    await expect(downloadAttachment(a, [a], opts())).rejects.toMatchObject({ code: 'not_text' });
  });
});

describe('dispatch: CPU-bound handlers', () => {
  it('a burst of blocking handlers still gets every interaction acknowledged in time', async () => {
    const block: Command = {
      definition: { name: 'block', description: 'block' },
      async execute() {
        const end = performance.now() + 100;
        while (performance.now() < end);
        return { content: 'done' };
      },
    };
    const h = harness([block], { deferAfterMs: 1200 });
    const t0 = Date.now();
    const firsts = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 25 }, (_, k) =>
        h.d.handle(command('block', [], { member: { user: { id: String(1e17 + k) } } }), async (response) => {
          if (!firsts.has(k)) firsts.set(k, Date.now() - t0);
          await h.initial(response, []);
        }),
      ),
    );
    // 2.5 s of blocking work in total: without yielding between handlers no acknowledgement could leave before it ends.
    expect(firsts.size).toBe(25);
    expect(Math.max(...firsts.values())).toBeLessThan(1600);
    expect(h.sent.filter((x) => x.kind === 'initial' && (x.body as { type: number }).type === 5).length).toBeGreaterThan(5);
    expect(h.sent.filter((x) => x.kind === 'edit')).toHaveLength(h.sent.filter((x) => (x.body as { type?: number }).type === 5).length);
  });
});

describe('dispatch: rate limit and logging', () => {
  it('REST errors are logged without interaction tokens', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (s: string) => void lines.push(s) });
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldHNlY3JldHNlY3JldA';
    const webhook: WebhookApi = { editOriginal: async () => {}, deleteOriginal: async () => {}, followUp: async () => {} };
    const d = new Dispatcher({ commands: [echo], webhook, log });
    const i = { ...command('echo'), token } as APIInteraction;
    await d.handle(i, async () => {
      const err = new Error('Unknown interaction') as Error & { url: string; requestBody: unknown };
      err.url = `https://discord.com/api/v10/interactions/${i.id}/${token}/callback`;
      err.requestBody = { json: { token } };
      throw err;
    });
    const text = lines.join('');
    expect(text).toMatch(/could not answer interaction/);
    expect(text).toMatch(/\/interactions\/\d+\/\[token\]\/callback/);
    expect(text).not.toContain(token);
  });
});
