// The engine's entry point: SizingRequest -> SizingReport. Pure: catalogs come in as data.
import type { EngineCatalog } from '../catalog/schema.ts';
import { hasVisionTower, parameterCounts } from './architecture.ts';
import { storedSummary } from './stored.ts';
import { storedFor } from './weights.ts';
import { computeCapacity, type CapacityResult } from './capacity.ts';
import type { Step } from './formulas.ts';
import { engineProfile, isLayerSplitEngine } from './engines/index.ts';
import { candidateLayouts, tpInvalid, tpInvalidReason } from './layout.ts';
import { evaluateLayout, type LayoutEval, type ProfileInput } from './profiles.ts';
import type { Alternative, Note, SizingReport } from './report.ts';
import { costOf } from './cost.ts';
import { cheapFixes, type FixCatalog } from './fixes.ts';
import { layerSpill } from './offload.ts';
import { estimatePerformance, speedModel, usersAtTarget, type Performance, type SpeedModel } from './throughput.ts';
import type { SizingRequest } from './types.ts';

const GiB = 2 ** 30;

/** A request the engine cannot answer as asked (invalid TP, impossible layout): shown to the user as is. */
export class EstimateError extends Error {
  readonly code: string;
  /** What would work instead ("tp:2"), shown as "did you mean". */
  readonly suggestions: string[];
  /** A sentence of advice when there is no drop-in alternative. */
  readonly hint?: string;
  /** The values behind the message, so renderers can phrase it in another language. */
  readonly params: Record<string, string | number>;
  constructor(code: string, message: string, hint?: string, suggestions: string[] = [], params: Record<string, string | number> = {}) {
    super(message);
    this.name = 'EstimateError';
    this.code = code;
    this.hint = hint;
    this.suggestions = suggestions;
    this.params = params;
  }
}

export interface EstimateOptions {
  explain?: boolean;
  /** Per-request maximum the server must accept when sizing at an average context (avgcontext). */
  maxModelLen?: number;
  /** Formats to try for the cheap fixes (report.fixes); without it no fixes are tried. */
  fixesFrom?: FixCatalog;
  overrides?: ProfileInput['overrides'];
}

interface Evaluated {
  ev: LayoutEval;
  cap: CapacityResult;
  perf: Performance;
  speed: SpeedModel;
}

/** Default per-user decode floor (tokens/s) and time-to-first-token ceiling (s) users are counted against. */
export const DEFAULT_TARGET_TPS = 20;
export const DEFAULT_TARGET_TTFT_S = 10;

const isLlamaCpp = (e: string) => e === 'llamacpp' || e === 'ollama';

/** The speed model of one evaluated layout: experts or spilled layers in host RAM read at host bandwidth. */
function layoutSpeed(req: SizingRequest, engines: EngineCatalog, opts: EstimateOptions, ev: LayoutEval, fits: boolean): SpeedModel {
  const spilled = isLlamaCpp(req.engine.id) && !fits ? layerSpill(ev, req.model).hostBytes : 0;
  return speedModel(ev, req.model, req.gpu, req.quant, {
    engine: req.engine.id,
    host: req.host,
    context: req.contextTokens,
    users: Math.ceil(req.users / ev.replicas),
    engines: engines,
    expertsOnHost: ev.weights.expertsOnHost,
    spilledBytes: spilled,
  });
}

function profileInput(req: SizingRequest, engines: EngineCatalog, opts: EstimateOptions, explain: boolean): ProfileInput {
  return {
    arch: req.model,
    gpu: req.gpu,
    quant: req.quant,
    kv: req.kvDtype,
    engine: req.engine.id,
    engineVersion: req.engine.version,
    engines,
    users: req.users,
    context: req.contextTokens,
    util: req.util,
    explain,
    ...(req.spec ? { spec: req.spec } : {}),
    ...(req.textOnly ? { textOnly: true } : {}),
    overrides: opts.overrides,
  };
}

function evaluateAll(req: SizingRequest, engines: EngineCatalog, opts: EstimateOptions): { evaluated: Evaluated[]; rejected: Alternative[] } {
  const inp = profileInput(req, engines, opts, false);
  const { valid, rejected } = candidateLayouts(req.model, req.gpuCount, req.engine.id, req.quant, { tp: req.tp, pp: req.pp });
  if (req.tp && !isLayerSplitEngine(req.engine.id)) {
    const why = tpInvalid(req.model, req.tp, req.quant);
    if (why) {
      const ok: number[] = [];
      for (let t = 1; t <= Math.min(req.gpuCount, 64); t++) if (req.gpuCount % t === 0 && !tpInvalidReason(req.model, t, req.quant)) ok.push(t);
      throw new EstimateError('layout.tp', `tp=${req.tp} does not work for ${req.model.name}: ${why.message}.`, ok.length ? undefined : 'no tensor-parallel size works on this GPU count', ok.map((t) => `tp:${t}`), {
        tp: req.tp,
        model: req.model.name,
        whyCode: why.code,
        ...why.params,
      });
    }
    if (req.gpuCount % (req.tp * (req.pp ?? 1)) !== 0)
      throw new EstimateError('layout.count', `tp=${req.tp}${req.pp ? ` × pp=${req.pp}` : ''} does not divide ${req.gpuCount} GPUs.`, `use a GPU count that is a multiple of ${req.tp * (req.pp ?? 1)}`, [], {
        split: `tp=${req.tp}${req.pp ? ` × pp=${req.pp}` : ''}`,
        gpus: req.gpuCount,
        multiple: req.tp * (req.pp ?? 1),
      });
  }
  if (req.pp && req.gpuCount % req.pp !== 0) throw new EstimateError('layout.count', `pp=${req.pp} does not divide ${req.gpuCount} GPUs.`, undefined, [], { split: `pp=${req.pp}`, gpus: req.gpuCount });
  if (valid.length === 0) {
    const r = rejected[0];
    throw new EstimateError('layout.none', `No valid layout of ${req.model.name} on ${req.gpuCount} GPUs${r ? `: ${r.reason}` : ''}.`, 'try another GPU count', [], {
      model: req.model.name,
      gpus: req.gpuCount,
      ...(r ? { whyCode: r.problem.code, ...r.problem.params } : {}),
    });
  }
  const evaluated = valid.map((c) => {
    const ev = evaluateLayout(inp, c.tp, c.pp, c.replicas, c.dp ?? 1);
    const cap = computeCapacity(ev, req.users, req.contextTokens, maxPositionFor(req));
    const speed = layoutSpeed(req, engines, opts, ev, cap.fits);
    const perf = estimatePerformance(speed, cap.usersPerReplica, ev.replicas);
    return { ev, cap, perf, speed };
  });
  return {
    evaluated,
    rejected: rejected.map((r) => ({
      tp: r.tp,
      pp: r.pp,
      replicas: r.replicas,
      ...(r.dp ? { dp: r.dp } : {}),
      fits: false,
      maxUsers: 0,
      reason: r.dp ? `DP attention: ${r.reason}` : r.reason,
      reasonCode: r.problem.code,
      reasonParams: { ...r.problem.params, ...(r.dp ? { dp: r.dp } : {}) },
    })),
  };
}

