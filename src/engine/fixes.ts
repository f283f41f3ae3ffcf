// Cheap fixes an engineer tries before buying hardware, in order: fp8 KV, a smaller max_num_seqs, utilization 0.95,
// FP8 or int4 weights, a context cap, DP attention. Each is the same estimate with one setting changed; the ones that
// help are reported with their effect. When none fits alone, the best pairs are tried (bounded) and the pair that
// fits is offered. Pure: the formats to try come in as data.
import { engineProfile } from './engines/index.ts';
import type { SizingReport } from './report.ts';
import type { KvDtype, QuantFormat, SizingRequest } from './types.ts';

export interface FixCatalog {
  quants: Map<string, QuantFormat>;
  kvDtypes: Map<string, KvDtype>;
}

export interface Fix {
  code: string;
  /** The option that applies it ("kv:fp8"). */
  change: string;
  effect: string;
  fits: boolean;
  maxUsers: number;
  /** The values behind `effect`, so renderers can phrase it in another language (like notes). */
  params: Record<string, string | number>;
}

interface Attempt {
  code: string;
  change: string;
  req: SizingRequest;
  maxNumSeqs?: number;
  what: string;
  /** The values `what` is made of. */
  params?: Record<string, string | number>;
  /** The same change applied to another request (for combining two fixes). */
  apply: (r: SizingRequest) => SizingRequest;
}

/** Pairs of fixes tried when no single one fits: the best singles by users gained, at most this many pairs. */
export const MAX_FIX_PAIRS = 6;
const PAIR_FROM = 4;

type Run = (req: SizingRequest, maxNumSeqs?: number) => SizingReport | undefined;

export function cheapFixes(req: SizingRequest, report: SizingReport, cat: FixCatalog, run: Run): Fix[] {
  const profile = engineProfile(req.engine.id);
  const attempts: Attempt[] = [];
  const kvs = profile.kvCache.dtypes;
  const kvTo = kvs.includes('fp8') ? 'fp8' : kvs.includes('q8_0') ? 'q8_0' : undefined;
  const kvTarget = kvTo ? cat.kvDtypes.get(kvTo) : undefined;
  if (kvTarget && kvTarget.bytes < req.kvDtype.bytes)
    attempts.push({ code: 'fix.kv', change: `kv:${kvTo}`, req: { ...req, kvDtype: kvTarget }, apply: (r) => ({ ...r, kvDtype: kvTarget }), what: `KV cache in ${kvTo} (${req.kvDtype.bytes} → ${kvTarget.bytes} B per value)`, params: { to: kvTarget.id, fromBytes: req.kvDtype.bytes, toBytes: kvTarget.bytes } });
  const seqs = Number(report.launch.command.match(/--max-num-seqs (\d+)/)?.[1] ?? 0);
  const perReplica = Math.ceil(req.users / Math.max(1, report.layout.replicas * report.layout.dp));
  const smaller = Math.max(8, Math.ceil(perReplica / 8) * 8);
  if (seqs && smaller < seqs) attempts.push({ code: 'fix.seqs', change: `--max-num-seqs ${smaller}`, req, apply: (r) => r, maxNumSeqs: smaller, what: `max_num_seqs ${seqs} → ${smaller}: a smaller sampler peak and fewer CUDA graphs`, params: { from: seqs, to: smaller } });
  if (['vllm', 'sglang', 'mindie', 'trtllm'].includes(req.engine.id) && report.request.util < 0.95 && !(req.engine.id === 'trtllm' && (req.util ?? 0.9) >= 0.95))
  {
    const from = req.engine.id === 'trtllm' ? req.util ?? 0.9 : report.request.util;
    attempts.push({ code: 'fix.util', change: 'util:0.95', req: { ...req, util: 0.95 }, apply: (r) => ({ ...r, util: 0.95 }), what: `memory fraction ${from} → 0.95 (less headroom for spikes)`, params: { from, to: 0.95 } });
  }
  const bits = req.quant.bitsPerWeight;
  const llama = req.engine.id === 'llamacpp' || req.engine.id === 'ollama';
  const formats = llama ? (bits > 5 ? ['q4_k_m'] : []) : bits >= 16 ? ['fp8', 'int8', 'int4'] : bits >= 8 ? ['int4'] : [];
  let weightFixes = 0;
  for (const id of formats) {
    const q = cat.quants.get(id);
    if (!q || weightFixes >= (bits >= 16 ? 2 : 1)) continue;
    if (id === 'int8' && weightFixes > 0) continue; // int8 only where FP8 does not run (Ascend, pre-Ada without Marlin)
    if (!profile.supports(q, req.gpu).ok) continue;
    weightFixes++;
    attempts.push({ code: `fix.weights.${id}`, change: `quant:${id}`, req: { ...req, quant: q }, apply: (r) => ({ ...r, quant: q }), what: `weights in ${id.toUpperCase()}`, params: { quant: id.toUpperCase() } });
  }
  const cap = report.capacity.maxContextTokens;
  if (cap >= 1024 && cap < req.contextTokens) {
    const k = Math.floor(cap / 1024) * 1024;
    attempts.push({ code: 'fix.context', change: `context:${k / 1024}k`, req: { ...req, contextTokens: k }, apply: (r) => ({ ...r, contextTokens: k }), what: `context capped at ${k} tokens per user`, params: { context: k } });
  }
  if (req.model.moe && !profile.layouts.dpAttention && req.gpuCount >= 2) {
    const sg = engineProfile('sglang');
    if (sg.supports(req.quant, req.gpu).ok && sg.kvCache.dtypes.includes(req.kvDtype.id))
      attempts.push({ code: 'fix.dpAttention', change: 'engine:sglang', req: { ...req, engine: { id: 'sglang' } }, apply: (r) => ({ ...r, engine: { id: 'sglang' } }), what: 'SGLang with DP attention (each GPU keeps the KV of its own users)' });
  }
  const out: Fix[] = [];
  const helped: Array<{ a: Attempt; users: number }> = [];
  for (const a of attempts) {
    const r = run(a.req, a.maxNumSeqs);
    if (!r) continue;
    if (!r.fits && r.capacity.maxUsers <= report.capacity.maxUsers) continue;
    helped.push({ a, users: r.capacity.maxUsers });
    out.push({
      code: a.code,
      change: a.change,
      effect: `${a.what}: ${report.capacity.maxUsers} → ${r.capacity.maxUsers} users at ${a.req.contextTokens} tokens${r.fits ? ', fits' : ', still short'}`,
      fits: r.fits,
      maxUsers: r.capacity.maxUsers,
      params: { ...a.params, before: report.capacity.maxUsers, after: r.capacity.maxUsers, context: a.req.contextTokens },
    });
  }
  // A context cap is the last resort (it changes what users can do): pairs are tried unless another fix fits alone.
  if (!out.some((f) => f.fits && f.code !== 'fix.context')) {
    const pair = bestPair(req, report, helped.filter((h) => h.a.code !== 'fix.context'), run);
    if (pair) out.push(pair);
  }
  return out;
}

