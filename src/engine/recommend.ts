// What to buy: hardware × count × engine (× format the hardware runs) that serves a request with headroom and at
// a usable speed, ranked by cost, then cards, then speed, grouped into tiers with a reason and what each cannot do.
// Pure: the GPU list (with prices) and the engine catalog are passed in.
//
// Bounded: candidates are ordered by what is known before sizing them (ecosystem, price × count, count), pruned
// by a weights-only lower bound, and sized lazily (memoized) until every tier holds its few options.
import type { EngineCatalog } from '../catalog/schema.ts';
import { estimate, EstimateError } from './estimate.ts';
import { isGguf } from './gguf.ts';
import { isSm80Plus } from './engines/common.ts';
import { engineProfile } from './engines/index.ts';
import { GPUS_PER_NODE } from './layout.ts';
import type { Note, SizingReport } from './report.ts';
import type { EngineId, EngineSpec, Gpu, QuantFormat, SizingRequest } from './types.ts';
import { computeWeights } from './weights.ts';
import { parameterCounts } from './architecture.ts';
import { kvSpec, requestCost, windowPlain } from './kv.ts';

/** Per-user decode speed an option must reach (tok/s, a little faster than people read) unless a target is given. */
export const MIN_TOKS_PER_USER = 20;

/** Headroom an option must have: room for this many times the users asked (a burst then queues nothing). */
export const HEADROOM_USERS = 1.1;

/** Slack on the decode-speed upper bound used only to skip hopeless configurations cheaply. */
const SPEED_BOUND_MARGIN = 1.5;

/** GPU counts tried: one node holds up to GPUS_PER_NODE; 16 and 32 are two and four nodes. */
export const COUNTS = [1, 2, 4, 8, 16, 32];

/** Sold only as whole NVL72 racks (GB200, GB300; the catalog names them so): /size sizes them, /recommend does not offer a few cards. */
export function rackOnly(gpu: Gpu): boolean {
  return /\bNVL72\b/.test(gpu.name);
}

/** A purchase is compared with cloud rent over the same service life (cost.ts AMORTIZATION_YEARS). */
const RENT_HOURS_FOR_RANKING = 3 * 8760;

export type TierId = 'have' | 'consumer' | 'workstation' | 'datacenter' | 'multi-gpu' | 'multi-node' | 'ascend' | 'apple';

export const TIER_ORDER: TierId[] = ['have', 'consumer', 'workstation', 'datacenter', 'multi-gpu', 'multi-node', 'ascend', 'apple'];

export const TIER_LABEL: Record<TierId, string> = {
  have: 'More of what you have',
  consumer: 'One card up to 32 GB (consumer, L4 / A10 class)',
  workstation: 'One 40–96 GB card (workstation, L40S / A100 40GB class)',
  datacenter: 'One 80 GB+ datacenter card',
  'multi-gpu': 'Several GPUs in one node',
  'multi-node': 'Several nodes',
  ascend: 'Huawei Ascend',
  apple: 'Apple unified memory',
};

export interface RecommendOptions {
  /** Per-user decode floor, tok/s (default MIN_TOKS_PER_USER). */
  minTokensPerUser?: number;
  /** Hardware the user named: adds "more of what you have" (its layouts at that count, or the count that fits). */
  have?: { gpu: Gpu; count: number };
  /** Most GPUs in one option. */
  maxGpus?: number;
  /** List every layout that fits at the count of "have" (TP and replica options), not only the best. Default true. */
  haveLayouts?: boolean;
  /** Options kept per tier (default 4). */
  perTier?: number;
}

