// /size model gpu [users] [context] [quant] [kv] [engine] [tp] [pp] [util] [config]
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { catalogs, warmCatalogs } from '../src/catalog/load.ts';
import { compileFormulas } from '../src/engine/formulas.ts';
import { loadHubLibraries } from '../src/hub/index.ts';
import { zhLocalizations } from '../src/render/zh-tw.ts';
import { safeText } from '../src/catalog/user-text.ts';
import { buildRequest, checkOptions, type ModelInput, type SizeOptions, type UserError } from '../src/catalog/parse.ts';
import { estimate, EstimateError } from '../src/engine/estimate.ts';
import type { SizingReport } from '../src/engine/report.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import { changeLine, detailsLayout, sizeCard } from '../src/render/card.ts';
import { chartPngAsync } from '../src/render/chart-pool.ts';
import { insteadAsync, warmSearch } from './search-pool.ts';
import { renderText, verdict, verdictWord, type InsteadOption } from '../src/render/text.ts';
import { t } from '../src/render/i18n.ts';
import { applyAction, cardActions, decodeAction, optionsOf, stateOf } from './size-actions.ts';
import { autocompleteContext, autocompleteGpu, autocompleteModelWithHub, autocompleteQuant, errorReply, isHubModel, loc, OPTION, readConfigAttachment, resolveModelInput } from './shared.ts';
import type { Command, CommandContext, Reply } from './types.ts';

export const CHART_NAME = 'headroom.png';

export const SIZE_KEYS = ['model', 'gpu', 'users', 'context', 'quant', 'kv', 'engine', 'tp', 'pp', 'util', 'avgcontext', 'tps', 'ttft', 'host', 'spec', 'accept', 'textonly'] as const;

export function describeRequest(opts: SizeOptions): string {
  return `/size ${SIZE_KEYS.filter((k) => opts[k]?.trim()).map((k) => `${k}:${safeText(opts[k]!.trim(), 60)}`).join(' ')}`;
}

export interface SizeAnswer {
  report: SizingReport;
  request: SizingRequest;
  reply: Reply;
}

/** The model input for a /size question: an attachment as given, a Hub reference read from the Hub, else none (catalog). */
async function modelInput(model: string | undefined, given?: ModelInput): Promise<{ ok: true; config?: ModelInput } | { ok: false; error: UserError }> {
  if (given) return { ok: true, config: given };
  const r = await resolveModelInput(model);
  return r.ok ? { ok: true, config: r.model } : r;
}

/** The whole /size pipeline (shared by the button handler and the terminal). */
export async function answerSize(
  opts: SizeOptions,
  ctx: CommandContext,
  extra: { explain?: boolean; config?: ModelInput; chart?: boolean; previous?: SizingReport } = {},
): Promise<{ ok: true; answer: SizeAnswer } | { ok: false; reply: Reply; error: UserError }> {
  const cat = catalogs();
  // Types and lengths first, before any lookup (a Hub lookup included).
  const checked = checkOptions(opts);
  if (!checked.ok) return { ok: false, reply: errorReply(ctx.locale, checked.error), error: checked.error };
  const input = await modelInput(opts.model, extra.config);
  if (!input.ok) return { ok: false, reply: errorReply(ctx.locale, input.error), error: input.error };
  const config = input.config;
  const built = buildRequest(opts, cat, config);
  if (!built.ok) return { ok: false, reply: errorReply(ctx.locale, built.error), error: built.error };
  let report: SizingReport;
  try {
    report = estimate(built.value, cat.engines, { explain: true, fixesFrom: cat });
  } catch (e) {
    if (e instanceof EstimateError || e instanceof RangeError) {
      const ee = e instanceof EstimateError ? e : undefined;
      const err: UserError & { hint?: string } = { field: ee?.code ?? 'engine', message: e.message, didYouMean: ee?.suggestions.length ? ee.suggestions : undefined, hint: ee?.hint, ...(ee ? { code: ee.code, params: ee.params } : {}) };
      return { ok: false, reply: errorReply(ctx.locale, err), error: err };
    }
    throw e;
  }
  for (const line of config?.remarks ?? []) report.notes.push({ code: 'source.remark', message: line });
  const requestLine = describeRequest(opts);
  // When it does not fit, name the hardware that would: more of the user's own GPU first, then the catalog's.
  // The search runs in a worker thread for the bot (search-pool.ts): it can take 100-1000 ms on large models.
  const instead: InsteadOption[] = report.fits ? [] : await insteadAsync(opts, config, built.value);
  const chart = extra.chart !== false;
  // An attached config.json cannot be asked again from a button (only catalog and Hub models can).
  const state = config && config.source?.kind !== 'hub' ? undefined : stateOf(built.value, opts);
  const reply: Reply = {
    layout: sizeCard({
      report,
      locale: ctx.locale,
      request: requestLine,
      change: extra.previous ? changeLine(extra.previous, report, ctx.locale) : undefined,
      chart: chart ? CHART_NAME : undefined,
      actions: state ? cardActions(state, built.value, report, instead, ctx.locale) : undefined,
    }),
    text: renderText(report, ctx.locale, { explain: extra.explain, instead }),
  };
  if (chart) reply.files = [{ name: CHART_NAME, data: await chartPngAsync(report, ctx.locale), description: t(ctx.locale).card.chartAlt(verdictWord(verdict(report), ctx.locale)) }];
  const answer: SizeAnswer = { report, request: built.value, reply };
  if (!extra.explain) delete report.explain;
  return { ok: true, answer };
}

