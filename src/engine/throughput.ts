// Speed: decode steps, prefill, and serving under load with continuous batching.
// A decode step reads the weights each GPU holds (a MoE layer only the experts the step's tokens route to) and
// the KV cache of every sequence in the batch, at the fraction of peak bandwidth the engine reaches; it is
// compute-bound instead when the step's tokens (decodes plus the prefill chunks sharing the step) need more
// FLOPs than that. On top come a fixed cost per layer (launches, syncs), two all-reduces per layer under TP, and
// weights kept in host RAM, read by the CPU at host bandwidth. Prefill of one prompt is compute-bound; a layer
// split gives one prompt no parallelism. The engine's constants live in speed.ts, fitted on measured cases.
import type { EngineCatalog } from '../catalog/schema.ts';
import { parameterCounts } from './architecture.ts';
import { F, type Step } from './formulas.ts';
import type { LayoutEval } from './profiles.ts';
import { ALLREDUCE_LATENCY_S, backendFor, batchLimits, HOST_SPEED, speedConstants, type Backend, type SpeedConstants, type SpeedEngine } from './speed.ts';
import type { Architecture, Gpu, Host, QuantFormat } from './types.ts';

export interface Performance {
  /** Decode tokens/s each user sees at the requested users (continuous batching, prefills sharing the steps). */
  decodeTokensPerSecondPerUser: number;
  /** Output tokens/s of all users together. */
  decodeTokensPerSecondTotal: number;
  /** Prompt tokens/s for one prompt alone. */
  prefillTokensPerSecond: number;
  /** First token for one user whose prompt is the whole context. */
  timeToFirstTokenSeconds: number;
  boundBy: 'memory' | 'compute' | 'interconnect' | 'host';
  /** Decode tokens/s of a single user alone on the replica. */
  singleUserTokensPerSecond: number;
  /** First token for a new prompt while the requested users are being served. */
  timeToFirstTokenAtLoadSeconds: number;
  /** Seconds between two tokens of one user at the requested load. */
  interTokenLatencySeconds: number;
  /** Request shape the load figures assume. */
  promptTokens: number;
  outputTokens: number;
  /** Bytes the CPU reads from host RAM per decode step (offloaded experts or layers); 0 when all is on the GPU. */
  hostBytesPerStep: number;
  /** Speculative decoding: the same figures without it (same memory plan), for the with / without comparison. */
  withoutSpec?: { perUser: number; total: number; singleUser: number; interTokenLatencySeconds: number };
}

/** Everything the speed model needs about one layout; built once per layout. */
export interface SpeedModel {
  ev: LayoutEval;
  arch: Architecture;
  gpu: Gpu;
  quant: QuantFormat;
  engine: SpeedEngine;
  backend: Backend;
  k: SpeedConstants;
  host?: Host;
  /** Dense tensor peak the GEMMs run at, FLOP/s per GPU. */
  peakFlops: number;
  /** Parameters multiplied per token (active, without the embedding lookup). */
  matmulParams: number;
  /** Routed-expert parameters multiplied per token (top-k experts of every MoE layer). */
  activeExpertParams: number;
  /** Routed experts are in host RAM (KTransformers, llama.cpp -ot exps=CPU). */
  expertsOnHost: boolean;
  /** Weights (and their KV) of layers left in host RAM by llama.cpp when VRAM runs out, bytes. */
  spilledBytes: number;
  /** Tokens of context the KV figure perUserBytes holds. */
  context: number;
  budget: number;
  maxBatch: number;
  /** Speculative draft weights counted with the last stage's weights: read by the draft passes, not the verify step. */
  draftBytes: number;
}

export interface StepResult {
  seconds: number;
  memSeconds: number;
  computeSeconds: number;
  commSeconds: number;
  hostSeconds: number;
  fixedSeconds: number;
  hostBytes: number;
}

/** Host assumed when a request names none (callers normally pass the engine's default host). */
const FALLBACK_HOST = { bandwidthGBs: 89.6, cpuTflops: 2.3 };