export interface RecommendOption {
  gpu: Gpu;
  count: number;
  tier: TierId;
  engine: EngineSpec;
  quant: QuantFormat;
  report: SizingReport;
  /** Ranking cost, USD: purchase, or cloud rent over the same service life; undefined when no price is known. */
  rankUsd?: number;
  /** One line: layout, users, speed, context (`reason.message` in English; params for other languages). */
  reason: Note;
  /** What it cannot do (stable codes: rec.pcie, rec.nodes, rec.ascend, rec.apple, rec.rocm, rec.ctx, rec.slow, rec.format, or the engine's hw.* note). */
  cannot: Note[];
  /** Below the speed floor (only options on the hardware the user has are kept then). */
  slow: boolean;
}

export interface RecommendResult {
  /** Best first ("more of what you have" first when given). */
  options: RecommendOption[];
  tiers: Array<{ id: TierId; label: string; options: RecommendOption[] }>;
  minTokensPerUser: number;
  /** Configurations sized (for the bench). */
  evaluated: number;
}

type Base = Omit<SizingRequest, 'gpu' | 'gpuCount' | 'tp' | 'pp'>;

// ---- what runs where (each engine module's own format x hardware matrix)

/** Engines to try on this hardware: the one asked for, else the default serving engine there (llama.cpp on Apple and for GGUF). */
function enginesFor(base: Base, gpu: Gpu): EngineSpec[] {
  if (!base.defaulted.engine) return [base.engine];
  if (gpu.unified || base.quant.family === 'gguf') return [{ id: 'llamacpp' }];
  return [base.engine];
}

/**
 * The format this engine runs on this hardware for the requested one, and its caveat: the format itself, or the
 * alternative the engine module names (FP8 -> W8A8 on Ascend, AWQ -> Q4_K_M on llama.cpp); null when neither runs.
 */
export function formatOn(gpu: Gpu, engine: EngineId, quant: QuantFormat, quants?: Map<string, QuantFormat>): { quant: QuantFormat; cannot: Note[] } | null {
  const profile = engineProfile(engine);
  const sup = profile.supports(quant, gpu);
  const trim = (n: Note): Note => ({ ...n, message: n.message.replace(/\.$/, '') });
  if (sup.ok) return { quant, cannot: sup.note ? [trim(sup.note)] : [] };
  const altId = /^quant:([a-z0-9_]+)/.exec(sup.alternative ?? '')?.[1];
  const alt = altId ? quants?.get(altId) : undefined;
  if (!alt) return null;
  const again = profile.supports(alt, gpu);
  // Only a format at least as precise: FP8 -> W8A8 or AWQ -> Q4_K_M, never FP8 -> 4-bit.
  if (!again.ok || alt.bitsPerWeight < quant.bitsPerWeight - 0.5) return null;
  const params = { from: quant.name, engine: profile.label, to: alt.name };
  return { quant: alt, cannot: [{ code: 'rec.format', params, message: `${quant.name} does not run here with ${profile.label}: sized as ${alt.name}` }, ...(again.note ? [trim(again.note)] : [])] };
}

export function tierOf(gpu: Gpu, count: number): TierId {
  if (gpu.vendor === 'huawei') return 'ascend';
  if (gpu.unified) return 'apple';
  if (count > GPUS_PER_NODE) return 'multi-node';
  if (count > 1) return 'multi-gpu';
  if (gpu.marketingGB <= 32) return 'consumer';
  if (gpu.category === 'datacenter' && gpu.marketingGB >= 80) return 'datacenter';
  return 'workstation';
}

/** Ecosystem order: CUDA / ROCm first; Ascend and Apple run fewer engines, so they follow at any price. */
function ecosystem(gpu: Gpu): number {
  return gpu.vendor === 'huawei' ? 1 : gpu.unified ? 2 : 0;
}

/** Same card under another name (A100 SXM vs A800 at equal specs): vendor, arch, memory, bandwidth, compute, link. */
export function sameCard(a: Gpu, b: Gpu): boolean {
  const near = (x: number, y: number, tol: number) => Math.abs(x - y) <= tol * Math.max(x, y);
  return (
    a.vendor === b.vendor &&
    a.arch === b.arch &&
    a.interconnect === b.interconnect &&
    near(a.visibleBytes, b.visibleBytes, 0.03) &&
    near(a.bandwidthGBs, b.bandwidthGBs, 0.05) &&
    near(a.tflopsBf16, b.tflopsBf16, 0.05)
  );
}