/** Best layout: among those that fit, the fastest total decode at the requested users; else the most users. */
function choose(evaluated: Evaluated[]): Evaluated {
  const fitting = evaluated.filter((e) => e.cap.fits);
  const pool = fitting.length ? fitting : evaluated;
  return [...pool].sort((a, b) => {
    if (fitting.length) {
      // fastest at the requested users; within 10 % of each other, the one with more room for users
      const d = b.perf.decodeTokensPerSecondTotal - a.perf.decodeTokensPerSecondTotal;
      if (Math.abs(d) > 0.1 * Math.max(a.perf.decodeTokensPerSecondTotal, b.perf.decodeTokensPerSecondTotal)) return d;
      if (b.cap.maxUsers !== a.cap.maxUsers) return b.cap.maxUsers - a.cap.maxUsers;
      return a.ev.tp - b.ev.tp;
    }
    const u = b.cap.maxUsers - a.cap.maxUsers;
    if (u !== 0) return u;
    return b.ev.stage.poolBytes - a.ev.stage.poolBytes;
  })[0];
}

export type LayoutReasonCode = 'requested' | 'only' | 'fastest' | 'closest';

/** Why a considered layout lost to the chosen one: the English sentence, a code and its values (renderers phrase it). */
function altReason(e: Evaluated, best: Evaluated): { reason: string; reasonCode: string; reasonParams: Record<string, string | number> } {
  const dp: Record<string, number> = e.ev.dp > 1 ? { dp: e.ev.dp } : {};
  const prefix = e.ev.dp > 1 ? `DP attention ×${e.ev.dp} + EP: ` : '';
  if (e.cap.fits) {
    const total = Math.round(e.perf.decodeTokensPerSecondTotal);
    const bestTotal = Math.round(best.perf.decodeTokensPerSecondTotal);
    return { reason: `${prefix}fits; ${total} tok/s total vs ${bestTotal}`, reasonCode: 'alt.fits', reasonParams: { total, best: bestTotal, ...dp } };
  }
  if (e.ev.stage.poolBytes <= 0) return { reason: `${prefix}weights and overheads do not fit`, reasonCode: 'alt.weights', reasonParams: { ...dp } };
  const users = clampInt(e.cap.maxUsers);
  return { reason: `${prefix}holds ${users} users at this context`, reasonCode: 'alt.holds', reasonParams: { users, ...dp } };
}

function layoutReasonCode(best: Evaluated, all: Evaluated[], userChose: boolean): LayoutReasonCode {
  if (userChose) return 'requested';
  if (all.length === 1) return 'only';
  return best.cap.fits ? 'fastest' : 'closest';
}

function layoutReason(code: LayoutReasonCode, best: Evaluated, all: Evaluated[], gpuCount: number): string {
  const { tp, pp, replicas, dp } = best.ev;
  const shape = `${replicas > 1 ? `${replicas} replicas × ` : ''}TP${tp}${pp > 1 ? ` × PP${pp}` : ''}${dp > 1 ? ` with DP attention (${dp} ranks) and expert parallel` : ''}`;
  switch (code) {
    case 'requested':
      return `${shape} as requested`;
    case 'only':
      return `${shape}: the only valid layout on ${gpuCount} GPU${gpuCount > 1 ? 's' : ''}`;
    case 'fastest':
      return `${shape}: fits, with the best decode speed for these users (or within 10 % of it and more room) of the ${all.length} layouts considered`;
    case 'closest':
      return `${shape}: none fits, this one comes closest (most users)`;
  }
}