const expertParamCache = new WeakMap<Architecture, { routed: number; embedding: number; active: number }>();
/** Routed-expert, embedding and active parameter counts of a model (computed once per architecture). */
function paramSplit(arch: Architecture): { routed: number; embedding: number; active: number } {
  let v = expertParamCache.get(arch);
  if (!v) {
    let routed = 0;
    let embedding = 0;
    for (const t of arch.tensors) {
      if (t.kind === 'routedExperts') routed += t.params;
      else if (t.kind === 'embedding') embedding += t.params;
    }
    v = { routed, embedding, active: parameterCounts(arch).active };
    expertParamCache.set(arch, v);
  }
  return v;
}

/** Dense tensor peak (FLOP/s per GPU) for the format the GEMMs run in. Hopper has no FP4 units. */
export function gemmPeakFlops(gpu: Gpu, quant: QuantFormat, k: SpeedConstants): number {
  let tflops = gpu.tflopsBf16;
  if (k.gemmPeak === 'fp16acc') {
    // llama.cpp multiplies in FP16 with FP16 accumulation: full rate on NVIDIA GeForce (twice the
    // FP32-accumulate figure the catalog lists), the same rate as BF16 on workstation, datacenter and AMD parts.
    tflops = gpu.vendor === 'nvidia' && gpu.category === 'consumer' ? 2 * gpu.tflopsBf16 : gpu.tflopsBf16;
  } else if (quant.id === 'fp8') tflops = gpu.tflopsFp8 ?? gpu.tflopsBf16;
  else if (quant.id === 'int8') tflops = gpu.tflopsInt8 ?? gpu.tflopsBf16;
  else if (quant.id === 'nvfp4' || quant.id === 'mxfp4') tflops = gpu.tflopsFp4 ?? gpu.tflopsBf16;
  return tflops * 1e12;
}

export interface SpeedOptions {
  engine: SpeedEngine;
  backend?: Backend;
  host?: Host;
  /** Tokens of context one user holds (the KV figure of the layout). */
  context: number;
  users: number;
  /** Engine catalog: each engine's chunked-prefill budget and batch ceiling. */
  engines: EngineCatalog;
  /** Routed experts kept in host RAM. */
  expertsOnHost: boolean;
  /** llama.cpp: bytes of layers (and their KV) left in host RAM. */
  spilledBytes?: number;
}

export function speedModel(ev: LayoutEval, arch: Architecture, gpu: Gpu, quant: QuantFormat, o: SpeedOptions): SpeedModel {
  const backend = backendFor(gpu, o.backend);
  const k = speedConstants(o.engine, backend);
  const split = paramSplit(arch);
  const active = split.active;
  const activeExpertParams = arch.moe ? (split.routed * arch.moe.topK) / arch.moe.experts : 0;
  const limits = batchLimits(o.engine, o.engines, gpu);
  return {
    ev,
    arch,
    gpu,
    quant,
    engine: o.engine,
    backend,
    k,
    host: o.host,
    peakFlops: gemmPeakFlops(gpu, quant, k),
    matmulParams: Math.max(1, active - (arch.tiedEmbeddings ? 0 : split.embedding)),
    activeExpertParams,
    expertsOnHost: o.expertsOnHost && activeExpertParams > 0,
    spilledBytes: Math.max(0, o.spilledBytes ?? 0),
    context: Math.max(1, o.context),
    budget: limits.budget,
    maxBatch: Math.max(1, ev.maxSeqs ? Math.min(limits.maxBatch, ev.maxSeqs) : limits.maxBatch),
    draftBytes: ev.spec?.draftBytesPerGpu ?? 0,
  };
}

function linkLatency(gpu: Gpu): number {
  if (gpu.interconnect === 'nvlink' || gpu.interconnect === 'infinity-fabric' || gpu.interconnect === 'hccs') return ALLREDUCE_LATENCY_S.nvlink;
  return gpu.category === 'consumer' ? ALLREDUCE_LATENCY_S.noP2P : ALLREDUCE_LATENCY_S.pcie;
}

/**
 * Seconds of the two all-reduces per layer (TP) or the stage hand-offs (layer split) for `tokens` tokens. A draft
 * pass of speculative decoding runs `layers` = its draft layers on the last stage only: no hand-offs.
 */
