// /recommend model [users] [context] [quant] [kv] [engine] [budget] [gpu] — what to buy, by tier, cheapest first;
// each option has a "Size it" button that answers the /size for it.
import { ApplicationCommandOptionType, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { catalogs } from '../src/catalog/load.ts';
import { buildRequest, parsePositiveInt, type SizeOptions, type UserError } from '../src/catalog/parse.ts';
import { recommend, type RecommendOption, type RecommendResult } from '../src/engine/recommend.ts';
import { recommendJson, type RecommendReport } from '../src/engine/recommend-report.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import { MAX_SHOWN, recommendEmbed, renderRecommendText, shownOptions } from '../src/render/recommend.ts';
import { answerSize } from './size.ts';
import { autocompleteEngine, autocompleteGpu, autocompleteModel, autocompleteQuant, errorReply, loc, OPTION } from './shared.ts';
import type { Command, CommandContext, Reply } from './types.ts';

export const RECOMMEND_KEYS = ['model', 'users', 'context', 'quant', 'kv', 'engine', 'budget', 'gpu'] as const;

/** "Size it" button: recommend:s:<model>|<gpu>|<count>|<users>|<context>|<quant>|<kv>|<engine>|<tp>|<pp> */
export function encodeSizeIt(o: RecommendOption, base: SizingRequest): string {
  const l = o.report.layout;
  const engine = o.report.request.engine;
  return `recommend:s:${[base.model.id, o.gpu.id, o.count, base.users, base.contextTokens, o.report.request.quant, base.kvDtype.id, engine, l.tp, l.pp].join('|')}`;
}

export function decodeSizeIt(customId: string): SizeOptions | undefined {
  const m = /^recommend:s:(.*)$/.exec(customId);
  const f = m?.[1].split('|');
  if (!f || f.length !== 10 || f.slice(0, 5).some((x) => !x)) return undefined;
  return { model: f[0], gpu: `${f[1]}x${f[2]}`, users: f[3], context: f[4], quant: f[5] || undefined, kv: f[6] || undefined, engine: f[7] || undefined, tp: f[8] || undefined, pp: f[9] || undefined };
}

function buttons(res: RecommendResult, base: SizingRequest): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  const seen = new Set<string>();
  for (const x of shownOptions(res, MAX_SHOWN)) {
    const id = encodeSizeIt(x.option, base);
    if (id.length > 100 || seen.has(id)) continue;
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
export function answerRecommend(opts: Partial<Record<(typeof RECOMMEND_KEYS)[number], string>>, ctx: Pick<CommandContext, 'locale'>): { ok: true; answer: RecommendAnswer } | { ok: false; reply: Reply; error: UserError } {
  const cat = catalogs();
  const have = opts.gpu?.trim();
  const built = buildRequest({ model: opts.model, gpu: have || 'h100', users: opts.users, context: opts.context, quant: opts.quant, kv: opts.kv, engine: opts.engine }, cat);
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
    ],
  },
  buttonPrefix: 'recommend',
  mayBeSlow: () => true,
  async execute(ctx) {
    const res = answerRecommend(ctx.options, ctx);
    return res.ok ? res.answer.reply : res.reply;
  },
  autocomplete(focused) {
    if (focused.name === 'model') return autocompleteModel(focused.value);
    if (focused.name === 'gpu') return autocompleteGpu(focused.value);
    if (focused.name === 'quant') return autocompleteQuant(focused.value);
    if (focused.name === 'engine') return autocompleteEngine(focused.value);
    return [];
  },
  async button(customId, ctx) {
    const opts = decodeSizeIt(customId);
    if (!opts) return errorReply(ctx.locale, { field: 'button', message: 'This button is from an older version of Headroom; run /recommend again.' });
    const res = await answerSize(opts, ctx);
    return res.ok ? res.answer.reply : res.reply;
  },
};