function weightNote(req: SizingRequest, totalParams: number, weightBytes: number, notes: Note[]): void {
  const q = req.quant;
  const nominal = q.family === 'gguf' ? Math.floor(q.bitsPerWeight) : Math.round(q.bitsPerWeight) === 16 ? 16 : Math.floor(q.bitsPerWeight);
  const naive = (totalParams * nominal) / 8;
  const avgBits = (weightBytes * 8) / totalParams;
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  const reasons: string[] = [];
  if (nominal < 16 && !q.appliesTo.includes('embedding') && q.family !== 'gguf') reasons.push('embeddings and lm_head stay 16-bit');
  if (q.family === 'gguf') reasons.push(`${q.name} is a mix (attn_v, ffn_down and the output layer get more bits)`);
  else if (q.bitsPerWeight > nominal + 0.01) reasons.push(`scales${q.id === 'int4' || q.id === 'awq' || q.id === 'gptq' ? ' and zero points' : ''} add ${(q.bitsPerWeight - nominal).toFixed(3)} bits per weight`);
  if (q.id === 'mxfp4' && req.model.moe) reasons.push('only the experts are 4-bit');
  const stored = storedFor(req.model, q);
  if (stored) {
    // Stored bytes hold what the parameter count of the language model leaves out.
    const vision = stored.tensors.reduce((a, t) => a + (t.kind === 'vision' && !t.notLoaded ? t.bytes : 0), 0);
    if (vision > 0 && req.engine.id !== 'llamacpp' && req.engine.id !== 'ollama') reasons.push(`the checkpoint also holds a ${fmtBytes(vision)} vision tower`);
    if (q.family === 'float' && nominal === 16) reasons.length || reasons.push('the checkpoint stores some tensors in other dtypes');
  }
  const message =
    Math.abs(naive - weightBytes) / weightBytes > 0.03
      ? `Weights: ${gb(weightBytes)} = ${fmtBytes(weightBytes)} (${avgBits.toFixed(2)} bits/weight on average). The rule of thumb ${(totalParams / 1e9).toFixed(1)}B × ${nominal} bits / 8 = ${gb(naive)} is off${reasons.length ? ` because ${reasons.join(', and ')}` : ''}.`
      : `Weights: ${(totalParams / 1e9).toFixed(1)}B params × ${nominal} bits / 8 = ${gb(weightBytes)}, which is ${fmtBytes(weightBytes)} (GB and GiB differ by 7 %).`;
  // Reasons as codes, so another language can say them: emb16 (embeddings stay 16-bit), gguf (K-quant mix),
  // scales:<bits> (scales/zero points add bits), mxfp4 (only experts are 4-bit).
  const why: string[] = [];
  if (nominal < 16 && !q.appliesTo.includes('embedding') && q.family !== 'gguf') why.push('emb16');
  if (q.family === 'gguf') why.push('gguf');
  else if (q.bitsPerWeight > nominal + 0.01) why.push(`scales:${(q.bitsPerWeight - nominal).toFixed(3)}`);
  if (q.id === 'mxfp4' && req.model.moe) why.push('mxfp4');
  notes.push({
    code: 'myth.weights',
    params: {
      gb: gb(weightBytes),
      gib: fmtBytes(weightBytes),
      naive: gb(naive),
      bits: avgBits.toFixed(2),
      holds: Math.abs(naive - weightBytes) / weightBytes > 0.03 ? 'no' : 'yes',
      billions: (totalParams / 1e9).toFixed(1),
      nominal,
      why: why.join(','),
      quant: q.name,
    },
    message,
  });
}

function mythNotes(req: SizingRequest, kvPerToken: number, notes: Note[]): void {
  const a = req.model;
  const kvB = req.kvDtype.bytes;
  if (a.mla) {
    const naive = 2 * a.layers * a.heads * (a.mla.qkNopeHeadDim + a.mla.qkRopeHeadDim) * kvB;
    notes.push({
      code: 'myth.mla',
      params: { rank: a.mla.kvLoraRank, rope: a.mla.qkRopeHeadDim, bytes: kvB, layers: a.layers, perToken: fmtBytes(kvPerToken), naive: fmtBytes(naive) },
      message: `MLA caches one compressed latent per layer: (kv_lora_rank ${a.mla.kvLoraRank} + rope ${a.mla.qkRopeHeadDim}) × ${kvB} B × ${a.layers} layers = ${fmtBytes(kvPerToken)}/token, not ${fmtBytes(naive)}/token as full multi-head K/V would be.`,
    });
  } else if (a.kvHeads < a.heads) {
    const naiveHidden = 2 * a.layers * a.hidden * kvB;
    notes.push({
      code: 'myth.gqa',
      params: { kvHeads: a.kvHeads, headDim: a.headDim, heads: a.heads, perToken: fmtBytes(kvPerToken), naive: fmtBytes(naiveHidden), ratio: (naiveHidden / kvPerToken).toFixed(1) },
      message: `GQA: K/V are cached for ${a.kvHeads} KV heads × head_dim ${a.headDim}, not ${a.heads} heads: ${fmtBytes(kvPerToken)}/token. The common 2 × layers × hidden formula gives ${fmtBytes(naiveHidden)}/token (${(naiveHidden / kvPerToken).toFixed(1)}× too much).`,
    });
  }
  if (!a.mla && a.headDim * a.heads !== a.hidden) {
    notes.push({
      code: 'myth.headDim',
      params: { headDim: a.headDim, hidden: a.hidden, heads: a.heads },
      message: `head_dim is ${a.headDim} (from config.json), not hidden/heads = ${a.hidden}/${a.heads} = ${+(a.hidden / a.heads).toFixed(1)}; hidden_size is ${a.hidden}.`,
    });
  }
  if (a.moe) {
    notes.push({
      code: 'myth.moe',
      params: { experts: a.moe.experts, topK: a.moe.topK },
      message: `MoE: all ${a.moe.experts} experts must be in memory, so weights follow the total parameter count; only ${a.moe.topK} experts per token (the active count) are read per token, which sets the speed.`,
    });
  }
  const win = a.layerSpecs.filter((l) => l.attention === 'sliding' || l.attention === 'chunked');
  if (win.length) {
    const w = win[0].window ?? 0;
    notes.push({
      code: 'kv.window',
      params: { windowed: win.length, layers: a.layers, window: w, rest: a.layers - win.length },
      message: `${win.length} of ${a.layers} layers use ${win[0].attention === 'chunked' ? 'chunked local' : 'sliding-window'} attention (${w} tokens): they hold at most the window, so KV grows with context only in the other ${a.layers - win.length}.`,
    });
  }
  const lin = a.layerSpecs.filter((l) => l.attention === 'linear').length;
  const growing = a.layerSpecs.filter((l) => l.attention !== 'linear' && l.attention !== 'none' && !l.kvShared).length;
  const mixer = a.linear?.kind === 'mamba2' ? 'Mamba-2' : a.linear?.kind === 'kda' ? 'Kimi Delta Attention' : 'Gated DeltaNet';
  if (lin) notes.push({ code: 'kv.linear', params: { linear: lin, layers: a.layers, rest: growing, mixer }, message: `${lin} of ${a.layers} layers are ${mixer} (linear attention / state space) with a fixed-size state per sequence; only ${growing} keep a growing KV cache.` });
  if (a.indexer && a.mla)
    notes.push({
      code: 'kv.dsa',
      params: { heads: a.indexer.heads, dim: a.indexer.headDim },
      message: `DeepSeek Sparse Attention: besides the MLA latent, every layer caches the lightning indexer's key (${a.indexer.headDim} fp8 + one fp32 scale = ${a.indexer.headDim + (a.indexer.headDim / 128) * 4} B per token); with kv fp8 the latent uses the 656-byte fp8_ds_mla layout.`,
    });
  const cross = a.layerSpecs.filter((l) => l.crossAttention).length;
  if (cross)
    notes.push({
      code: 'kv.cross',
      params: { cross, layers: a.layers },
      message: `${cross} of ${a.layers} layers cross-attend to the image: their K/V come from the image tiles once per request (not per token) and are not in the per-token KV figures; a request with an image adds them on top.`,
    });
  const shared = a.layerSpecs.filter((l) => l.kvShared).length;
  if (shared) notes.push({ code: 'kv.shared', params: { shared, layers: a.layers }, message: `${shared} of ${a.layers} layers reuse an earlier layer's K/V (KV sharing) and cache nothing of their own.` });
  if (a.mtpParams > 0 && req.spec?.method !== 'mtp')
    notes.push({
      code: 'weights.mtp',
      params: { params: `${(a.mtpParams / 1e9).toFixed(2)}B` },
      message: `The checkpoint also ships multi-token-prediction layers (${(a.mtpParams / 1e9).toFixed(2)}B parameters): engines load them only with speculative decoding (vLLM --speculative-config method mtp), which adds their weights to every GPU that holds the last stage; they are not counted here.`,
    });
  if (a.ropeScaling) notes.push({ code: 'kv.rope', params: { type: a.ropeScaling }, message: `RoPE scaling (${a.ropeScaling}) changes positions, not the KV bytes per token: memory grows only with the context you actually use.` });
}