function rankUsd(gpu: Gpu, count: number): number | undefined {
  const p = gpu.price;
  if (p?.purchase?.usd !== undefined) return p.purchase.usd * count;
  if (p?.cloud) return p.cloud.perHourUsd * RENT_HOURS_FOR_RANKING * count;
  return undefined;
}

function countsFor(gpu: Gpu, maxGpus: number): number[] {
  return (gpu.unified ? [1] : COUNTS).filter((c) => c <= maxGpus);
}

const k = (n: number) => (n >= 1024 ? `${Math.round(n / 1024)}k` : String(n));

function cannotFor(gpu: Gpu, count: number, report: SizingReport, engine: EngineSpec, base: Base, floor: number): Note[] {
  const out: Note[] = [];
  const tp = report.layout.tp;
  if (gpu.interconnect === 'pcie' && tp > 1) out.push({ code: 'rec.pcie', params: { tp }, message: `PCIe only: the TP${tp} all-reduce runs over PCIe` });
  const nodes = Math.ceil(count / GPUS_PER_NODE);
  if (count > GPUS_PER_NODE) out.push({ code: 'rec.nodes', params: { nodes }, message: `${nodes} nodes: needs InfiniBand / RoCE between them` });
  if (gpu.vendor === 'huawei') out.push({ code: 'rec.ascend', params: {}, message: 'CUDA-only engines and kernels unavailable: serve with vllm-ascend or MindIE' });
  else if (gpu.unified) {
    const eng = engine.id === 'ollama' ? 'Ollama' : 'llama.cpp';
    out.push({ code: 'rec.apple', params: { engine: eng }, message: `no CUDA: vLLM / SGLang unavailable; ${eng} on Metal, one machine` });
  } else if (gpu.vendor === 'amd') out.push({ code: 'rec.rocm', params: {}, message: 'ROCm: CUDA-only kernels (Marlin, FlashInfer) unavailable' });
  const maxCtx = report.capacity.maxContextTokens;
  if (maxCtx < 0.95 * base.model.maxPosition && maxCtx < 1.5 * base.contextTokens) {
    const params = { context: k(maxCtx), users: base.users, max: k(base.model.maxPosition) };
    out.push({ code: 'rec.ctx', params, message: `at most ${params.context} tokens each for ${base.users} users (model allows ${params.max})` });
  }
  const tps = report.performance.decodeTokensPerSecondPerUser;
  if (tps < floor) out.push({ code: 'rec.slow', params: { floor, tps: tps.toFixed(1) }, message: `under ${floor} tok/s per user (~${tps.toFixed(1)})` });
  const ttft = report.performance.timeToFirstTokenAtLoadSeconds;
  if (!base.defaulted.ttft && base.targetTtftSeconds !== undefined && ttft > base.targetTtftSeconds)
    out.push({ code: 'rec.ttft', params: { ceiling: base.targetTtftSeconds, ttft: ttft.toFixed(1) }, message: `first token after ${ttft.toFixed(1)} s under load (target ${base.targetTtftSeconds} s)` });
  return out;
}

function reasonFor(o: { report: SizingReport; count: number }, base: Base): Note {
  const r = o.report;
  const l = r.layout;
  const shape = `${l.replicas > 1 ? `${l.replicas} × ` : ''}TP${l.tp}${l.pp > 1 ? ` × PP${l.pp}` : ''}${l.dp > 1 ? ` + DP attention ×${l.dp} / EP` : ''}`;
  const room = r.capacity.maxUsers >= 2 * base.users;
  const params = { shape, maxUsers: r.capacity.maxUsers, room: room ? 1 : 0, context: k(base.contextTokens), tps: r.performance.decodeTokensPerSecondPerUser.toFixed(0), maxContext: k(r.capacity.maxContextTokens), users: base.users };
  const spare = room ? `room for ${params.maxUsers} users` : `${params.maxUsers} users fit`;
  return { code: 'rec.reason', params, message: `${shape}: ${spare} at ${params.context}, ~${params.tps} tok/s each, ${params.maxContext} context for ${base.users}` };
}