function commSeconds(m: SpeedModel, tokens: number, steps?: Step[], layers = m.arch.layers, stageHops = true): number {
  const { tp } = m.ev;
  const pp = stageHops ? m.ev.pp : 1;
  if (tp === 1 && pp === 1) return 0;
  const linkBytesPerS = Math.max(1, (m.gpu.interconnectGBs / 2) * 1e9);
  const actBytes = tokens * m.arch.hidden * 2;
  return F.commStep.eval(
    {
      allReduces: tp > 1 ? 2 * layers : 0,
      hops: pp - 1,
      latency: linkLatency(m.gpu),
      ringBytes: tp > 1 ? (actBytes * 2 * (tp - 1)) / tp : 0,
      hopBytes: pp > 1 ? actBytes : 0,
      linkBytesPerS,
    },
    steps,
  );
}

/**
 * One decode step: `batch` sequences of `avgContext` tokens each decode `decodes` tokens in total (at most one
 * each), and `prefillTokens` prompt tokens of arriving requests share the step (chunked prefill).
 */
export function decodeStep(m: SpeedModel, batch: number, decodes: number, prefillTokens: number, avgContext: number, steps?: Step[]): StepResult {
  const { ev, arch, k } = m;
  const tp = ev.tp;
  const pp = ev.pp;
  const tokens = decodes + prefillTokens;
  const touched = arch.moe ? F.moeTouched.eval({ topK: arch.moe.topK, experts: arch.moe.experts, tokens }, steps) : 1;
  // Routed experts per GPU of one stage (on the GPU only when not kept in host RAM).
  const stageExperts = m.expertsOnHost ? 0 : ev.weights.expertBytes / (tp * pp);
  const kvScale = Math.min(1, avgContext / m.context);
  const spillPerStage = m.spilledBytes / pp;
  let weightBytes = 0;
  ev.stages.forEach((st, i) => {
    const draft = i === ev.stages.length - 1 ? m.draftBytes : 0;
    weightBytes = Math.max(weightBytes, Math.max(0, st.weightsBytes - draft - stageExperts - spillPerStage) + stageExperts * touched);
  });
  // KV: every sequence attends to its context; ev.perUserBytes is one request's KV on the binding GPU.
  // With DP attention a rank holds and reads only its own share of the requests.
  const kvBytes = Math.ceil(batch / (ev.dp ?? 1)) * ev.perUserBytes * kvScale;
  const gpuParams = m.matmulParams - (m.expertsOnHost ? m.activeExpertParams : 0);
  // Decode GEMMs run in the same kernels that stream the weights; prefill chunks add their own GEMM and
  // attention work (each prompt token attends to half its prompt on average).
  const decodeFlops = (decodes * 2 * gpuParams) / (tp * pp);
  const prefillFlops = (prefillTokens * (2 * gpuParams + attentionFlopsPerToken(arch, avgContext / 2))) / (tp * pp);
  const bw = m.gpu.bandwidthGBs * 1e9;
  const comm = commSeconds(m, tokens, steps);
  // Host RAM: the experts the step's tokens route to, or the layers llama.cpp left behind.
  const hostBytes = (m.expertsOnHost ? ev.weights.expertBytes * touched : 0) + m.spilledBytes;
  let hostSeconds = 0;
  if (hostBytes > 0) {
    const host = m.host ?? FALLBACK_HOST;
    hostSeconds = F.hostStep.eval(
      {
        hostBytes,
        hostBandwidth: host.bandwidthGBs * 1e9,
        hostMemEff: HOST_SPEED.memEfficiency,
        hostFlops: tokens * 2 * (m.expertsOnHost ? m.activeExpertParams : 0),
        cpuFlops: host.cpuTflops * 1e12,
        hostComputeEff: HOST_SPEED.computeEfficiency,
      },
      steps,
    );
  }
  const seconds = F.decodeStep.eval(
    { pp, weightBytes, kvBytes, bandwidth: bw, memEff: k.memEfficiency, decodeFlops, prefillFlops, peakFlops: m.peakFlops, computeEff: k.computeEfficiency, layers: arch.layers, layerSeconds: k.layerSeconds, commSeconds: comm, hostSeconds },
    steps,
  );
  const gemm = k.computeEfficiency * m.peakFlops;
  return {
    seconds,
    memSeconds: (pp * (weightBytes + kvBytes)) / (bw * k.memEfficiency),
    computeSeconds: (pp * (decodeFlops + prefillFlops)) / gemm,
    commSeconds: comm,
    hostSeconds,
    fixedSeconds: arch.layers * k.layerSeconds,
    hostBytes,
  };
}

