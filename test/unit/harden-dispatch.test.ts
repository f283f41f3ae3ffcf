// Issue 8, dispatcher limits: the work queue bound, autocomplete over its bucket, and draining on shutdown.
import { describe, expect, it } from 'vitest';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { Command } from '../../commands/types.ts';
import { Dispatcher } from '../../src/discord/dispatch.ts';
import { silentLogger } from '../../src/discord/log.ts';

const webhook = { editOriginal: async () => {}, deleteOriginal: async () => {}, followUp: async () => {} };
const echo: Command = {
  definition: { name: 'echo', description: 'echo', options: [{ type: 3, name: 'text', description: 'text', autocomplete: true }] },
  async execute() {
    return { content: 'echoed' };
  },
  autocomplete: () => [{ name: 'one', value: 'one' }],
};
let n = 0;
function interaction(type: 2 | 4, user = '123456789012345678', guild = '223456789012345678'): APIInteraction {
  n++;
  return {
    id: `9${String(n).padStart(18, '0')}`,
    application_id: '323456789012345678',
    token: `tok${n}`,
    type,
    locale: 'en-US',
    guild_id: guild,
    member: { user: { id: user } },
    data: { name: 'echo', type: 1, options: [{ type: 3, name: 'text', value: 'x', ...(type === 4 ? { focused: true } : {}) }] },
  } as unknown as APIInteraction;
}
const collect = () => {
  const sent: APIInteractionResponse[] = [];
  return { sent, initial: async (r: APIInteractionResponse) => void sent.push(r) };
};
const text = (r: APIInteractionResponse | undefined) => JSON.stringify(r ?? {});

describe('dispatcher limits', () => {
  it('work beyond the queue bound is told the bot is busy, at once', async () => {
    const d = new Dispatcher({ commands: [echo], webhook, log: silentLogger(), rateLimit: { maxQueued: 2 } });
    const c = collect();
    const all = Array.from({ length: 4 }, (_, i) => d.handle(interaction(2, `12345678901234567${i}`), c.initial));
    await Promise.all(all);
    expect(c.sent).toHaveLength(4);
    expect(c.sent.filter((r) => /answering a lot of questions/.test(text(r)))).toHaveLength(2);
    expect(c.sent.filter((r) => /echoed/.test(text(r)))).toHaveLength(2);
  });

  it('autocomplete over its bucket gets no suggestions (and no error)', async () => {
    const d = new Dispatcher({ commands: [echo], webhook, log: silentLogger(), rateLimit: { autocompleteUser: { burst: 2, perSecond: 0 } } });
    const c = collect();
    for (let i = 0; i < 3; i++) await d.handle(interaction(4), c.initial);
    expect(c.sent.map((r) => (r as { data: { choices: unknown[] } }).data.choices.length)).toEqual([1, 1, 0]);
  });

  it('a server over its bucket is told so, in its language', async () => {
    const d = new Dispatcher({ commands: [echo], webhook, log: silentLogger(), rateLimit: { guild: { burst: 1, perSecond: 0.1 } } });
    const c = collect();
    await d.handle(interaction(2, '111111111111111111'), c.initial);
    const zh = interaction(2, '111111111111111112') as unknown as { locale: string };
    zh.locale = 'zh-CN';
    await d.handle(zh as unknown as APIInteraction, c.initial);
    expect(text(c.sent[1])).toMatch(/这个服务器的请求太频繁了，请 10 秒后再试/);
  });

  it('while draining, new work is told to ask again; PING still answered', async () => {
    const d = new Dispatcher({ commands: [echo], webhook, log: silentLogger() });
    d.drain();
    const c = collect();
    await d.handle(interaction(2), c.initial);
    await d.handle({ id: '1', application_id: '1', type: 1, token: 't' } as unknown as APIInteraction, c.initial);
    expect(text(c.sent[0])).toMatch(/restarting/);
    expect(c.sent[1]).toEqual({ type: 1 });
  });
});