/** Two fixes of different kinds (never two weight formats): both changes applied to the request. */
function combinable(a: Attempt, b: Attempt): boolean {
  const kind = (x: Attempt) => (x.code.startsWith('fix.weights.') ? 'fix.weights' : x.code);
  if (kind(a) === kind(b)) return false;
  // --max-num-seqs is a vLLM setting; SGLang (the DP-attention fix) has its own.
  if ((a.code === 'fix.seqs' && b.code === 'fix.dpAttention') || (b.code === 'fix.seqs' && a.code === 'fix.dpAttention')) return false;
  return true;
}

const prefixed = (pre: string, p: Record<string, string | number> = {}) => Object.fromEntries(Object.entries(p).map(([k, v]) => [pre + k, v]));

/**
 * When no single fix fits: the pairs of the fixes that helped most (at most MAX_FIX_PAIRS, best singles first), each a
 * fresh estimate with both changes; the one that fits with the most users is offered.
 */
function bestPair(req: SizingRequest, report: SizingReport, helped: Array<{ a: Attempt; users: number }>, run: Run): Fix | undefined {
  const top = [...helped].sort((x, y) => y.users - x.users).slice(0, PAIR_FROM);
  let best: { a: Attempt; b: Attempt; r: SizingReport } | undefined;
  let tried = 0;
  for (let i = 0; i < top.length && tried < MAX_FIX_PAIRS; i++)
    for (let j = i + 1; j < top.length && tried < MAX_FIX_PAIRS; j++) {
      const a = top[i]!.a;
      const b = top[j]!.a;
      if (!combinable(a, b)) continue;
      tried++;
      const r = run(b.apply(a.apply(req)), a.maxNumSeqs ?? b.maxNumSeqs);
      if (r?.fits && (!best || r.capacity.maxUsers > best.r.capacity.maxUsers)) best = { a, b, r };
    }
  if (!best) return undefined;
  const { a, b, r } = best;
  const ctx = b.apply(a.apply(req)).contextTokens;
  return {
    code: 'fix.combo',
    change: `${a.change} ${b.change}`,
    effect: `${a.what}, and ${b.what}: ${report.capacity.maxUsers} → ${r.capacity.maxUsers} users at ${ctx} tokens, fits (no single change does)`,
    fits: true,
    maxUsers: r.capacity.maxUsers,
    // Both fixes' own params (a_…, b_…) so a renderer can phrase each in another language.
    params: { a: a.code, b: b.code, ...prefixed('a_', a.params), ...prefixed('b_', b.params), before: report.capacity.maxUsers, after: r.capacity.maxUsers, context: ctx },
  };
}