/**
 * One draft pass of speculative decoding for `seqs` sequences of `avgContext` tokens: the draft layer (an MTP
 * layer reads the experts its tokens route to) and the lm_head it projects with, the draft layer's KV, its all-reduces.
 */
export function draftStep(m: SpeedModel, seqs: number, avgContext: number, steps?: Step[]): number {
  const sp = m.ev.spec!;
  const { arch, k } = m;
  const touched = arch.moe && sp.readExpertBytesPerGpu > 0 ? F.moeTouched.eval({ topK: arch.moe.topK, experts: arch.moe.experts, tokens: Math.max(1, seqs) }, steps) : 1;
  const comm = commSeconds(m, seqs, steps, sp.draftLayers, false);
  return F.specDraftStep.eval(
    {
      draftLayers: sp.draftLayers,
      layerSeconds: k.layerSeconds,
      readBytes: sp.readDenseBytesPerGpu + sp.readExpertBytesPerGpu * touched,
      bandwidth: m.gpu.bandwidthGBs * 1e9,
      memEff: k.memEfficiency,
      flops: seqs * 2 * sp.flopParamsPerGpu,
      peakFlops: m.peakFlops,
      computeEff: k.computeEfficiency,
      kvBytes: Math.ceil(seqs / (m.ev.dp ?? 1)) * sp.kvBytesPerTokenPerRank * avgContext,
      commSeconds: comm,
    },
    steps,
  );
}

/** Seconds per output token of one user alone (with speculation: a verify step of k + 1 tokens and k draft passes per acceptLength tokens). */
export function singleUserSeconds(m: SpeedModel, avgContext: number, steps?: Step[]): number {
  const sp = m.ev.spec;
  if (!sp) return decodeStep(m, 1, 1, 0, avgContext, steps).seconds;
  const verify = decodeStep(m, 1, sp.verifyTokens, 0, avgContext, steps);
  const cycle = F.specCycle.eval({ verifySeconds: verify.seconds, k: sp.tokens, draftSeconds: draftStep(m, 1, avgContext, steps) }, steps);
  return F.specTpot.eval({ cycleSeconds: cycle, batch: 1, sequences: 1, acceptLength: sp.acceptLength }, steps);
}

/** Attention FLOPs per token attending to `ctx` tokens (QK^T and PV over every layer). */
function attentionFlopsPerToken(arch: Architecture, ctx: number): number {
  const dim = arch.mla ? arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim : arch.headDim;
  return 4 * arch.layers * ctx * arch.heads * dim;
}

/** Seconds to prefill one prompt of `prompt` tokens alone. */
export function prefillSeconds(m: SpeedModel, prompt: number, steps?: Step[]): number {
  const { ev, arch, k } = m;
  const p = Math.max(1, prompt);
  // Causal attention: on average each token attends to half the prompt.
  const flopsPerToken = 2 * (m.matmulParams - (m.expertsOnHost ? m.activeExpertParams : 0)) + attentionFlopsPerToken(arch, p / 2);
  // TP splits every GEMM; a layer split (llama.cpp -sm layer, PP) runs the stages one after another for one prompt.
  const parallel = ev.tp;
  let hostSeconds = 0;
  if (m.expertsOnHost && m.engine === 'ktransformers') {
    // KTransformers multiplies the routed experts on the CPU.
    const host = m.host ?? FALLBACK_HOST;
    hostSeconds = (p * 2 * m.activeExpertParams) / (host.cpuTflops * 1e12 * HOST_SPEED.computeEfficiency);
  } else if (m.expertsOnHost || m.spilledBytes > 0) {
    // llama.cpp copies host-resident weights to the GPU for each large batch (n_ubatch 512) over PCIe.
    const pcie = Math.max(1, (m.gpu.interconnect === 'pcie' ? m.gpu.interconnectGBs / 2 : 32) * 1e9);
    const hostWeights = (m.expertsOnHost ? ev.weights.expertBytes : 0) + m.spilledBytes;
    hostSeconds = Math.ceil(p / 512) * (hostWeights / pcie);
    if (m.expertsOnHost) hostSeconds += (p * 2 * m.activeExpertParams) / (m.peakFlops * k.computeEfficiency);
  }
  return F.prefillSeconds.eval(
    {
      promptTokens: p,
      flopsPerToken,
      peakFlops: m.peakFlops,
      computeEff: k.computeEfficiency,
      parallelGpus: parallel,
      commSeconds: commSeconds(m, p, steps),
      hostSeconds,
      layers: arch.layers,
      layerSeconds: k.layerSeconds,
    },
    steps,
  );
}

