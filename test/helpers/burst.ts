// Load scenarios shared by the end-to-end tests and `npm run bench`: a burst of interactions from many users
// in several guilds over the gateway, and a closed-loop /size load through the HTTP endpoint.
import type { KeyObject } from 'node:crypto';
import type { APIInteraction } from 'discord-api-types/v10';
import type { FakeDiscord, InteractionOutcome } from '../fake-discord/index.ts';

const MODELS = ['qwen3-32b', 'llama3.1-8b', 'qwen3-8b', 'llama3.1-70b', 'gemma-2-27b'];
const GPUS = ['a10x8', 'h100', '2x4090', 'a100-80gb:2', 'l40s', 'rtx4090'];

export interface BurstResult {
  outcomes: { outcome: InteractionOutcome; spammer: boolean; kind: 'size' | 'models' | 'autocomplete' }[];
  wallMs: number;
  slowestAckMs: number;
  slowestAnswerMs: number;
  medianAnswerMs: number;
  rateLimited: number;
}

/**
 * `total` interactions from `users` users spread over `guilds` guilds, all sent at once. Most users ask a few
 * /size and /models and type in autocomplete; `spammers` of them send far more than their share, so the abuse
 * limits must tell them to slow down while everyone else is answered.
 */
export async function runBurst(fake: FakeDiscord, o: { total: number; users: number; guilds: number; spammers: number; timeoutMs?: number }): Promise<BurstResult> {
  const guildIds = Array.from({ length: o.guilds }, (_, g) => (g === 0 ? fake.guildId : String(1_300_000_000_000_000_000n + BigInt(g))));
  const people = Array.from({ length: o.users }, (_, u) => ({ id: String(1_200_000_000_000_000_000n + BigInt(u)), username: `user${u}`, guild: guildIds[u % o.guilds]!, spammer: u < o.spammers }));
  // The spammers send a quarter of everything; the rest is shared by the others.
  const spamShare = o.spammers ? Math.floor(o.total / 4) : 0;
  const plan: { person: (typeof people)[number]; i: number }[] = [];
  for (let i = 0; i < spamShare; i++) plan.push({ person: people[i % o.spammers]!, i });
  const normal = people.filter((p) => !p.spammer);
  for (let i = 0; plan.length < o.total; i++) plan.push({ person: normal[i % normal.length]!, i });

  const started = performance.now();
  const outcomes = await Promise.all(
    plan.map(async ({ person, i }) => {
      const opts = { user: { id: person.id, username: person.username }, timeoutMs: o.timeoutMs ?? 20_000 };
      let interaction: APIInteraction;
      let kind: 'size' | 'models' | 'autocomplete';
      const slot = i % 8;
      if (person.spammer) {
        kind = slot % 4 ? 'models' : 'size';
        interaction = kind === 'size' ? fake.chatInput('size', { model: MODELS[i % MODELS.length]!, gpu: GPUS[i % GPUS.length]!, users: 1 + (i % 50) }, opts) : fake.chatInput('models', { filter: i % 2 ? 'qwen' : '' }, opts);
      } else if (slot < 4) {
        kind = 'autocomplete';
        interaction = fake.autocompleteInteraction('size', { model: `${MODELS[i % MODELS.length]!.slice(0, 2 + (i % 5))}` }, 'model', opts);
      } else if (slot < 7) {
        kind = 'models';
        interaction = fake.chatInput(i % 2 ? 'models' : 'gpus', { filter: i % 3 ? '' : 'h100' }, opts);
      } else {
        kind = 'size';
        interaction = fake.chatInput('size', { model: MODELS[i % MODELS.length]!, gpu: GPUS[(i >> 1) % GPUS.length]!, users: 1 + (i % 64) }, opts);
      }
      (interaction as { guild_id?: string }).guild_id = person.guild;
      const outcome = await fake.sendInteraction(interaction, { timeoutMs: opts.timeoutMs });
      return { outcome, spammer: person.spammer, kind };
    }),
  );
  const wallMs = performance.now() - started;
  const done = outcomes.map((x) => x.outcome.doneMs ?? Infinity).sort((a, b) => a - b);
  return {
    outcomes,
    wallMs,
    slowestAckMs: Math.max(...outcomes.map((x) => x.outcome.ackMs ?? Infinity)),
    slowestAnswerMs: done[done.length - 1]!,
    medianAnswerMs: done[done.length >> 1]!,
    rateLimited: outcomes.filter((x) => /faster than I can answer|请求太频繁/.test(JSON.stringify(x.outcome.answer ?? {}))).length,
  };
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non200: number;
}

/** `count` /size interactions through an HTTP endpoint, `concurrency` at a time (closed loop). */
export async function httpSizeLoad(fake: FakeDiscord, url: string, key: KeyObject, o: { count: number; concurrency: number }): Promise<LoadResult> {
  const times: number[] = [];
  let non200 = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < o.count) {
      const i = next++;
      const user = { id: String(1_100_000_000_000_000_000n + BigInt(i)), username: `load${i}` };
      const interaction = fake.chatInput('size', { model: MODELS[i % MODELS.length]!, gpu: GPUS[i % GPUS.length]!, users: 1 + (i % 32) }, { user });
      (interaction as { guild_id?: string }).guild_id = String(1_400_000_000_000_000_000n + BigInt(i));
      const t = performance.now();
      const out = await fake.deliverHttp(url, interaction, key, { timeoutMs: 20_000 });
      times.push(out.doneMs ?? performance.now() - t);
      if (out.events[0]?.status !== undefined && out.events[0].status >= 300) non200++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const wall = performance.now() - started;
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { requests: o.count, perSecond: (o.count / wall) * 1000, p50Ms: pct(50), p99Ms: pct(99), maxMs: sorted[sorted.length - 1]!, non200 };
}
