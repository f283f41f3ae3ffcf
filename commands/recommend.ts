// /recommend model [users] [context] [quant] [kv] [engine] [budget] [gpu] [tps] [ttft] — what to buy, by tier, cheapest first;
// each option has a "Size it" button that answers the /size for it.
import { ApplicationCommandOptionType, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { catalogs } from '../src/catalog/load.ts';
import { buildRequest, parsePositiveInt, type SizeOptions, type UserError } from '../src/catalog/parse.ts';
import { recommend, type RecommendOption, type RecommendResult } from '../src/engine/recommend.ts';
import { recommendJson, type RecommendReport } from '../src/engine/recommend-report.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import { MAX_SHOWN, recommendEmbed, renderRecommendText, shownOptions } from '../src/render/recommend.ts';
import { customIdSchema, idField, type Decoded, type ExtraOptions } from './custom-id.ts';
import { QUESTION_FIELDS, QUESTION_FIELDS_V1 } from './size-actions.ts';
import { answerSize } from './size.ts';
import { autocompleteContext, autocompleteGpu, autocompleteModelWithHub, autocompleteQuant, errorReply, loc, OPTION, resolveModelInput } from './shared.ts';
import type { Command, CommandContext, Reply } from './types.ts';

export const RECOMMEND_KEYS = ['model', 'users', 'context', 'quant', 'kv', 'engine', 'budget', 'gpu', 'tps', 'ttft'] as const;

/** "Size it" button: recommend:2:<model>|<gpu>|<count>|<users>|<context>|<quant>|<kv>|<engine>|<tp>|<pp>|<more> (tps, ttft). */
export const SIZE_IT_BUTTON = customIdSchema('recommend', 2, {
  model: idField(60),
  ...QUESTION_FIELDS,
});
/** Buttons posted before the speed target was carried (version 1): decoded with the default target. */
const SIZE_IT_BUTTON_V1 = customIdSchema('recommend', 1, {
  model: idField(60),
  ...QUESTION_FIELDS_V1,
});

/** The custom_id of an option's "Size it" button, or undefined when it would not fit in 100 characters. */
export function encodeSizeIt(o: RecommendOption, base: SizingRequest): string | undefined {
  const l = o.report.layout;
  const more: ExtraOptions = {};
  if (!base.defaulted.tps && base.targetTps !== undefined) more.tps = String(+base.targetTps.toFixed(3));
  if (!base.defaulted.ttft && base.targetTtftSeconds !== undefined) more.ttft = String(+base.targetTtftSeconds.toFixed(3));
  return SIZE_IT_BUTTON.encode({ model: base.model.id, gpu: o.gpu.id, count: o.count, users: base.users, context: base.contextTokens, quant: o.report.request.quant, kv: base.kvDtype.id, engine: o.report.request.engine, tp: l.tp, pp: l.pp, more });
}

/** The /size options a "Size it" click asks, or why it cannot be answered. */
export function decodeSizeIt(customId: string): Decoded<SizeOptions> {
  const str = (x: number | string | undefined) => (x === undefined ? undefined : String(x));
  const d = SIZE_IT_BUTTON.decode(customId);
  if (d.ok) {
    const v = d.value;
    return { ok: true, value: { model: v.model, gpu: `${v.gpu}x${v.count}`, users: String(v.users), context: String(v.context), quant: v.quant, kv: v.kv, engine: v.engine, tp: str(v.tp), pp: str(v.pp), ...v.more } };
  }
  if (d.reason !== 'old') return d;
  const o = SIZE_IT_BUTTON_V1.decode(customId);
  if (!o.ok) return o;
  const v = o.value;
  return { ok: true, value: { model: v.model, gpu: `${v.gpu}x${v.count}`, users: String(v.users), context: String(v.context), quant: v.quant, kv: v.kv, engine: v.engine, tp: str(v.tp), pp: str(v.pp) } };
}

function buttons(res: RecommendResult, base: SizingRequest): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  const seen = new Set<string>();
  for (const x of shownOptions(res, MAX_SHOWN)) {
    const id = encodeSizeIt(x.option, base);
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const b: APIButtonComponent = { type: ComponentType.Button, style: ButtonStyle.Secondary, label: `${x.n}. Size ${x.option.count}× ${x.option.gpu.name}`.slice(0, 80), custom_id: id };
    if (!rows.length || rows[rows.length - 1].components.length === 5) rows.push({ type: ComponentType.ActionRow, components: [] });
    rows[rows.length - 1].components.push(b);
  }
  return rows;
}