export interface ServeResult {
  /** Decode tokens/s one user sees while its answer streams (1 / time per output token). */
  perUser: number;
  /** Output tokens/s of one replica, first-token waits included. */
  total: number;
  /** Seconds between two tokens of one user. */
  itl: number;
  /** Seconds to the first token of a new prompt at this load. */
  ttftLoad: number;
  step: StepResult;
  batch: number;
}

/**
 * Continuous batching with chunked prefill: `users` requests in flight on one replica, each a prompt of
 * `prompt` tokens followed by `output` generated tokens, the next request as soon as one ends. Every step
 * carries the batch's decodes and, on average, prompt/output prefill tokens per decode, within the engine's
 * per-step token budget; a request's cycle is its first-token wait plus `output` steps.
 */
export function serve(m: SpeedModel, users: number, prompt: number, output: number, steps?: Step[], history = 0): ServeResult {
  const o = Math.max(1, output);
  const p = Math.max(0, prompt);
  const batch = Math.max(1, Math.min(users, m.maxBatch));
  const ratio = p / o;
  // KV each sequence attends to: the cached history of the conversation, the new prompt, half the answer.
  const avgContext = history + p + o / 2;
  if (m.ev.spec) return serveSpeculative(m, users, batch, p, o, ratio, avgContext, steps);
  const tokens = F.stepTokens.eval({ budget: m.budget, batch, ratio }, steps);
  const decodes = tokens / (1 + ratio);
  const step = decodeStep(m, batch, decodes, tokens - decodes, avgContext, steps);
  const tpot = F.timePerToken.eval({ stepSeconds: step.seconds, batch, decodes }, steps);
  // A new prompt gets the step's budget left after the decodes, chunk by chunk.
  const chunk = Math.max(1, m.budget - decodes);
  const ttftLoad = Math.max(prefillSeconds(m, p), Math.ceil(Math.max(1, p) / chunk) * step.seconds);
  const total = F.servedRate.eval({ inFlight: batch, outputTokens: o, ttft: ttftLoad, timePerToken: tpot }, steps);
  // Users beyond the batch ceiling queue: the replica's output is shared by all of them.
  const perUser = users > batch ? total / users : 1 / tpot;
  return { perUser, total, itl: tpot, ttftLoad, step, batch };
}

/**
 * Continuous batching with speculation: each decoding sequence puts k + 1 tokens through the verify step and
 * advances acceptLength tokens per cycle; prefill chunks of arriving requests share the verify step's budget.
 */
function serveSpeculative(m: SpeedModel, users: number, batch: number, p: number, o: number, ratio: number, avgContext: number, steps?: Step[]): ServeResult {
  const sp = m.ev.spec!;
  const tau = sp.acceptLength;
  const v = sp.verifyTokens;
  const tokens = F.specStepTokens.eval({ budget: m.budget, batch, verifyTokens: v, acceptLength: tau, ratio }, steps);
  const seqs = tokens / (v + tau * ratio);
  const verify = decodeStep(m, batch, seqs * v, seqs * tau * ratio, avgContext, steps);
  const draft = draftStep(m, seqs, avgContext, steps);
  const cycle = F.specCycle.eval({ verifySeconds: verify.seconds, k: sp.tokens, draftSeconds: draft }, steps);
  const tpot = F.specTpot.eval({ cycleSeconds: cycle, batch, sequences: seqs, acceptLength: tau }, steps);
  const chunk = Math.max(1, m.budget - seqs * v);
  const ttftLoad = Math.max(prefillSeconds(m, p), Math.ceil(Math.max(1, p) / chunk) * cycle);
  const total = F.servedRate.eval({ inFlight: batch, outputTokens: o, ttft: ttftLoad, timePerToken: tpot }, steps);
  const perUser = users > batch ? total / users : 1 / tpot;
  const step: StepResult = { ...verify, seconds: cycle, fixedSeconds: verify.fixedSeconds + sp.tokens * sp.draftLayers * m.k.layerSeconds };
  return { perUser, total, itl: tpot, ttftLoad, step, batch };
}