interface Sized {
  report?: SizingReport;
  ok: boolean;
}

/** The catalog data recommend searches: accelerators (with prices), engine rules, formats (for substitutes). */
export interface RecommendCatalog {
  gpus: Gpu[];
  engines: EngineCatalog;
  quants?: Map<string, QuantFormat>;
}

export function recommend(base: Base, cat: RecommendCatalog, opts: RecommendOptions = {}): RecommendResult {
  const { gpus, engines, quants } = cat;
  // The speed target: the request's tps: / ttft: when given, else the default floor (and no first-token ceiling).
  const floor = opts.minTokensPerUser ?? base.targetTps ?? MIN_TOKS_PER_USER;
  const ttftCeiling = base.defaulted.ttft ? undefined : base.targetTtftSeconds;
  const tooSlow = (r: SizingReport) => r.performance.decodeTokensPerSecondPerUser < floor || (ttftCeiling !== undefined && r.performance.timeToFirstTokenAtLoadSeconds > ttftCeiling);
  const perTier = opts.perTier ?? 4;
  const maxGpus = opts.maxGpus ?? COUNTS[COUNTS.length - 1];
  let evaluated = 0;

  // Cheap bounds, so that most configurations are never sized: memory can hold no less than one copy of the
  // weights plus every user's KV (no paging slack, no replication), and decode can be no faster than reading the
  // active weights and every user's KV once per step at the engine's bandwidth fraction of the combined
  // bandwidth (SPEED_BOUND_MARGIN of slack).
  const counts = parameterCounts(base.model);
  const activeShare = counts.active / Math.max(1, counts.total);
  const allLayers = new Set(base.model.layerSpecs.map((l) => l.index));
  const kvBound = base.users * requestCost(kvSpec(base.model, base.kvDtype.bytes, 1, false), allLayers, base.contextTokens, { blockSize: 1, windowRule: windowPlain }).bytes;
  const weightsBound = new Map<string, number>();
  const minWeights = (q: QuantFormat) => {
    let w = weightsBound.get(q.id);
    if (w === undefined) {
      w = computeWeights(base.model, q, { tp: 1, pp: 1, vocabPad: 1, ropeCacheBytes: 0, dtypeBits: 16, embeddingOnHost: true, gguf: isGguf(q.id) }, false).perGpuBytes;
      weightsBound.set(q.id, w);
    }
    return w;
  };
  const mayWork = (gpu: Gpu, count: number, q: QuantFormat, engine: EngineSpec): boolean => {
    const w = minWeights(q);
    if (w / count > gpu.visibleBytes || (w + kvBound) / count > gpu.visibleBytes) return false;
    // every decode step reads the active weights once and each user's whole KV (the speed model's assumption)
    const fastest = (count * gpu.bandwidthGBs * 1e9 * engineProfile(engine.id).speed.memEfficiency) / (w * activeShare + kvBound);
    return fastest * SPEED_BOUND_MARGIN >= floor || opts.have?.gpu === gpu;
  };

  const memo = new Map<string, Sized>();
  const size = (gpu: Gpu, count: number, engine: EngineSpec, quant: QuantFormat, layout?: { tp: number; pp: number }): Sized => {
    const key = `${gpu.id}|${count}|${engine.id}|${quant.id}|${layout ? `${layout.tp}x${layout.pp}` : ''}`;
    let s = memo.get(key);
    if (s) return s;
    s = { ok: false };
    if (layout || mayWork(gpu, count, quant, engine)) {
      try {
        evaluated++;
        const report = estimate({ ...base, engine, quant, gpu, gpuCount: count, tp: layout?.tp, pp: layout?.pp }, engines);
        s = { report, ok: report.fits && report.capacity.maxUsers >= Math.ceil(base.users * HEADROOM_USERS) && !tooSlow(report) };
      } catch (e) {
        if (!(e instanceof EstimateError)) throw e;
      }
    }
    memo.set(key, s);
    return s;
  };

  const make = (gpu: Gpu, count: number, engine: EngineSpec, quant: QuantFormat, fmtCannot: Note[], report: SizingReport, tier: TierId): RecommendOption => ({
    gpu,
    count,
    tier,
    engine,
    quant,
    report,
    rankUsd: rankUsd(gpu, count),
    reason: reasonFor({ report, count }, base),
    cannot: [...fmtCannot, ...cannotFor(gpu, count, report, engine, base, floor)],
    slow: tooSlow(report),
  });

  // ---- candidates, ordered by what is known before sizing
  interface Cand {
    gpu: Gpu;
    count: number;
    engine: EngineSpec;
    quant: QuantFormat;
    fmtCannot: Note[];
    tier: TierId;
    eco: number;
    usd: number;
  }
  const cands: Cand[] = [];
  for (const gpu of gpus) {
    if (rackOnly(gpu)) continue;
    for (const engine of enginesFor(base, gpu)) {
      const fmt = formatOn(gpu, engine.id, base.quant, quants);
      if (!fmt) continue;
      for (const count of countsFor(gpu, maxGpus)) {
        if (!mayWork(gpu, count, fmt.quant, engine)) continue;
        cands.push({ gpu, count, engine, quant: fmt.quant, fmtCannot: fmt.cannot, tier: tierOf(gpu, count), eco: ecosystem(gpu), usd: rankUsd(gpu, count) ?? Infinity });
      }
    }
  }
  // Priced options by price; unpriced after them by memory bought (which mostly sets a GPU's price), then cards,
  // then bandwidth (which mostly sets decode speed). One node before several.
  const bought = (c: { gpu: Gpu; count: number }) => c.gpu.visibleBytes * c.count;
  cands.sort((a, b) => a.eco - b.eco || a.usd - b.usd || bought(a) - bought(b) || a.count - b.count || b.gpu.bandwidthGBs - a.gpu.bandwidthGBs);

  // Per tier: priced options by price; unpriced ones fill the places the priced ones leave.
  const byTier = new Map<TierId, RecommendOption[]>();
  const consider = (c: Cand) => {
    const list = byTier.get(c.tier) ?? [];
    const priced = c.usd !== Infinity;
    const nPriced = list.filter((o) => o.rankUsd !== undefined).length;
    // Priced candidates come first in a tier (same ecosystem), so nPriced is final when unpriced ones arrive.
    if (priced ? nPriced >= perTier : list.length - nPriced >= perTier - nPriced) return;
    if (list.some((o) => o.count === c.count && sameCard(o.gpu, c.gpu))) return;
    // The fewest cards of this GPU that do the job: a smaller count that works makes this one redundant.
    if (countsFor(c.gpu, maxGpus).some((n) => n < c.count && size(c.gpu, n, c.engine, c.quant).ok)) return;
    const s = size(c.gpu, c.count, c.engine, c.quant);
    if (!s.ok || !s.report) return;
    list.push(make(c.gpu, c.count, c.engine, c.quant, c.fmtCannot, s.report, c.tier));
    byTier.set(c.tier, list);
  };
  for (const c of cands) if (c.count <= GPUS_PER_NODE) consider(c);
  // Several nodes only when no single node of the same ecosystem (CUDA / ROCm, Ascend) serves the request.
  const oneNode = new Set([...byTier.values()].flat().map((o) => ecosystem(o.gpu)));
  for (const c of cands) if (c.count > GPUS_PER_NODE && !oneNode.has(c.eco)) consider(c);

  const rank = (a: RecommendOption, b: RecommendOption) =>
    ecosystem(a.gpu) - ecosystem(b.gpu) ||
    (a.rankUsd ?? Infinity) - (b.rankUsd ?? Infinity) ||
    bought(a) - bought(b) ||
    a.count - b.count ||
    b.report.performance.decodeTokensPerSecondPerUser - a.report.performance.decodeTokensPerSecondPerUser;
  for (const [t, list] of byTier) {
    const priced = list.filter((o) => o.rankUsd !== undefined).sort(rank);
    const unpriced = list.filter((o) => o.rankUsd === undefined).sort(rank);
    const keepUnpriced = Math.min(unpriced.length, Math.max(0, perTier - priced.length));
    byTier.set(t, [...priced.slice(0, perTier - keepUnpriced), ...unpriced.slice(0, keepUnpriced)]);
  }

  // ---- more of what you have: its layouts at the count named, or the fewest of it that fit
  const have: RecommendOption[] = [];
  if (opts.have && !rackOnly(opts.have.gpu)) {
    const g = opts.have.gpu;
    for (const engine of enginesFor(base, g)) {
      const fmt = formatOn(g, engine.id, base.quant, quants);
      if (!fmt) continue;
      const counts = [...new Set([opts.have.count, ...countsFor(g, maxGpus).filter((n) => n > opts.have!.count)])];
      for (const count of counts) {
        const s = size(g, count, engine, fmt.quant);
        if (!s.report?.fits) continue;
        const layouts = [s.report.layout, ...(opts.haveLayouts === false ? [] : s.report.layout.alternatives.filter((a) => a.fits))];
        for (const l of layouts) {
          const r = l === s.report.layout ? s.report : size(g, count, engine, fmt.quant, { tp: l.tp, pp: l.pp }).report;
          if (r?.fits) have.push(make(g, count, engine, fmt.quant, fmt.cannot, r, 'have'));
        }
        break;
      }
    }
    have.sort((a, b) => Number(a.slow) - Number(b.slow) || b.report.performance.decodeTokensPerSecondTotal - a.report.performance.decodeTokensPerSecondTotal);
    have.splice(perTier + 1);
    if (have.length) byTier.set('have', have);
  }

  const ranked = [...byTier.entries()].filter(([t]) => t !== 'have').flatMap(([, l]) => l).sort(rank);
  const options = [...have, ...ranked];
  const tiers = [...byTier.entries()]
    .map(([id, list]) => ({ id, label: TIER_LABEL[id], options: list }))
    .sort((a, b) => (a.id === 'have' ? -1 : b.id === 'have' ? 1 : options.indexOf(a.options[0]) - options.indexOf(b.options[0])));
  return { options, tiers, minTokensPerUser: floor, evaluated };
}

/** The next larger GPU of the same vendor and kind (by visible memory, then bandwidth), for the "next GPU up" what-if. */
export function nextGpuUp(current: Gpu, gpus: Gpu[]): Gpu | undefined {
  // The next card of the same kind: a team on data-centre cards (A10, L4) is pointed at the next data-centre card
  // (A100, L40S), not a GeForce; workstation cards may move to data-centre ones; consumer cards to any.
  const kinds: Record<string, string[]> = { datacenter: ['datacenter'], server: ['datacenter'], workstation: ['workstation', 'datacenter'] };
  const allowed = kinds[current.category];
  const candidates = gpus
    .filter((g) => g.vendor === current.vendor && g.unified === current.unified && (!allowed || allowed.includes(g.category)))
    // never a generation back (an A10 team is not sent to a V100 32GB)
    .filter((g) => !isSm80Plus(current) || isSm80Plus(g))
    // more memory: the button is offered when the question does not fit (a faster card of about the same size would not help)
    .filter((g) => g.visibleBytes > current.visibleBytes * 1.15);
  candidates.sort((a, b) => a.visibleBytes - b.visibleBytes || a.bandwidthGBs - b.bandwidthGBs);
  return candidates[0];
}
