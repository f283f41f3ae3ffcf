// The /size card's buttons. Each button's custom_id holds the question it was shown with (the source state) and
// one action; a click decodes both, sizes the source again (for "was …") and the changed question, and answers
// with a card that says what changed. No session store: any process can answer any click (design.md §1).
//
//   size:4:<action>|<arg>|<model>|<gpu>|<count>|<users>|<context>|<quant>|<kv>|<engine>|<tp>|<pp>|<more>|<util>
// where <more> carries avgcontext, tps, ttft, host, spec and accept (custom-id.ts extrasField). Version 3 ids
// (without <more>) still decode.
import type { APIButtonComponent } from 'discord-api-types/v10';
import { ButtonStyle } from 'discord-api-types/v10';
import { catalogs, type LoadedCatalogs } from '../src/catalog/load.ts';
import { MAX_CONTEXT, MAX_GPUS, MAX_USERS, type SizeOptions } from '../src/catalog/parse.ts';
import { nextGpuUp, recommend } from '../src/engine/recommend.ts';
import type { SizingReport } from '../src/engine/report.ts';
import type { SizingRequest } from '../src/engine/types.ts';
import { button, gpusLabel, shortGpuName, type CardActions } from '../src/render/card.ts';
import { int, tokens } from '../src/render/format.ts';
import { t } from '../src/render/i18n.ts';
import type { InsteadOption } from '../src/render/text.ts';
import { z } from 'zod';
import { customIdSchema, decimalField, enumField, extrasField, idField, intField, optional, type Decoded, type ExtraOptions, type FieldCodec } from './custom-id.ts';
import type { Locale } from './types.ts';

/** The question a card answers, as the button ids carry it. */
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
  /** avgcontext, tps, ttft, host, spec, accept as the user gave them (normalized). */
  more?: ExtraOptions;
}

/**
 * u2 users ×2, uh users ÷2, c2 context ×2, ch context ÷2, g2 GPUs ×2, kv 8-bit KV cache, q4 4-bit weights,
 * up the next GPU up, to size the GPU and count in `arg` ("h100-sxm+2"), dt the Details of the source state.
 */
export const ACTIONS = ['u2', 'uh', 'c2', 'ch', 'g2', 'kv', 'q4', 'up', 'to', 'dt'] as const;
export type Action = (typeof ACTIONS)[number];

/** A catalog id or a Hub reference (`org/name@rev`, `org/name-GGUF:Q4_K_M`): the model field of a button. */
const modelRefField: FieldCodec<string> = { encode: (v) => v, schema: z.string().regex(/^[A-Za-z0-9._@+/:-]{1,90}$/, 'not a model id') };

/** The hardware and load of a question, as every button that re-asks one carries them (this card's and /recommend's "Size it"). */
const QUESTION_FIELDS_V1 = {
  gpu: idField(40),
  count: intField(1, MAX_GPUS),
  users: intField(1, MAX_USERS),
  context: intField(1, MAX_CONTEXT),
  quant: optional(idField(20)),
  kv: optional(idField(12)),
  engine: optional(idField(20)),
  tp: optional(intField(1, MAX_GPUS)),
  pp: optional(intField(1, MAX_GPUS)),
};

/** The hardware, load and speed/speculation options of a question, as every button that re-asks one carries them (this card's and /recommend's "Size it"). */
export const QUESTION_FIELDS = { ...QUESTION_FIELDS_V1, more: extrasField };

export const SIZE_BUTTON = customIdSchema('size', 4, {
  action: enumField(ACTIONS),
  arg: optional(idField(40)),
  model: modelRefField,
  ...QUESTION_FIELDS,
  util: optional(decimalField(0, 1)),
});

/** Cards posted before the speed and speculation options were carried: decoded as asked then (nothing extra). */
const SIZE_BUTTON_V3 = customIdSchema('size', 3, {
  action: enumField(ACTIONS),
  arg: optional(idField(40)),
  model: modelRefField,
  ...QUESTION_FIELDS_V1,
  util: optional(decimalField(0, 1)),
});
export { QUESTION_FIELDS_V1 };

