// /size model gpu [users] [context] [quant] [kv] [engine] [tp] [pp] [util] [config]
import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { ApplicationCommandOptionType, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { catalogs } from '../src/catalog/load.ts';
import { safeText } from '../src/catalog/user-text.ts';
import { buildRequest, checkOptions, MAX_CONTEXT, MAX_GPUS, MAX_USERS, type ModelInput, type SizeOptions, type UserError } from '../src/catalog/parse.ts';
import { z } from 'zod';
import { customIdSchema, decimalField, enumField, idField, intField, optional, type Decoded, type FieldCodec } from './custom-id.ts';
import { estimate, EstimateError } from '../src/engine/estimate.ts';
import { nextGpuUp, recommend } from '../src/engine/recommend.ts';
import type { SizingReport } from '../src/engine/report.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import { chartPngAsync } from '../src/render/chart-pool.ts';
import { sizeEmbed } from '../src/render/embed.ts';
import { t } from '../src/render/i18n.ts';
import { renderText, type InsteadOption } from '../src/render/text.ts';
import { autocompleteContext, autocompleteGpu, autocompleteModelWithHub, autocompleteQuant, errorReply, isHubModel, loc, OPTION, readConfigAttachment, resolveModelInput } from './shared.ts';
import type { Command, CommandContext, Reply } from './types.ts';

export const CHART_NAME = 'headroom.png';

export const SIZE_KEYS = ['model', 'gpu', 'users', 'context', 'quant', 'kv', 'engine', 'tp', 'pp', 'util'] as const;

/** Field order in a button's custom_id: size:<action>:<m>|<g>|<n>|<u>|<c>|<q>|<k>|<e>|<tp>|<pp>|<util> */
export interface SizeState {
  model: string;
  gpu: string;
  count: number;
  users: number;
  context: number;
  quant?: string;
  kv?: string;
  engine?: string;
  tp?: number;
  pp?: number;
  util?: number;
}

export type WhatIf = 'u' | 'c' | 'k' | 'q' | 'g';
export const WHAT_IFS = ['u', 'c', 'k', 'q', 'g'] as const;

/** A catalog id or a Hub reference (`org/name@rev`, `org/name-GGUF:Q4_K_M`): the model field of a button. */
const modelRefField: FieldCodec<string> = { encode: (v) => v, schema: z.string().regex(/^[A-Za-z0-9._@+/:-]{1,90}$/, 'not a model id') };

/** size:2:<action>|<model>|<gpu>|<count>|<users>|<context>|<quant>|<kv>|<engine>|<tp>|<pp>|<util> */
export const SIZE_BUTTON = customIdSchema('size', 2, {
  action: enumField(WHAT_IFS),
  model: modelRefField,
  gpu: idField(40),
  count: intField(1, MAX_GPUS),
  users: intField(1, MAX_USERS),
  context: intField(1, MAX_CONTEXT),
  quant: optional(idField(20)),
  kv: optional(idField(12)),
  engine: optional(idField(20)),
  tp: optional(intField(1, MAX_GPUS)),
  pp: optional(intField(1, MAX_GPUS)),
  util: optional(decimalField(0, 1)),
});

/** The button's custom_id, or '' when the state does not fit in 100 characters (the caller leaves the buttons out). */
export function encodeState(action: WhatIf, st: SizeState): string {
  return SIZE_BUTTON.encode({ action, ...st }) ?? '';
}

export function decodeStateResult(customId: string): Decoded<{ action: WhatIf; state: SizeState }> {
  const d = SIZE_BUTTON.decode(customId);
  if (!d.ok) return d;
  const { action, ...state } = d.value;
  return { ok: true, value: { action, state } };
}

export function decodeState(customId: string): { action: WhatIf; state: SizeState } | undefined {
  const d = decodeStateResult(customId);
  return d.ok ? d.value : undefined;
}

function stateOf(req: SizingRequest, opts: SizeOptions): SizeState {
  return {
    model: req.model.id,
    gpu: req.gpu.id,
    count: req.gpuCount,
    users: req.users,
    context: req.contextTokens,
    quant: opts.quant?.trim() ? req.quant.id : undefined,
    kv: opts.kv?.trim() ? req.kvDtype.id : undefined,
    engine: opts.engine?.trim() ? (req.engine.version ? `${req.engine.id}@${req.engine.version}` : req.engine.id) : undefined,
    tp: req.tp,
    pp: req.pp,
    util: req.util,
  };
}

function optionsOf(st: SizeState): SizeOptions {
  return {
    model: st.model,
    gpu: `${st.gpu}x${st.count}`,
    users: String(st.users),
    context: String(st.context),
    quant: st.quant,
    kv: st.kv,
    engine: st.engine,
    tp: st.tp?.toString(),
    pp: st.pp?.toString(),
    util: st.util?.toString(),
  };
}

/** Apply a what-if to a state; undefined when it would change nothing. */
export function applyWhatIf(action: WhatIf, st: SizeState, req: SizingRequest): SizeState | undefined {
  const llama = ['llamacpp', 'ollama'].includes(req.engine.id);
  switch (action) {
    case 'u':
      return st.users * 2 <= 100_000 ? { ...st, users: st.users * 2 } : undefined;
    case 'c':
      return st.context * 2 <= req.model.maxPosition ? { ...st, context: st.context * 2 } : undefined;
    case 'k': {
      const kv = llama ? 'q8_0' : 'fp8';
      return req.kvDtype.bytes > 1.1 ? { ...st, kv } : undefined;
    }
    case 'q': {
      const q = llama ? 'q4_k_m' : 'int4';
      if (req.quant.bitsPerWeight <= 4.6) return undefined;
      return { ...st, quant: q, tp: undefined, pp: undefined };
    }
    case 'g': {
      const up = nextGpuUp(req.gpu, [...catalogs().gpus.values()]);
      return up ? { ...st, gpu: up.id, tp: undefined, pp: undefined } : undefined;
    }
  }
}

function buttons(req: SizingRequest, opts: SizeOptions, locale: CommandContext['locale']): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const st = stateOf(req, opts);
  const labels = t(locale).buttons;
  const defs: Array<[WhatIf, string]> = [
    ['u', labels.users],
    ['c', labels.context],
    ['k', labels.kv],
    ['q', labels.int4],
    ['g', labels.gpuUp],
  ];
  const comps: APIButtonComponent[] = [];
  for (const [a, label] of defs) {
    const next = applyWhatIf(a, st, req);
    const id = encodeState(a, next ?? st);
    if (!id || id.length > 100) return [];
    comps.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: id, disabled: next === undefined });
  }
  return [{ type: ComponentType.ActionRow, components: comps }];
}