export interface RecommendAnswer {
  request: SizingRequest;
  result: RecommendResult;
  json: RecommendReport;
  reply: Reply;
}

/** The whole /recommend pipeline (Discord and the terminal). */
export async function answerRecommend(opts: Partial<Record<(typeof RECOMMEND_KEYS)[number], string>>, ctx: Pick<CommandContext, 'locale'>): Promise<{ ok: true; answer: RecommendAnswer } | { ok: false; reply: Reply; error: UserError }> {
  const cat = catalogs();
  const have = opts.gpu?.trim();
  const hub = await resolveModelInput(opts.model);
  if (!hub.ok) return { ok: false, reply: errorReply(ctx.locale, hub.error), error: hub.error };
  const built = buildRequest({ model: opts.model, gpu: have || 'h100', users: opts.users, context: opts.context, quant: opts.quant, kv: opts.kv, engine: opts.engine, tps: opts.tps, ttft: opts.ttft }, cat, hub.model);
  if (!built.ok) return { ok: false, reply: errorReply(ctx.locale, built.error), error: built.error };
  let maxGpus: number | undefined;
  if (opts.budget?.trim()) {
    const b = parsePositiveInt('budget', opts.budget, 64);
    if (!b.ok) return { ok: false, reply: errorReply(ctx.locale, b.error), error: b.error };
    maxGpus = b.value;
  }
  const req = built.value;
  const result = recommend(req, { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants }, { maxGpus, have: have ? { gpu: req.gpu, count: req.gpuCount } : undefined });
  const json = recommendJson(req, result, have ? { gpu: req.gpu.id, count: req.gpuCount } : undefined);
  const reply: Reply = { embeds: [recommendEmbed(req, result, ctx.locale)], components: buttons(result, req), text: renderRecommendText(req, result, ctx.locale) };
  return { ok: true, answer: { request: req, result, json, reply } };
}

export const recommendCommand: Command = {
  definition: {
    name: 'recommend',
    ...loc('recommend'),
    options: [
      OPTION.model,
      OPTION.users,
      OPTION.context,
      OPTION.quant,
      OPTION.kv,
      OPTION.engine,
      { type: ApplicationCommandOptionType.Integer, name: 'budget', ...loc('recommend.budget'), min_value: 1, max_value: 64 },
      { type: ApplicationCommandOptionType.String, name: 'gpu', ...loc('recommend.gpu'), autocomplete: true, max_length: 60 },
      { type: ApplicationCommandOptionType.Number, name: 'tps', ...loc('size.tps'), min_value: 0.1, max_value: 10000 },
      { type: ApplicationCommandOptionType.String, name: 'ttft', ...loc('size.ttft'), max_length: 20 },
    ],
  },
  buttonPrefix: 'recommend',
  mayBeSlow: () => true,
  async execute(ctx) {
    const res = await answerRecommend(ctx.options, ctx);
    return res.ok ? res.answer.reply : res.reply;
  },
  autocomplete(focused, ctx) {
    if (focused.name === 'model') return autocompleteModelWithHub(focused.value);
    if (focused.name === 'gpu') return autocompleteGpu(focused.value);
    if (focused.name === 'quant') return autocompleteQuant(focused.value);
    if (focused.name === 'context') return autocompleteContext(focused.value, ctx.locale);
    return [];
  },
  async button(customId, ctx) {
    const d = decodeSizeIt(customId);
    if (!d.ok)
      return errorReply(ctx.locale, { field: 'button', message: d.reason === 'old' ? 'This button is from an older version of Headroom; run /recommend again.' : 'This button could not be read; run /recommend again.', code: d.reason === 'old' ? 'button.old' : 'button.bad', params: { command: '/recommend' } });
    const res = await answerSize(d.value, ctx);
    return res.ok ? res.answer.reply : res.reply;
  },
};