/** The button's custom_id, or undefined when it would be over 100 characters (the button is then left out). */
export function encodeAction(action: Action, state: SizeState, arg?: string): string | undefined {
  return SIZE_BUTTON.encode({ action, arg, ...state, more: state.more ?? {} });
}

export function decodeAction(customId: string): Decoded<{ action: Action; arg?: string; state: SizeState }> {
  const d = SIZE_BUTTON.decode(customId);
  if (d.ok) {
    const { action, arg, more, ...rest } = d.value;
    return { ok: true, value: { action, arg, state: { ...rest, ...(Object.keys(more).length ? { more } : {}) } } };
  }
  if (d.reason !== 'old') return d;
  const old = SIZE_BUTTON_V3.decode(customId);
  if (!old.ok) return old;
  const { action, arg, ...state } = old.value;
  return { ok: true, value: { action, arg, state } };
}

/** The options beyond hardware and load that a question was asked with, normalized (what the buttons carry). */
export function extrasOf(req: SizingRequest, opts: SizeOptions): ExtraOptions {
  const more: ExtraOptions = {};
  if (req.avgContextTokens) more.avgcontext = String(req.avgContextTokens);
  if (!req.defaulted.tps && req.targetTps !== undefined) more.tps = String(+req.targetTps.toFixed(3));
  if (!req.defaulted.ttft && req.targetTtftSeconds !== undefined) more.ttft = String(+req.targetTtftSeconds.toFixed(3));
  if (!req.defaulted.host && req.host && opts.host?.trim()) {
    const gbs = /^(\d+(?:\.\d+)?)gbs$/.exec(req.host.id);
    more.host = gbs ? gbs[1] : req.host.id;
  }
  if (req.spec) {
    more.spec = `${req.spec.method}:${req.spec.tokens}`;
    if (req.spec.acceptanceKind === 'given') more.accept = String(+req.spec.acceptance.toFixed(4));
  }
  if (req.textOnly) more.textonly = 'true';
  return more;
}

export function stateOf(req: SizingRequest, opts: SizeOptions): SizeState {
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
    ...(Object.keys(extrasOf(req, opts)).length ? { more: extrasOf(req, opts) } : {}),
  };
}

export function optionsOf(st: SizeState): SizeOptions {
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
    ...st.more,
  };
}

const MAX_WHAT_IF_GPUS = 64;

function llamaFamily(req: SizingRequest): boolean {
  return req.engine.id === 'llamacpp' || req.engine.id === 'ollama';
}

/** An average context (avgcontext) scaled with the context it averages under. */
function scaleAvg(more: ExtraOptions | undefined, f: number): ExtraOptions | undefined {
  if (!more?.avgcontext) return more;
  return { ...more, avgcontext: String(Math.max(1, Math.round(Number(more.avgcontext) * f))) };
}

/** The state after an action; undefined when the action would change nothing or cannot apply. */
export function applyAction(action: Action, arg: string | undefined, st: SizeState, req: SizingRequest): SizeState | undefined {
  const newHardware = { tp: undefined, pp: undefined };
  switch (action) {
    case 'u2':
      return st.users * 2 <= MAX_USERS ? { ...st, users: st.users * 2 } : undefined;
    case 'uh':
      return st.users > 1 ? { ...st, users: Math.ceil(st.users / 2) } : undefined;
    case 'c2':
      return st.context * 2 <= req.model.maxPosition ? { ...st, context: st.context * 2, more: scaleAvg(st.more, 2) } : undefined;
    case 'ch':
      return st.context >= 1024 ? { ...st, context: Math.round(st.context / 2), more: scaleAvg(st.more, 0.5) } : undefined;
    case 'g2':
      return !req.gpu.unified && st.count * 2 <= MAX_WHAT_IF_GPUS ? { ...st, count: st.count * 2, ...newHardware } : undefined;
    case 'kv':
      return req.kvDtype.bytes > 1.1 ? { ...st, kv: llamaFamily(req) ? 'q8_0' : 'fp8' } : undefined;
    case 'q4':
      return req.quant.bitsPerWeight > 4.6 ? { ...st, quant: llamaFamily(req) ? 'q4_k_m' : 'int4', ...newHardware } : undefined;
    case 'up': {
      const up = nextGpuUp(req.gpu, [...catalogs().gpus.values()]);
      return up ? { ...st, gpu: up.id, ...newHardware } : undefined;
    }
    case 'to': {
      const m = /^([a-z0-9][a-z0-9.-]*)\+(\d{1,4})$/.exec(arg ?? '');
      if (!m) return undefined;
      const count = Number(m[2]);
      if (count < 1 || count > MAX_GPUS || (m[1] === st.gpu && count === st.count)) return undefined;
      return { ...st, gpu: m[1]!, count, ...newHardware };
    }
    case 'dt':
      return st;
  }
}