/** What textonly:true changed for this engine and model (the engine module says whether and how it can). */
function textOnlyNote(req: SizingRequest, engines: EngineCatalog): Note {
  const profile = engineProfile(req.engine.id);
  const engine = profile.label;
  if (!hasVisionTower(req.model))
    return { code: 'textonly.none', params: { model: req.model.name }, message: `textonly: ${req.model.name} has no vision or audio tower, so nothing changes.` };
  if (profile.gguf)
    return { code: 'textonly.gguf', params: { engine }, message: `textonly: ${engine} loads the vision projector only from a separate mmproj file (--mmproj); without it the model is text only, and the tower is not counted either way.` };
  const t = profile.textOnly?.(req.engine.version, engines);
  if (!t) return { code: 'textonly.unsupported', params: { engine }, message: `textonly: ${engine} has no switch to leave the vision tower out; it is loaded and counted.` };
  return t.dropsWeights
    ? { code: 'textonly.on', params: { engine, flag: t.flag, drops: 1 }, message: `Text only (${t.flag}): ${engine} neither loads the vision tower nor profiles the encoder at start-up; that memory goes to the KV cache, and requests with images are refused.` }
    : { code: 'textonly.on', params: { engine, flag: t.flag, drops: 0 }, message: `Text only (${t.flag}): ${engine} does not profile the encoder at start-up, but this release still loads the vision tower.` };
}

/**
 * llama.cpp / Ollama keep running when VRAM runs out by leaving layers (weights and their KV) in host RAM
 * (-ngl N; Ollama picks N itself). How many repeating layers fit on the GPUs, and what stays behind.
 */
function offloadNote(req: SizingRequest, ev: LayoutEval, notes: Note[]): void {
  const layers = req.model.layers;
  const { onGpu, hostBytes } = layerSpill(ev, req.model);
  if (onGpu >= layers) return;
  const engine = req.engine.id === 'ollama' ? 'Ollama' : 'llama.cpp (-ngl)';
  notes.push({
    code: 'fit.offload',
    params: { engine, onGpu, layers, host: fmtBytes(hostBytes) },
    message:
      onGpu > 0
        ? `${engine} can still run it by keeping ${onGpu} of ${layers} layers on the GPU and ${fmtBytes(hostBytes)} of layers and their KV in host RAM; every token then waits on CPU memory bandwidth, so expect several times slower decoding.`
        : `Not even one layer fits next to the fixed buffers: ${engine} would run everything from host RAM (CPU speed).`,
  });
}