/** The Details answer for a question: ephemeral, everything the card leaves out. */
export async function answerDetails(opts: SizeOptions, ctx: CommandContext): Promise<Reply> {
  const cat = catalogs();
  const input = await modelInput(opts.model);
  if (!input.ok) return errorReply(ctx.locale, input.error);
  const built = buildRequest(opts, cat, input.config);
  if (!built.ok) return errorReply(ctx.locale, built.error);
  let report: SizingReport;
  try {
    report = estimate(built.value, cat.engines, { explain: true });
  } catch (e) {
    if (e instanceof EstimateError) return errorReply(ctx.locale, { field: 'engine', message: e.message, code: e.code, params: e.params });
    if (e instanceof RangeError) return errorReply(ctx.locale, { field: 'engine', message: e.message });
    throw e;
  }
  for (const line of input.config?.remarks ?? []) report.notes.push({ code: 'source.remark', message: line });
  return { layout: detailsLayout(report, ctx.locale), ephemeral: true, text: renderText(report, ctx.locale) };
}

export const size: Command = {
  definition: {
    name: 'size',
    ...loc('size'),
    options: [
      OPTION.model,
      { type: ApplicationCommandOptionType.String, name: 'gpu', ...loc('size.gpu'), required: true, autocomplete: true, max_length: 60 },
      OPTION.users,
      OPTION.context,
      OPTION.quant,
      OPTION.kv,
      OPTION.engine,
      { type: ApplicationCommandOptionType.Integer, name: 'tp', ...loc('size.tp'), min_value: 1, max_value: 64 },
      { type: ApplicationCommandOptionType.Integer, name: 'pp', ...loc('size.pp'), min_value: 1, max_value: 64 },
      { type: ApplicationCommandOptionType.Number, name: 'util', ...loc('size.util'), min_value: 0.05, max_value: 1 },
      { type: ApplicationCommandOptionType.String, name: 'avgcontext', ...loc('size.avgcontext'), max_length: 20 },
      { type: ApplicationCommandOptionType.Number, name: 'tps', ...loc('size.tps'), min_value: 0.1, max_value: 10000 },
      { type: ApplicationCommandOptionType.String, name: 'ttft', ...loc('size.ttft'), max_length: 20 },
      { type: ApplicationCommandOptionType.String, name: 'host', ...loc('size.host'), max_length: 40 },
      {
        type: ApplicationCommandOptionType.String,
        name: 'spec',
        ...loc('size.spec'),
        max_length: 20,
        choices: [
          { name: 'off', value: 'off' },
          { name: 'mtp (the model’s own MTP layers)', name_localizations: zhLocalizations('mtp（模型自带的 MTP 层）'), value: 'mtp' },
          { name: 'eagle3 (EAGLE-3 draft head)', name_localizations: zhLocalizations('eagle3（EAGLE-3 草稿头）'), value: 'eagle3' },
        ],
      },
      { type: ApplicationCommandOptionType.String, name: 'accept', ...loc('size.accept'), max_length: 12 },
      { type: ApplicationCommandOptionType.Boolean, name: 'textonly', ...loc('size.textonly') },
      { type: ApplicationCommandOptionType.Attachment, name: 'config', ...loc('size.config') },
    ],
  },
  buttonPrefix: 'size',
  async warm() {
    // What `ask` leaves lazy (every model's architecture, the formulas, the Hub libraries) is built before traffic.
    warmCatalogs();
    compileFormulas();
    await loadHubLibraries();
    warmSearch();
    await answerSize({ model: 'qwen3-8b', gpu: 'rtx4090' }, { locale: 'en', options: {} });
    await answerSize({ model: 'qwen3-32b', gpu: 'a10', users: '64' }, { locale: 'en', options: {} }); // one that does not fit: the search
  },
  mayBeSlow: (ctx) => ctx.attachment !== undefined || isHubModel(ctx.options.model),
  async execute(ctx) {
    const opts: SizeOptions = {};
    for (const k of SIZE_KEYS) if (ctx.options[k] !== undefined) opts[k] = String(ctx.options[k]);
    let config: ModelInput | undefined;
    if (ctx.attachment) {
      const r = await readConfigAttachment(ctx);
      if (!r.ok) return r.reply;
      config = r.config;
      if (!opts.model) opts.model = config.name;
    }
    if (config && !opts.gpu) return errorReply(ctx.locale, { field: 'gpu', message: 'which GPU? e.g. gpu:h100', code: 'config.gpu' });
    const res = await answerSize(opts, ctx, { config });
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
    const decoded = decodeAction(customId);
    if (!decoded.ok)
      return errorReply(ctx.locale, {
        field: 'button',
        message: decoded.reason === 'old' ? 'This button is from an older version of Headroom; run /size again.' : 'This button could not be read; run /size again.',
        code: decoded.reason === 'old' ? 'button.old' : 'button.bad',
        params: { command: '/size' },
      });
    const { action, arg, state } = decoded.value;
    const from = optionsOf(state);
    if (action === 'dt') return answerDetails(from, ctx);
    const cat = catalogs();
    const input = await modelInput(from.model);
    if (!input.ok) return errorReply(ctx.locale, input.error);
    const built = buildRequest(from, cat, input.config);
    if (!built.ok) return errorReply(ctx.locale, built.error);
    let previous: SizingReport | undefined;
    try {
      previous = estimate(built.value, cat.engines);
    } catch {
      previous = undefined;
    }
    const next = applyAction(action, arg, state, built.value);
    if (!next) return errorReply(ctx.locale, { field: 'button', message: 'That change would not change the question; try another button.', code: 'button.same' });
    const res = await answerSize(optionsOf(next), ctx, { previous, config: input.config });
    return res.ok ? res.answer.reply : res.reply;
  },
};