export function describeRequest(opts: SizeOptions): string {
  return `/size ${SIZE_KEYS.filter((k) => opts[k]?.trim()).map((k) => `${k}:${safeText(opts[k]!.trim(), 60)}`).join(' ')}`;
}

/** Options a non-fitting answer names: more of the GPU asked about, then the best of each tier (kept cheap: one per tier). */
const INSTEAD_SHOWN = 3;
const INSTEAD_SEARCH = (req: SizingRequest) => ({ perTier: 1, have: { gpu: req.gpu, count: req.gpuCount }, haveLayouts: false });

export interface SizeAnswer {
  report: SizingReport;
  request: SizingRequest;
  reply: Reply;
}

/** The whole /size pipeline (shared by the button handler and the terminal). */
export async function answerSize(
  opts: SizeOptions,
  ctx: CommandContext,
  extra: { explain?: boolean; config?: ModelInput; chart?: boolean } = {},
): Promise<{ ok: true; answer: SizeAnswer } | { ok: false; reply: Reply; error: UserError }> {
  const cat = catalogs();
  // Types and lengths first, before any lookup (a Hub lookup included).
  const checked = checkOptions(opts);
  if (!checked.ok) return { ok: false, reply: errorReply(ctx.locale, checked.error), error: checked.error };
  let config = extra.config;
  if (!config) {
    const r = await resolveModelInput(opts.model);
    if (!r.ok) return { ok: false, reply: errorReply(ctx.locale, r.error), error: r.error };
    config = r.model;
  }
  const built = buildRequest(opts, cat, config);
  if (!built.ok) return { ok: false, reply: errorReply(ctx.locale, built.error), error: built.error };
  let report: SizingReport;
  try {
    report = estimate(built.value, cat.engines, { explain: true, fixesFrom: cat });
  } catch (e) {
    if (e instanceof EstimateError || e instanceof RangeError) {
      const ee = e instanceof EstimateError ? e : undefined;
      const err: UserError & { hint?: string } = { field: ee?.code ?? 'engine', message: e.message, didYouMean: ee?.suggestions.length ? ee.suggestions : undefined, hint: ee?.hint };
      return { ok: false, reply: errorReply(ctx.locale, err), error: err };
    }
    throw e;
  }
  for (const line of config?.remarks ?? []) report.notes.push({ code: 'source.remark', message: line });
  const requestLine = describeRequest(opts);
  // When it does not fit, name the hardware that would (same model, users, context, format, engine).
  const instead: InsteadOption[] = report.fits
    ? []
    : recommend(built.value, { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants }, INSTEAD_SEARCH(built.value))
        .options.slice(0, INSTEAD_SHOWN)
        .map((x) => ({ count: x.count, gpuName: x.gpu.name, report: x.report }));
  const embed = sizeEmbed(report, ctx.locale, requestLine, instead);
  const reply: Reply = {
    embeds: [extra.chart === false ? embed : { ...embed, image: { url: `attachment://${CHART_NAME}` } }],
    components: config && config.source?.kind !== 'hub' ? [] : buttons(built.value, opts, ctx.locale),
    text: renderText(report, ctx.locale, { explain: extra.explain, instead }),
  };
  if (!extra.explain) delete report.explain;
  if (extra.chart !== false) reply.files = [{ name: CHART_NAME, data: await chartPngAsync(report), description: 'GPU memory breakdown' }];
  return { ok: true, answer: { report, request: built.value, reply } };
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
      { type: ApplicationCommandOptionType.Attachment, name: 'config', ...loc('size.config') },
    ],
  },
  buttonPrefix: 'size',
  async warm() {
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
    if (config && !opts.gpu) return errorReply(ctx.locale, { field: 'gpu', message: 'which GPU? e.g. gpu:h100' });
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
    const decoded = decodeStateResult(customId);
    if (!decoded.ok)
      return errorReply(ctx.locale, {
        field: 'button',
        message: decoded.reason === 'old' ? 'This button is from an older version of Headroom; run /size again.' : 'This button could not be read; run /size again.',
      });
    const res = await answerSize(optionsOf(decoded.value.state), ctx);
    if (!res.ok) return res.reply;
    return res.answer.reply;
  },
};