/** Requests at saturation: as many sequences as the KV pool (and the engine's batch ceiling) holds. */
export function saturationBatch(m: SpeedModel, prompt: number, output: number): number {
  const perSeq = Math.max(1, prompt + output);
  return Math.max(1, Math.min(m.maxBatch, Math.floor(m.ev.poolTokens / perSeq)));
}

/**
 * The request shape load figures assume: a multi-turn chat with prefix caching (on by default in vLLM V1 and
 * SGLang). Each turn prefills only its new tokens — as many as it answers, up to 512 — while attending to the
 * whole conversation held in the KV cache.
 */
export function defaultWorkload(context: number): { prompt: number; output: number; history: number } {
  const output = Math.max(1, Math.min(512, Math.ceil(context / 2)));
  const prompt = Math.max(1, Math.min(output, context - output));
  return { prompt, output, history: Math.max(0, context - prompt - output) };
}

export function estimatePerformance(m: SpeedModel, usersPerReplica: number, replicas: number, steps?: Step[]): Performance {
  const { prompt, output, history } = defaultWorkload(m.context);
  const singleSeconds = singleUserSeconds(m, m.context, steps);
  const load = serve(m, Math.max(1, usersPerReplica), prompt, output, steps, history);
  const prefillS = prefillSeconds(m, m.context, steps);
  const prefill = m.context / prefillS;
  const st = load.step;
  const parts: Array<[Performance['boundBy'], number]> = [
    ['memory', st.memSeconds],
    ['compute', st.computeSeconds],
    ['interconnect', st.commSeconds],
    ['host', st.hostSeconds],
  ];
  const boundBy = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return {
    decodeTokensPerSecondPerUser: load.perUser,
    decodeTokensPerSecondTotal: load.total * replicas,
    prefillTokensPerSecond: prefill * replicas,
    timeToFirstTokenSeconds: prefillS + singleSeconds,
    boundBy,
    singleUserTokensPerSecond: 1 / singleSeconds,
    timeToFirstTokenAtLoadSeconds: load.ttftLoad + load.step.seconds,
    interTokenLatencySeconds: load.itl,
    promptTokens: prompt,
    outputTokens: output,
    hostBytesPerStep: st.hostBytes,
    ...(m.ev.spec ? { withoutSpec: withoutSpec(m, usersPerReplica, replicas, prompt, output, history) } : {}),
  };
}

/** The speed figures of the same layout and memory plan without speculation. */
function withoutSpec(m: SpeedModel, usersPerReplica: number, replicas: number, prompt: number, output: number, history: number): NonNullable<Performance['withoutSpec']> {
  const plain: SpeedModel = { ...m, ev: { ...m.ev, spec: undefined } };
  const load = serve(plain, Math.max(1, usersPerReplica), prompt, output, undefined, history);
  return { perUser: load.perUser, total: load.total * replicas, singleUser: 1 / singleUserSeconds(plain, m.context), interTokenLatencySeconds: load.itl };
}

/**
 * Users one layout serves at the speed target: the most users (up to `memoryUsers`) whose per-user decode rate
 * stays at or above `tps` and whose time to first token under load stays within `ttft`.
 */
export function usersAtTarget(model: SpeedModel, replicas: number, memoryUsers: number, tps: number, ttft: number): number {
  const { prompt, output, history } = defaultWorkload(model.context);
  // Up to memoryUsers every user's KV fits, so llama.cpp keeps all layers on the GPU: nothing spills.
  const m = model.spilledBytes > 0 ? { ...model, spilledBytes: 0 } : model;
  const okAt = (usersTotal: number) => {
    const r = serve(m, Math.ceil(usersTotal / replicas), prompt, output, undefined, history);
    return r.perUser >= tps && r.ttftLoad + r.step.seconds <= ttft;
  };
  const cap = Math.max(0, Math.floor(memoryUsers));
  if (cap < 1 || !okAt(1)) return 0;
  let lo = 1;
  let hi = cap;
  if (okAt(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (okAt(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
