// Every kind of reply a reader can get, through the real Dispatcher and InteractionResponder (the reply boundary
// where a zh-TW reply is converted), in one locale: /size (fits, tight, does not fit), its Details and what-if
// buttons, /recommend, /models, /gpus, option errors, an unknown button, rate limiting and autocomplete.
// Used by the language sweeps (test/render/zh-sweep.test.ts).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import { commands } from '../../commands/index.ts';
import { Dispatcher } from '../../src/discord/dispatch.ts';
import type { OutgoingFile, WebhookApi } from '../../src/discord/respond.ts';

export interface SweptReply {
  /** What was asked ("/size fits", "Details", "rate limit" …). */
  what: string;
  /** Every body Discord received for it (initial response data, edits, follow-ups). */
  bodies: unknown[];
}

const APP = '1428922864052076548';
let n = 0;

function interaction(locale: string, type: number, data: unknown, user = '42'): APIInteraction {
  n++;
  return {
    id: `1${String(n).padStart(18, '0')}`,
    application_id: APP,
    token: `tok${n}`,
    type,
    version: 1,
    locale,
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 1,
    user: { id: user, username: 'u', discriminator: '0', global_name: null, avatar: null },
    data,
  } as unknown as APIInteraction;
}

/** Options typed the way Discord sends them: integers and numbers as numbers when the definition says so. */
function opt(command: string, o: Record<string, string>) {
  const defs = commands.find((c) => c.definition.name === command)?.definition.options ?? [];
  return Object.entries(o).map(([name, value]) => {
    const type = defs.find((d) => d.name === name)?.type ?? 3;
    return { name, type, value: type === 4 || type === 10 ? (Number.isFinite(Number(value)) ? Number(value) : value) : value };
  });
}
const slash = (locale: string, name: string, o: Record<string, string> = {}, user?: string) => interaction(locale, 2, { id: '1', name, type: 1, options: opt(name, o) }, user);
const click = (locale: string, customId: string) => interaction(locale, 3, { custom_id: customId, component_type: 2 });

export const SWEEP_SIZES = {
  fits: { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' },
  tight: { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' },
  no: { model: 'llama-3.1-70b', gpu: 'rtx4090', users: '10' },
  moe: { model: 'qwen3-30b-a3b', gpu: 'l40s', users: '8', context: '32k' },
} as const;

const ERRORS: Array<[string, Record<string, string>]> = [
  ['unknown model', { model: 'qwen3-33b', gpu: 'h100' }],
  ['unknown gpu', { model: 'qwen3-32b', gpu: 'h1000' }],
  ['bad users', { model: 'qwen3-32b', gpu: 'h100', users: 'abc' }],
  ['bad context', { model: 'qwen3-32b', gpu: 'h100', context: 'lots' }],
  ['unknown engine', { model: 'qwen3-32b', gpu: 'h100', engine: 'foo' }],
  ['bad util', { model: 'qwen3-32b', gpu: 'h100', util: '2' }],
  ['format on Ascend', { model: 'qwen3-32b', gpu: '910b', quant: 'fp8' }],
  ['too many tp', { model: 'qwen3-32b', gpu: 'h100x2', tp: '4' }],
];

type Btn = { label?: string; custom_id: string; style?: number };
function buttonsIn(v: unknown, out: Btn[] = []): Btn[] {
  if (Array.isArray(v)) for (const x of v) buttonsIn(x, out);
  else if (v && typeof v === 'object') {
    const o = v as { type?: number; custom_id?: string; label?: string; style?: number };
    if (o.type === 2 && typeof o.custom_id === 'string') out.push({ label: o.label, custom_id: o.custom_id, style: o.style });
    for (const x of Object.values(o)) buttonsIn(x, out);
  }
  return out;
}

/**
 * Ask everything in `locale` (a Discord locale string) and return what Discord received, per question.
 * `quick`: the cards and a few errors only (about a fifth of the time).
 */
export async function sweep(locale: string, opts: { quick?: boolean } = {}): Promise<SweptReply[]> {
  const out: SweptReply[] = [];
  let current: SweptReply | undefined;
  const push = (body: unknown) => current?.bodies.push(body);
  const webhook: WebhookApi = {
    async editOriginal(_a, _t, body) {
      push(body);
    },
    async deleteOriginal() {},
    async followUp(_a, _t, body) {
      push(body);
    },
  };
  const log = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  const d = new Dispatcher({ commands, webhook, log, rateLimit: { user: { burst: 1000, perSecond: 1 } }, handlerTimeoutMs: 60_000 });
  const initial = async (r: APIInteractionResponse, _files: OutgoingFile[]) => {
    push('data' in r ? r.data : r);
  };
  const ask = async (what: string, i: APIInteraction) => {
    current = { what, bodies: [] };
    out.push(current);
    await d.handle(i, initial);
  };

  for (const [k, o] of Object.entries(SWEEP_SIZES)) await ask(`/size ${k}`, slash(locale, 'size', o));
  if (opts.quick) {
    for (const [what, o] of ERRORS.slice(0, 4)) await ask(`error: ${what}`, slash(locale, 'size', o));
    return out;
  }
  // The buttons of the three verdicts' cards: Details and every what-if / toward-a-fit / instead button.
  for (const k of ['fits', 'no'] as const) {
    const card = out.find((r) => r.what === `/size ${k}`)!;
    // A what-if (on the fitting card), the first "would fit instead" (on the other) and Details (the last button):
    // each kind of answer a click gives.
    const all = buttonsIn(card.bodies);
    const pick = new Set([k === 'fits' ? all[0] : all.find((b) => b.style === 3), all.at(-1)].filter((b) => b !== undefined));
    for (const [i, b] of [...pick].entries()) await ask(`${k}: button ${i + 1}`, click(locale, b.custom_id));
  }
  await ask('/recommend', slash(locale, 'recommend', { model: 'qwen3-32b', users: '20', quant: 'int4', gpu: 'a10x8' }));
  await ask('/recommend none', slash(locale, 'recommend', { model: 'deepseek-v3', users: '5000', context: '128k', budget: '1' }));
  await ask('/models', slash(locale, 'models', { filter: 'qwen' }));
  await ask('/models nothing', slash(locale, 'models', { filter: 'zzzz' }));
  await ask('/gpus', slash(locale, 'gpus', { filter: '48g' }));
  const page = out.find((r) => r.what === '/models')!;
  const next = buttonsIn(page.bodies).find((b) => b.label === '▶');
  if (next) await ask('/models page 2', click(locale, next.custom_id));
  for (const [what, o] of ERRORS) await ask(`error: ${what}`, slash(locale, 'size', o));
  await ask('error: old button', click(locale, 'size:0:zzz'));
  await ask('error: unknown command', slash(locale, 'nosuch'));
  await ask('autocomplete context', interaction(locale, 4, { id: '1', name: 'size', type: 1, options: [{ name: 'context', type: 3, value: '8', focused: true }] }));

  const limited = new Dispatcher({ commands, webhook, log, rateLimit: { user: { burst: 1, perSecond: 0.001 } } });
  current = { what: 'rate limit', bodies: [] };
  out.push(current);
  await limited.handle(slash(locale, 'models', {}, '7'), async () => {});
  await limited.handle(slash(locale, 'models', {}, '7'), initial);
  return out;
}

/** The words of a reply: every string a reader sees (not custom_ids, URLs or attachment names). */
export function wordsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) wordsOf(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (!['custom_id', 'url', 'filename', 'id', 'attachments'].includes(k)) wordsOf(x, out);
  return out;
}