/** Where the weights came from when the checkpoint's headers were read, and what engines load of them. */
function storedNote(req: SizingRequest, notes: Note[]): void {
  const st = req.model.stored;
  if (!st) return;
  const where = req.source?.repo ? `${req.source.repo}${req.source.revision ? ` @ ${req.source.revision.slice(0, 7)}` : ''}` : 'the checkpoint';
  if (st.quant !== req.quant.id) {
    notes.push({
      code: 'source.storedOther',
      params: { stored: st.quant, quant: req.quant.id, where },
      message: `${where} stores ${st.quant} weights; quant:${req.quant.id} is estimated from the architecture, not read from a checkpoint.`,
    });
    return;
  }
  const { loadedBytes, mtpBytes, visionBytes } = storedSummary(st);
  const gguf = req.engine.id === 'llamacpp' || req.engine.id === 'ollama';
  const parts: string[] = [];
  if (visionBytes > 0) parts.push(gguf ? `the vision tower (${fmtBytes(visionBytes)}) is not counted: llama.cpp loads it from a separate mmproj file` : `the vision tower (${fmtBytes(visionBytes)}) is loaded with the language model`);
  if (mtpBytes > 0) parts.push(`the MTP / next-token layers (${fmtBytes(mtpBytes)}) are not counted: engines load them only with speculative decoding`);
  notes.push({
    code: 'source.stored',
    params: { where, container: st.container, tensors: st.tensors.length, stored: fmtBytes(st.totalBytes), loaded: fmtBytes(loadedBytes) },
    message: `Weights are the bytes ${where} stores (${st.container} headers, ${st.tensors.length} tensor rows, ${fmtBytes(st.totalBytes)} in all), not a formula${parts.length ? `; ${parts.join('; ')}` : ''}.`,
  });
}

export function fmtBytes(b: number): string {
  if (b >= GiB) return `${(b / GiB).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${Math.round(b)} B`;
}

/**
 * avgcontext: engines hand out KV blocks as requests grow and queue or preempt when they run out, so users at an
 * average context fit where the same users at the maximum would not. Sized at the average; the launch command accepts
 * the maximum; the note states how many fit if everyone reaches it at once.
 */
function estimateAtAverage(req: SizingRequest, engines: EngineCatalog, opts: EstimateOptions): SizingReport {
  const avg = req.avgContextTokens!;
  const peak = estimate({ ...req, avgContextTokens: undefined }, engines, { overrides: opts.overrides });
  const r = estimate({ ...req, contextTokens: avg, avgContextTokens: undefined }, engines, { ...opts, maxModelLen: Math.max(req.contextTokens, opts.maxModelLen ?? 0) });
  r.request.avgContextTokens = avg;
  r.request.maxContextTokens = req.contextTokens;
  r.notes.unshift({
    code: 'context.average',
    params: { avg, max: req.contextTokens, users: r.capacity.maxUsers, peakUsers: peak.capacity.maxUsers },
    message: `Sized for users at an average of ${avg} tokens (requests up to ${req.contextTokens}): the engine hands out KV blocks as requests grow and queues or preempts the rest when they run out, so ${r.capacity.maxUsers} users fit on average. Peak risk: if every user reaches ${req.contextTokens} tokens at once, only ${peak.capacity.maxUsers} run together and the others wait.`,
  });
  return r;
}

/** Past max_position_embeddings: a YaRN override stretching the positions by the smallest whole factor that covers the context. */
function ropeOverride(req: SizingRequest): { factor: number; originalMax: number; type: 'yarn' } | undefined {
  if (req.contextTokens <= req.model.maxPosition) return undefined;
  return { factor: Math.ceil(req.contextTokens / req.model.maxPosition), originalMax: req.model.maxPosition, type: 'yarn' };
}

/** The longest context the served model accepts: its own, or the requested one under a rope override. */
function maxPositionFor(req: SizingRequest): number {
  return Math.max(req.model.maxPosition, req.contextTokens);
}

const clampInt = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.round(x)) : 0);