/**
 * Hardware that would fit when the asked one does not: more of the user's own GPU first (engine/recommend.ts
 * "have"), then the best option of each tier, at most `limit`. Only options sized with the same engine and weight
 * format are offered as buttons (a click changes the hardware and nothing else).
 */
export function fitInstead(req: SizingRequest, cat: LoadedCatalogs, limit = 3): InsteadOption[] {
  const res = recommend(req, { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants }, { perTier: 1, have: { gpu: req.gpu, count: req.gpuCount }, haveLayouts: false, maxGpus: MAX_WHAT_IF_GPUS });
  const out: InsteadOption[] = [];
  for (const o of res.options) {
    if (out.length >= limit) break;
    // More of the user's own GPU leads even below the speed floor: it fits, and the card it opens shows the speed.
    if ((o.slow && o.tier !== 'have') || !o.report.fits || o.quant.id !== req.quant.id || o.engine.id !== req.engine.id) continue;
    if (out.some((x) => x.gpuId === o.gpu.id)) continue;
    out.push({ count: o.count, gpuName: o.gpu.name, gpuId: o.gpu.id, report: o.report });
  }
  return out;
}

/** The card's buttons: what-ifs (toward a fit when it does not fit), the fitting alternatives, Details. */
export function cardActions(st: SizeState, req: SizingRequest, report: SizingReport, instead: InsteadOption[], locale: Locale): CardActions {
  const s = t(locale).card;
  const fits = report.fits;
  const plan: Array<[Action, (next: SizeState) => string]> = fits
    ? [
        ['u2', (n) => s.users(String(n.users))],
        ['c2', (n) => s.context(tokens(n.context))],
        ['kv', (n) => s.kv(n.kv ?? '')],
        ['q4', (n) => s.weights((n.quant ?? '').toUpperCase())],
      ]
    : [
        ['uh', (n) => s.users(String(n.users))],
        ['ch', (n) => s.context(tokens(n.context))],
        ['g2', (n) => gpusLabel(n.count, req.gpu.name)],
        ['kv', (n) => s.kv(n.kv ?? '')],
        ['q4', (n) => s.weights((n.quant ?? '').toUpperCase())],
        ['up', (n) => s.nextGpu(shortGpuName(catalogs().gpus.get(n.gpu)?.name ?? n.gpu))],
      ];
  const whatIf: APIButtonComponent[] = [];
  for (const [action, label] of plan) {
    const next = applyAction(action, undefined, st, req);
    if (!next) continue;
    // A GPU the user already gets offered as "would fit instead" needs no second button.
    if (action === 'g2' && instead.some((o) => o.gpuId === req.gpu.id)) continue;
    const id = encodeAction(action, st);
    if (id) whatIf.push(button(label(next), id));
  }
  const insteadButtons: APIButtonComponent[] = [];
  for (const o of instead) {
    const id = encodeAction('to', st, `${o.gpuId}+${o.count}`);
    if (!id) continue;
    const users = o.report.capacity.maxUsers;
    const gb = catalogs().gpuEntries.find((g) => g.id === o.gpuId)?.memory.marketingGB;
    insteadButtons.push(button(`${gpusLabel(o.count, o.gpuName)}${gb ? ` ${gb}GB` : ''} · ${s.users(int(users, locale))}`, id, ButtonStyle.Success));
  }
  const detailsId = encodeAction('dt', st);
  return { whatIf, instead: insteadButtons, details: detailsId ? button(s.details, detailsId, ButtonStyle.Primary) : undefined };
}
