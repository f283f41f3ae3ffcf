// The spec: option (speculative decoding) and accept: (acceptance rate): which draft, how many tokens it drafts,
// and how often they are accepted, from catalogs/speculative.yaml. Bad input gets one line and suggestions.
import { ENGINES } from '../engine/engines/index.ts';
import { acceptanceFromLength } from '../engine/speculative.ts';
import type { Architecture, EngineId, SpecRequest } from '../engine/types.ts';
import type { LoadedCatalogs } from './load.ts';
import type { Result } from './parse.ts';
import { clip, fail, ok } from './result.ts';


/** Engines whose speculative decoding is sized: those whose module declares it (and builds the launch flags). */
export const SPEC_ENGINES: EngineId[] = (Object.keys(ENGINES) as EngineId[]).filter((e) => ENGINES[e].speculative?.length);
export const MAX_SPEC_TOKENS = 8;

/** "0.7", "70%", "70 %" -> acceptance rate in (0, 1). */
export function parseAcceptance(input: string): Result<number> {
  const m = /^(\d*\.?\d+)\s*(%)?$/.exec(input.trim());
  if (!m) return fail('accept', `accept "${clip(input)}" must be the share of drafted tokens accepted, like 0.7 or 70%`, ['0.6', '0.8']);
  if (!m[2] && Number(m[1]) > 1) return fail('accept', `accept ${clip(input)} is more than 1: give a share like 0.7 or a percentage like 70%`, [`${m[1]}%`]);
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  if (!(v > 0 && v < 1)) return fail('accept', 'accept must be between 0 and 1 (or 1 % and 99 %)', ['0.7']);
  return ok(v);
}

/** What spec: a model can take: mtp when it ships MTP layers, eagle3 when the catalog has a draft head for it. */
export function specMethodsFor(cat: LoadedCatalogs, model: Architecture): Array<'mtp' | 'eagle3'> {
  const out: Array<'mtp' | 'eagle3'> = [];
  if (model.mtpParams > 0) out.push('mtp');
  if (cat.speculative.eagle3.some((d) => d.model === model.id)) out.push('eagle3');
  return out;
}

/**
 * spec:mtp | spec:eagle3 | spec:off, with the drafted tokens after a colon (spec:eagle3:3); accept: overrides the
 * acceptance. Returns undefined for off / empty.
 */
export function parseSpec(cat: LoadedCatalogs, model: Architecture, engine: EngineId, input: string | undefined, accept: string | undefined): Result<SpecRequest | undefined> {
  const raw = (input ?? '').trim().toLowerCase();
  if (!raw || raw === 'off' || raw === 'none' || raw === 'no') {
    if (accept?.trim()) return fail('accept', 'accept: needs spec:mtp or spec:eagle3', specMethodsFor(cat, model).map((m) => `spec:${m}`));
    return ok(undefined);
  }
  const [methodRaw, tokensRaw, ...rest] = raw.split(/[:\s]+/);
  const method = methodRaw === 'eagle' || methodRaw === 'eagle-3' ? 'eagle3' : methodRaw === 'nextn' ? 'mtp' : methodRaw;
  const methods = specMethodsFor(cat, model);
  if (method !== 'mtp' && method !== 'eagle3') return fail('spec', `unknown speculative method "${clip(methodRaw)}": mtp, eagle3 or off`, ['spec:mtp', 'spec:eagle3', 'spec:off']);
  if (rest.length) return fail('spec', `spec "${clip(raw)}" takes a method and a token count, like spec:eagle3:3`, ['spec:eagle3:3']);
  if (!ENGINES[engine].speculative?.includes(method))
    return fail('spec', `speculative decoding is sized for ${SPEC_ENGINES.map((e) => ENGINES[e].label).join(' and ')}, not ${ENGINES[engine].label}`, SPEC_ENGINES.map((e) => `engine:${e}`));
  if (!methods.includes(method)) {
    const why = method === 'mtp' ? `${model.name} ships no MTP layers` : `the catalog has no EAGLE-3 draft head for ${model.name}`;
    const have = cat.speculative.eagle3.map((d) => d.model);
    return fail('spec', `${why}${methods.length ? '' : method === 'eagle3' ? ` (drafts for ${have.join(', ')})` : ''}`, methods.length ? methods.map((m) => `spec:${m}`) : ['spec:off']);
  }
  let tokens: number | undefined;
  if (tokensRaw !== undefined && tokensRaw !== '') {
    const k = Number(tokensRaw);
    if (!Number.isInteger(k) || k < 1 || k > MAX_SPEC_TOKENS) return fail('spec', `drafted tokens must be a whole number from 1 to ${MAX_SPEC_TOKENS}`, [`spec:${method}:3`]);
    tokens = k;
  }
  let given: number | undefined;
  if (accept?.trim()) {
    const r = parseAcceptance(accept);
    if (!r.ok) return r;
    given = r.value;
  }
  if (method === 'mtp') {
    const e = cat.speculative.mtp.find((x) => x.models.includes(model.id));
    // No published acceptance for this model's MTP head: DeepSeek-V3's (the first one published) is borrowed, and said so.
    const base = e ?? cat.speculative.mtp.find((x) => x.models.includes('deepseek-v3'));
    const k = tokens ?? e?.tokens ?? 1;
    if (given !== undefined) return ok({ method, tokens: k, acceptance: given, acceptanceKind: 'given', acceptanceSource: 'accept: option' });
    if (!base) return fail('accept', `no published MTP acceptance for ${model.name}: give one with accept:, like accept:0.8`, ['accept:0.8']);
    return ok({ method, tokens: k, acceptance: base.acceptance, acceptanceKind: e ? 'published' : 'borrowed', acceptanceSource: base.source[0] });
  }
  const d = cat.speculative.eagle3.find((x) => x.model === model.id)!;
  const k = tokens ?? d.tokens;
  const draft = { repo: d.repo, draftVocab: d.draftVocab, ...(d.intermediate ? { intermediate: d.intermediate } : {}) };
  if (given !== undefined) return ok({ method, tokens: k, acceptance: given, acceptanceKind: 'given', acceptanceSource: 'accept: option', draft });
  return ok({ method, tokens: k, acceptance: acceptanceFromLength(d.acceptanceLength, d.tokens), acceptanceKind: 'published', acceptanceSource: d.source[0], draft });
}