export function estimate(req: SizingRequest, engines: EngineCatalog, opts: EstimateOptions = {}): SizingReport {
  if (req.avgContextTokens && req.avgContextTokens < req.contextTokens) return estimateAtAverage(req, engines, opts);
  // The engine's format x hardware matrix: refuse what it cannot run, with what would work instead.
  const profile = engineProfile(req.engine.id);
  const support = profile.supports(req.quant, req.gpu);
  if (!support.ok)
    throw new EstimateError('engine.support', `${profile.label} cannot run ${req.quant.id} on ${req.gpu.name}: ${support.reason}.`, support.alternative ? `use ${support.alternative}` : undefined, support.alternative ? [support.alternative.split(' ')[0]] : [], {
      engine: profile.label,
      quant: req.quant.id,
      gpu: req.gpu.name,
    });
  const counts = parameterCounts(req.model);
  const { evaluated, rejected } = evaluateAll(req, engines, opts);
  const best = choose(evaluated);
  // Re-evaluate the chosen layout with explanations on (same code, steps recorded).
  const steps: Step[] = [];
  let ev = best.ev;
  let cap = best.cap;
  let perf = best.perf;
  if (opts.explain) {
    const inp = profileInput(req, engines, opts, true);
    ev = evaluateLayout(inp, best.ev.tp, best.ev.pp, best.ev.replicas, best.ev.dp);
    steps.push(...ev.steps);
    cap = computeCapacity(ev, req.users, req.contextTokens, maxPositionFor(req), steps);
    perf = estimatePerformance(layoutSpeed(req, engines, opts, ev, cap.fits), cap.usersPerReplica, ev.replicas, steps);
  }
  const targetTps = req.targetTps ?? DEFAULT_TARGET_TPS;
  const targetTtft = req.targetTtftSeconds ?? DEFAULT_TARGET_TTFT_S;
  const speedUsers = usersAtTarget(best.speed, ev.replicas, cap.maxUsers, targetTps, targetTtft);
  const st = ev.stage;
  const notes: Note[] = [];
  const d = req.defaulted;
  if (d.engine)
    notes.push({
      code: 'default.engine',
      params: { engine: req.engine.id === 'vllm' ? 'vLLM' : req.engine.id },
      message: `Engine not given: assuming ${req.engine.id === 'vllm' ? 'vLLM with its own defaults' : `${req.engine.id} (${req.gpu.unified ? 'vLLM needs CUDA; llama.cpp runs on Metal' : 'the quantization is a GGUF format'})`}.`,
    });
  if (d.quant) notes.push({ code: 'default.quant', params: { quant: req.quant.name }, message: `Quantization not given: using the checkpoint's native ${req.quant.name}.` });
  if (d.context) notes.push({ code: 'default.context', params: { context: req.contextTokens }, message: `Context not given: assuming ${req.contextTokens} tokens per user.` });
  if (d.users) notes.push({ code: 'default.users', params: {}, message: 'Users not given: assuming 1 concurrent user.' });
  if (d.kv) notes.push({ code: 'default.kv', params: { kv: req.kvDtype.id }, message: `KV cache dtype not given: ${req.kvDtype.id} (the engine's default).` });
  notes.push(...ev.notes);
  mythNotes(req, ev.kv.bytesPerTokenModel, notes);
  if (req.textOnly) notes.push(textOnlyNote(req, engines));
  weightNote(req, counts.total, ev.weights.totalBytes, notes);
  storedNote(req, notes);
  const rope = ropeOverride(req);
  if (rope)
    notes.push({
      code: 'context.rope',
      params: { context: req.contextTokens, model: req.model.name, max: req.model.maxPosition, factor: rope.factor },
      message: `${req.contextTokens} tokens is past ${req.model.name}'s max_position_embeddings ${req.model.maxPosition}: the launch command adds a YaRN rope override with factor ${rope.factor} (original ${rope.originalMax}). Memory is sized for it, but quality past the trained length is not guaranteed: models whose cards document YaRN (Qwen2.5/Qwen3: factor 4 to 128k) hold up well, others lose accuracy on long inputs — test on your own.`,
    });
  if (cap.usersLimitedBy === 'maxSeqs')
    notes.push({ code: 'capacity.maxSeqs', params: { maxSeqs: ev.maxSeqs ?? 0 }, message: `Memory would hold more, but the engine runs at most ${ev.maxSeqs} sequences at once per replica (max_num_seqs).` });
  if (support.ok && support.note) notes.push(support.note);
  if (req.quant.id === 'mxfp4' && !req.model.moe)
    notes.push({ code: 'quant.mxfp4', params: {}, message: 'MXFP4 quantizes MoE experts only; this dense model keeps 16-bit weights.' });
  if (req.engine.id === 'ollama')
    notes.push({
      code: 'engine.ollama.ctx',
      params: { context: req.contextTokens },
      message: `Set num_ctx to ${req.contextTokens}: since v0.15.5 Ollama picks its default context from total VRAM (4k below 23 GiB, 32k below 47 GiB, 256k above, capped at the model's maximum), which changes the KV it allocates.`,
    });
  if (req.engine.id === 'ollama' && req.users > 1)
    notes.push({ code: 'engine.ollama.parallel', params: { users: req.users, context: req.contextTokens }, message: `Ollama serves one request at a time per model unless OLLAMA_NUM_PARALLEL is raised: this assumes OLLAMA_NUM_PARALLEL=${req.users} and num_ctx ${req.contextTokens}.` });
  if (req.gpuCount >= 16 || (req.model.moe && req.gpuCount >= 8 && req.users >= 64))
    notes.push({
      code: 'layout.pd',
      params: { gpus: req.gpuCount, users: req.users },
      message: `At this scale, prefill/decode disaggregation is worth considering: separate prefill and decode GPU pools (SGLang --disaggregation-mode prefill|decode, vLLM with llm-d / NVIDIA Dynamo) keep long prefills from stalling decoding; this estimate sizes one pool that does both.`,
    });
  if (ev.replicas > 1)
    notes.push({ code: 'layout.replicas', params: { gpus: req.gpuCount, replicas: ev.replicas, tp: ev.tp }, message: `${req.gpuCount} GPUs run ${ev.replicas} independent copies of the model (TP${ev.tp} each) behind a load balancer; users are spread evenly.` });
  if (!cap.fits) {
    const short = Math.max(0, cap.kvRequiredBytes - Math.max(0, st.poolBytes));
    if (st.poolBytes <= 0)
      notes.push({ code: 'fit.weights', params: { fixed: fmtBytes(st.weightsBytes + st.activationBytes + st.overheadBytes), budget: fmtBytes(ev.budgetBytes) }, message: `The weights and fixed overheads alone (${fmtBytes(st.weightsBytes + st.activationBytes + st.overheadBytes)}) exceed the ${fmtBytes(ev.budgetBytes)} budget of each GPU.` });
    else
      notes.push({ code: 'fit.kv', params: { users: req.users, context: req.contextTokens, need: fmtBytes(cap.kvRequiredBytes), pool: fmtBytes(st.poolBytes), short: fmtBytes(short) }, message: `KV for ${req.users} users × ${req.contextTokens} tokens needs ${fmtBytes(cap.kvRequiredBytes)} per GPU; the pool has ${fmtBytes(st.poolBytes)} (${fmtBytes(short)} short).` });
    if (req.engine.id === 'llamacpp' || req.engine.id === 'ollama') offloadNote(req, ev, notes);
  }
  speedNotes(req, ev, best.speed, perf, notes);
  const memoryUsers = clampInt(cap.maxUsers);
  const binding: 'memory' | 'speed' = speedUsers < memoryUsers ? 'speed' : 'memory';
  notes.push({
    code: 'capacity.speed',
    params: { memoryUsers, speedUsers, tps: targetTps, ttft: targetTtft, gpus: `${req.gpuCount}×${req.gpu.name}`, binding },
    message:
      binding === 'speed'
        ? `Memory holds ${memoryUsers} users; at ${targetTps} tok/s each (first token within ${targetTtft} s), ${req.gpuCount}× ${req.gpu.name} serves ${speedUsers}: speed binds.`
        : `Memory holds ${memoryUsers} users, and all of them get at least ${targetTps} tok/s with a first token within ${targetTtft} s: memory binds.`,
  });

  const alternatives: Alternative[] = evaluated
    .filter((e) => e !== best)
    .map(
      (e): Alternative => ({
        tp: e.ev.tp,
        pp: e.ev.pp,
        replicas: e.ev.replicas,
        ...(e.ev.dp > 1 ? { dp: e.ev.dp } : {}),
        fits: e.cap.fits,
        maxUsers: clampInt(e.cap.maxUsers),
        ...altReason(e, best),
      }),
    )
    .concat(rejected);

  const reasonCode = layoutReasonCode(best, evaluated, req.tp !== undefined);

  const budget = ev.budgetBytes;
  const used = st.weightsBytes + st.activationBytes + st.overheadBytes + cap.kvRequiredBytes;
  const report: SizingReport = {
    request: {
      model: req.model.id,
      gpu: req.gpu.id,
      gpuCount: req.gpuCount,
      users: req.users,
      contextTokens: req.contextTokens,
      quant: req.quant.id,
      kvDtype: req.kvDtype.id,
      engine: req.engine.version ? `${req.engine.id}@${req.engine.version}` : req.engine.id,
      tp: ev.tp,
      pp: ev.pp,
      util: Math.min(1, ev.utilUsed),
    },
    model: { id: req.model.id, name: req.model.name, totalParams: clampInt(counts.total), activeParams: clampInt(counts.active) },
    gpu: { id: req.gpu.id, name: req.gpu.name, visibleBytes: clampInt(req.gpu.visibleBytes), bandwidthGBs: req.gpu.bandwidthGBs },
    layout: {
      tp: ev.tp,
      pp: ev.pp,
      replicas: ev.replicas,
      dp: ev.dp,
      reason: layoutReason(reasonCode, best, evaluated, req.gpuCount),
      reasonCode,
      considered: evaluated.length,
      alternatives,
    },
    perGpu: {
      capacityBytes: clampInt(req.gpu.visibleBytes),
      budgetBytes: clampInt(budget),
      weightsBytes: clampInt(st.weightsBytes),
      activationBytes: clampInt(st.activationBytes),
      overheadBytes: clampInt(st.overheadBytes),
      kvRequiredBytes: clampInt(cap.kvRequiredBytes),
      kvPoolBytes: clampInt(ev.kvAllocatedBytes ?? st.poolBytes),
      freeBytes: clampInt(budget - used),
      shortfallBytes: clampInt(used - budget),
    },
    weights: {
      totalBytes: clampInt(ev.weights.totalBytes),
      byKind: Object.fromEntries(Object.entries(ev.weights.byKind).map(([k, v]) => [k, clampInt(v ?? 0)])),
    },
    kv: {
      bytesPerToken: clampInt(ev.kv.bytesPerTokenModel),
      bytesPerTokenFullAttention: clampInt(ev.kv.bytesPerTokenFullModel),
      stateBytesPerSequence: clampInt(ev.kv.stateBytesModel),
      poolTokens: clampInt(ev.poolTokens),
      blockSize: ev.blockSize,
      windowedLayers: req.model.layerSpecs.filter((l) => l.attention === 'sliding' || l.attention === 'chunked').length,
      linearLayers: req.model.layerSpecs.filter((l) => l.attention === 'linear').length,
    },
    capacity: {
      maxUsers: clampInt(cap.maxUsers),
      maxContextTokens: clampInt(cap.maxContextTokens),
      maxUsersAtTarget: speedUsers,
      targetTokensPerSecond: targetTps,
      targetTimeToFirstTokenSeconds: targetTtft,
      bindingLimit: binding,
    },
    fits: cap.fits,
    performance: {
      decodeTokensPerSecondPerUser: round2(perf.decodeTokensPerSecondPerUser),
      decodeTokensPerSecondTotal: round2(perf.decodeTokensPerSecondTotal),
      prefillTokensPerSecond: round2(perf.prefillTokensPerSecond),
      timeToFirstTokenSeconds: round2(perf.timeToFirstTokenSeconds),
      boundBy: perf.boundBy,
      singleUserTokensPerSecond: round2(perf.singleUserTokensPerSecond),
      timeToFirstTokenAtLoadSeconds: round2(perf.timeToFirstTokenAtLoadSeconds),
      interTokenLatencySeconds: round4(perf.interTokenLatencySeconds),
      promptTokens: perf.promptTokens,
      outputTokens: perf.outputTokens,
      hostBytesPerStep: clampInt(perf.hostBytesPerStep),
    },
    ...(ev.spec && perf.withoutSpec
      ? {
          speculative: {
            method: ev.spec.method,
            draftTokens: ev.spec.tokens,
            acceptanceRate: Math.round(ev.spec.acceptance * 10000) / 10000,
            acceptanceLength: round2(ev.spec.acceptLength),
            acceptanceKind: ev.spec.acceptanceKind,
            acceptanceSource: ev.spec.acceptanceSource,
            ...(ev.spec.repo ? { draftRepo: ev.spec.repo } : {}),
            draftParams: clampInt(ev.spec.draftParams),
            draftWeightsBytesPerGpu: clampInt(ev.spec.draftBytesPerGpu),
            draftKvBytesPerTokenPerGpu: clampInt(ev.spec.kvBytesPerTokenPerRank),
            withoutTokensPerSecondPerUser: round2(perf.withoutSpec.perUser),
            withoutTokensPerSecondTotal: round2(perf.withoutSpec.total),
            withoutSingleUserTokensPerSecond: round2(perf.withoutSpec.singleUser),
          },
        }
      : {}),
    cost: costOf(req.gpu, req.gpuCount, perf.decodeTokensPerSecondTotal, opts.explain ? steps : undefined),
    source: req.source ?? { kind: 'catalog' },
    // A model read from the Hub is served from that repo.
    launch: profile.launch({ req: req.source?.repo && !req.model.hfRepo ? { ...req, model: { ...req.model, hfRepo: req.source.repo } } : req, ev, usersPerReplica: cap.usersPerReplica, maxModelLen: opts.maxModelLen ?? req.contextTokens, fits: cap.fits, rope }),
    notes,
  };
  if (opts.explain) report.explain = steps;
  // Not fitting, or tight on users: try what an engineer tries before buying.
  if (opts.fixesFrom && (!cap.fits || cap.maxUsers < Math.ceil(req.users * 1.25))) {
    const cat = opts.fixesFrom;
    const fixes = cheapFixes(req, report, cat, (r, maxNumSeqs) => {
      try {
        return estimate(r, engines, { overrides: maxNumSeqs ? { ...opts.overrides, maxNumSeqs } : opts.overrides });
      } catch (e) {
        if (e instanceof EstimateError) return undefined;
        throw e;
      }
    });
    if (fixes.length) report.fixes = fixes;
  }
  return report;
}

const round2 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.round(x * 100) / 100) : 0);
const round4 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.round(x * 10000) / 10000) : 0);

/** What the speed figures assume, in words: constants, the request shape, host RAM. */
function speedNotes(req: SizingRequest, ev: LayoutEval, m: SpeedModel, perf: Performance, notes: Note[]): void {
  const k = m.k;
  notes.push({
    code: 'perf.assumptions',
    params: { engine: k.label, mem: Math.round(k.memEfficiency * 100), compute: Math.round(k.computeEfficiency * 100), layerUs: +(k.layerSeconds * 1e6).toFixed(1), prompt: perf.promptTokens, output: perf.outputTokens },
    message:
      `Speed model (${k.label}${k.fittedOn.length ? `, fitted on ${k.fittedOn.length} measured cases` : `, constants ${k.source}`}): decode reads weights and KV at ${Math.round(k.memEfficiency * 100)} % of memory bandwidth plus ${+(k.layerSeconds * 1e6).toFixed(1)} µs per layer per step; GEMMs at ${Math.round(k.computeEfficiency * 100)} % of ${k.gemmPeak === 'fp16acc' ? 'the FP16-accumulate tensor peak' : 'the dense tensor peak'}. ` +
      `Under load each user chats without pause: every turn adds a ${perf.promptTokens}-token prompt and a ${perf.outputTokens}-token answer to a conversation the size of the context (earlier turns stay in the prefix cache); prompts are prefilled in chunks that share the decode steps.`,
  });
  if (perf.hostBytesPerStep > 0) {
    const host = req.host;
    notes.push({
      code: 'perf.host',
      params: { host: host?.name ?? 'default host', gbs: host?.bandwidthGBs ?? 0, gib: +(perf.hostBytesPerStep / GiB).toFixed(2), what: m.expertsOnHost ? 'experts' : 'layers', defaulted: req.defaulted.host ? 1 : 0, prefill: m.engine === 'ktransformers' ? 'cpu' : 'pcie' },
      message: `${m.expertsOnHost ? 'Routed experts' : 'Layers'} in host RAM: each decode step reads ${(perf.hostBytesPerStep / GiB).toFixed(2)} GiB at ${host ? `${host.bandwidthGBs} GB/s (${host.name}${req.defaulted.host ? ', the default; set host:' : ''})` : 'host bandwidth'}, which sets the speed; prefill ${m.engine === 'ktransformers' ? 'multiplies the experts on the CPU' : 'copies them to the GPU over PCIe for every 512-token batch'}.`,
    });
  }
  if (ev.spec && perf.withoutSpec) {
    const sp = ev.spec;
    const what = sp.method === 'mtp' ? 'the model’s own MTP layer' : `the EAGLE-3 draft ${sp.repo}`;
    const acc = sp.acceptanceKind === 'given' ? 'as given (accept:)' : sp.acceptanceKind === 'borrowed' ? 'borrowed from DeepSeek-V3 (no figure published for this model; set accept:)' : 'published';
    notes.push({
      code: 'perf.spec',
      params: {
        method: sp.method,
        draft: sp.repo ?? 'mtp',
        k: sp.tokens,
        accept: Math.round(sp.acceptance * 100),
        length: sp.acceptLength.toFixed(2),
        kind: sp.acceptanceKind,
        perUser: perf.decodeTokensPerSecondPerUser.toFixed(1),
        perUserWithout: perf.withoutSpec.perUser.toFixed(1),
        single: perf.singleUserTokensPerSecond.toFixed(0),
        singleWithout: perf.withoutSpec.singleUser.toFixed(0),
        weights: fmtBytes(sp.draftBytesPerGpu),
        kvPerToken: fmtBytes(sp.kvBytesPerTokenPerRank),
      },
      message:
        `Speculative decoding with ${what}: ${sp.tokens} drafted token${sp.tokens > 1 ? 's' : ''} per step, each accepted ${Math.round(sp.acceptance * 100)} % of the time (${acc}), so a verify step yields ${sp.acceptLength.toFixed(2)} tokens on average; ` +
        `the verify step runs ${sp.tokens + 1} tokens per user and the draft ${sp.tokens} pass${sp.tokens > 1 ? 'es' : ''}, so the gain shrinks as the batch grows. ` +
        `${perf.decodeTokensPerSecondPerUser.toFixed(1)} tok/s per user with it, ${perf.withoutSpec.perUser.toFixed(1)} without (one user alone: ${perf.singleUserTokensPerSecond.toFixed(0)} vs ${perf.withoutSpec.singleUser.toFixed(0)}). ` +
        `It costs ${fmtBytes(sp.draftBytesPerGpu)} of weights per GPU and ${fmtBytes(sp.kvBytesPerTokenPerRank)} of KV per cached token.`,
    });
  }
  if (ev.pp > 1 && (req.engine.id === 'llamacpp' || req.engine.id === 'ollama'))
    notes.push({ code: 'perf.layerSplit', params: { pp: ev.pp }, message: `Layers split across ${ev.pp} GPUs run one after another: one prompt or one token gets no parallel speed-up, only more memory.` });
}

