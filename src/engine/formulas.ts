// Every figure the engine reports is the value of one of these mathjs expressions, compiled once.
// An explanation shows the same expression with the model's values substituted, so it cannot drift
// from the number. Only engine-owned scopes are evaluated: user input never reaches mathjs.
import { createRequire } from 'node:module';
import type { EvalFunction, MathJsInstance, MathNode } from 'mathjs';

// mathjs's single-file bundle (an exported entry of the package) loads in ~60 ms; the ESM entry's hundreds of
// modules take ~1 s on this 2-core machine, which is most of `ask`'s cold start. Same library, same API.
const math = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as MathJsInstance;

export type Unit = 'bytes' | 'tokens' | 'users' | 'count' | 'tok/s' | 's' | 'ratio' | 'bits' | 'params' | 'flops' | 'usd' | 'W';

export interface Step {
  /** Stable id of the formula. */
  id: string;
  /** What the figure is, in words. */
  label: string;
  expr: string;
  scope: Record<string, number>;
  value: number;
  unit: Unit;
  /** Variables that hold byte amounts (shown in GiB when large). */
  byteVars?: string[];
}

/** Arithmetic a formula may use; anything else keeps mathjs's own evaluator. */
const JS_FUNCTIONS: Record<string, string> = { ceil: 'h.ceil', floor: 'h.floor', max: 'Math.max', min: 'Math.min', abs: 'Math.abs', sqrt: 'Math.sqrt' };

// mathjs rounds a value within its tolerance of an integer to that integer before floor/ceil; so do we.
const { relTol = 1e-12, absTol = 1e-15 } = (math.config as unknown as () => { relTol?: number; absTol?: number })();
const nearInt = (x: number): boolean => {
  const r = Math.round(x);
  return Math.abs(x - r) <= Math.max(relTol * Math.max(Math.abs(x), Math.abs(r)), absTol);
};
const HELPERS = {
  floor: (x: number) => (nearInt(x) ? Math.round(x) : Math.floor(x)),
  ceil: (x: number) => (nearInt(x) ? Math.round(x) : Math.ceil(x)),
};
const JS_OPERATORS = new Set(['+', '-', '*', '/', '^']);

/**
 * Translate a parsed mathjs expression tree into a JavaScript function of one scope object, so the hot path
 * does not pay mathjs's per-call scope wrapping. The tree is the one mathjs parsed from the formula text (the
 * same one explanations print); a property test checks both evaluators agree. Returns undefined for nodes
 * outside plain arithmetic.
 */
function toJs(node: MathNode): string | undefined {
  const n = node as unknown as { type: string; value?: unknown; name?: string; op?: string; fn?: { name: string }; args?: MathNode[]; content?: MathNode };
  switch (n.type) {
    case 'ConstantNode':
      return typeof n.value === 'number' && Number.isFinite(n.value) ? `(${n.value})` : undefined;
    case 'SymbolNode':
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(n.name ?? '') ? `s.${n.name}` : undefined;
    case 'ParenthesisNode':
      return n.content ? (() => { const c = toJs(n.content!); return c && `(${c})`; })() : undefined;
    case 'OperatorNode': {
      const args = (n.args ?? []).map(toJs);
      if (args.some((a) => a === undefined) || !JS_OPERATORS.has(n.op ?? '')) return undefined;
      if (args.length === 1 && n.op === '-') return `(-${args[0]})`;
      if (args.length === 1 && n.op === '+') return `(+${args[0]})`;
      if (args.length === 2 && n.op === '^') return `Math.pow(${args[0]}, ${args[1]})`;
      return args.length === 2 ? `(${args[0]} ${n.op} ${args[1]})` : undefined;
    }
    case 'FunctionNode': {
      const f = JS_FUNCTIONS[n.fn?.name ?? ''];
      const args = (n.args ?? []).map(toJs);
      return f && !args.some((a) => a === undefined) ? `${f}(${args.join(', ')})` : undefined;
    }
    default:
      return undefined;
  }
}

export class Formula {
  readonly id: string;
  readonly label: string;
  readonly expr: string;
  readonly unit: Unit;
  readonly byteVars: string[];
  // Parsed and compiled on first use: a process answers with a few dozen of the formulas, and parsing all of them
  // up front was a fifth of `ask`'s cold start.
  private compiled?: { code: EvalFunction; fast?: (s: Record<string, number>) => number; symbols: string[] };

  constructor(id: string, label: string, expr: string, unit: Unit, byteVars: string[] = []) {
    this.byteVars = byteVars;
    this.id = id;
    this.label = label;
    this.expr = expr;
    this.unit = unit;
  }

  private compile(): NonNullable<Formula['compiled']> {
    const node = math.parse(this.expr);
    const code = node.compile();
    const js = toJs(node);
    let fast: ((s: Record<string, number>) => number) | undefined;
    // Engine-owned constant expressions only (never user input), translated from mathjs's parse tree.
    if (js) {
      const fn = new Function('s', 'h', `return ${js};`) as (s: Record<string, number>, h: typeof HELPERS) => number;
      fast = (scope) => fn(scope, HELPERS);
    }
    const fns = new Set<string>();
    node.traverse((n) => {
      if ((n as unknown as { type: string }).type === 'FunctionNode') fns.add((n as unknown as { fn: { name: string } }).fn.name);
    });
    const syms = new Set<string>();
    node.traverse((n) => {
      const anyN = n as unknown as { type: string; name: string };
      if (anyN.type === 'SymbolNode' && !fns.has(anyN.name)) syms.add(anyN.name);
    });
    this.compiled = { code, fast, symbols: [...syms] };
    return this.compiled;
  }

  /** Evaluate with `scope`; when `steps` is given, record the step for explanations. */
  eval(scope: Record<string, number>, steps?: Step[], label?: string): number {
    const { code, fast, symbols } = this.compiled ?? this.compile();
    for (const s of symbols) {
      if (typeof scope[s] !== 'number' || Number.isNaN(scope[s])) throw new Error(`formula ${this.id}: missing ${s}`);
    }
    const value = fast ? fast(scope) : (code.evaluate(scope) as number);
    if (steps) {
      const used: Record<string, number> = {};
      for (const s of symbols) used[s] = scope[s];
      steps.push({ id: this.id, label: label ?? this.label, expr: this.expr, scope: used, value, unit: this.unit, ...(this.byteVars.length ? { byteVars: this.byteVars } : {}) });
    }
    return value;
  }

  get variables(): readonly string[] {
    return (this.compiled ?? this.compile()).symbols;
  }

  /** mathjs's own evaluation of the same tree (for the equivalence test). */
  evalWithMathjs(scope: Record<string, number>): number {
    return (this.compiled ?? this.compile()).code.evaluate({ ...scope }) as number;
  }

  /** True when the fast path is in use. */
  get compiledToJs(): boolean {
    return (this.compiled ?? this.compile()).fast !== undefined;
  }
}

/**
 * The expression of a step with its values substituted ("2 * 8 * 128 * 2"). Byte amounts of 64 MiB and more are
 * shown in GiB so a line stays readable; the value itself is computed from the exact numbers.
 */
export function substitute(step: Step): string {
  const big = new Set<string>();
  const byteVars = new Set(step.byteVars ?? []);
  const node = math.parse(step.expr).transform((n) => {
    const anyN = n as unknown as { type: string; name: string };
    if (anyN.type === 'SymbolNode' && anyN.name in step.scope) {
      const v = step.scope[anyN.name];
      const c = new math.ConstantNode(v);
      if (byteVars.has(anyN.name) && Math.abs(v) >= 2 ** 26) big.add(String(v));
      return c;
    }
    return n;
  });
  return node.toString({
    handler: (n: MathNode) => {
      const c = n as unknown as { type: string; value: number };
      if (c.type !== 'ConstantNode' || typeof c.value !== 'number') return undefined;
      const v = c.value;
      if (big.has(String(v))) return `${+(v / 2 ** 30).toFixed(3)} GiB`;
      if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
      return Math.abs(v) >= 1e6 ? v.toExponential(4) : String(+v.toPrecision(6));
    },
  });
}

const f = (id: string, label: string, expr: string, unit: Unit, byteVars: string[] = []) => new Formula(id, label, expr, unit, byteVars);

/** The catalogue of formulas. Variable names are the ones explanations show. */
export const F = {
  // ---- weights
  tensorBytes: f('weights.kind', 'weights of one tensor kind', 'params * bits / 8', 'bytes'),
  storedBytes: f('weights.stored', "weights of one tensor kind as the checkpoint stores them (sum of its header's tensor byte ranges)", 'storedBytes * padFactor', 'bytes', ['storedBytes']),
  ropeCache: f('weights.rope', "vLLM's rotary cos/sin cache buffer", 'maxPosition * rotaryDim * dtypeBytes', 'bytes'),

  // ---- KV cache per token, per layer
  kvFull: f('kv.full', 'KV bytes per token, one full-attention layer', '2 * kvHeads * headDim * kvBytes', 'bytes'),
  kvMla: f('kv.mla', 'KV bytes per token, one MLA layer (compressed latent + rope key)', '(kvLoraRank + qkRopeHeadDim) * kvBytes', 'bytes'),
  kvLinearState: f(
    'kv.linear',
    'recurrent state per sequence, one linear-attention layer',
    'numValueHeads * keyHeadDim * valueHeadDim * stateBytes + (2 * numKeyHeads * keyHeadDim + numValueHeads * valueHeadDim) * (convKernel - 1) * convBytes',
    'bytes',
  ),
  kvFullKV: f('kv.fullKV', 'KV bytes per token, one attention layer whose K and V head dims differ', 'kvHeads * (headDim + vHeadDim) * kvBytes', 'bytes'),
  kvDsMlaFp8: f(
    'kv.dsMlaFp8',
    'KV bytes per token, one DeepSeek-sparse-attention MLA layer in fp8_ds_mla layout (fp8 latent + one fp32 scale per 128 + bf16 rope key)',
    'kvLoraRank + kvLoraRank / quantBlock * 4 + qkRopeHeadDim * 2',
    'bytes',
  ),
  kvIndexer: f('kv.indexer', 'indexer key cache per token, one DSA layer (fp8 key + one fp32 scale per 128)', 'indexHeadDim + indexHeadDim / quantBlock * 4', 'bytes'),
  kvMamba2State: f(
    'kv.mamba2',
    'Mamba-2 state per sequence, one layer: SSM state (heads x head_dim x d_state) + conv state over x, B, C',
    'numHeads * headDim * stateSize * stateBytes + (numHeads * headDim + 2 * nGroups * stateSize) * (convKernel - 1) * convBytes',
    'bytes',
  ),
  kvKdaState: f(
    'kv.kda',
    'Kimi Delta Attention state per sequence, one layer: per-head K x V state + short-conv state of q, k, v',
    'numHeads * headDim * headDim * stateBytes + 3 * numHeads * headDim * (convKernel - 1) * convBytes',
    'bytes',
  ),
  kvCompressedWindow: f('kv.v4window', 'DeepSeek-V4 sliding-window KV per token, one layer (one shared K = V vector)', 'headDim * kvBytes', 'bytes'),
  kvCompressed: f(
    'kv.v4compressed',
    'DeepSeek-V4 compressed KV per context token, one layer (one entry per `ratio` tokens, plus the indexer key on ratio-4 layers)',
    '(headDim * kvBytes + indexerBytes) / ratio',
    'bytes',
  ),
  kvHeadsPerRank: f('kv.headsPerRank', 'KV heads held per GPU (replicated when tp > kvHeads)', 'max(1, ceil(kvHeads / tp))', 'count'),
  kvPerToken: f('kv.perToken', 'KV bytes per token (all attention layers: full-context ones + windowed ones up to their window)', 'fullLayersBytes + windowLayersBytes', 'bytes'),

  // ---- vLLM
  vllmBudget: f('vllm.budget', 'vLLM budget = gpu_memory_utilization x CUDA-visible total', 'ceil(util * total)', 'bytes', ['total']),
  vllmSampler: f(
    'vllm.sampler',
    'profiling peak, sampler phase (logits of max_num_seqs rows)',
    'R * vocabPadded * d + samplerBytes * R * vocab + scratch * min(R, sms) * vocab + N * hidden * d + 2 * R * hidden * d + moeWorkspace + const',
    'bytes',
    ['moeWorkspace', 'const'],
  ),
  vllmForward: f('vllm.forward', 'profiling peak, forward phase (max_num_batched_tokens)', 'N * (4 * hidden + 3 * intermediate) * d + moeWorkspace + const', 'bytes', ['moeWorkspace', 'const']),
  // Multimodal encoder in vLLM's profile_run (gpu_model_runner.py): budget = max(max_num_batched_tokens, tokens per
  // item) (compute_encoder_budget), items = budget // tokens per item ("profiled with N image items of the maximum
  // feature size"); embed_multimodal runs them in one batch, and the outputs stay in the encoder cache through the
  // language-model dummy run and the sampler.
  vllmEncoderItems: f('vllm.encoderItems', 'dummy images vLLM profiles the encoder with = max(max_num_batched_tokens, tokens per image) // tokens per image', 'floor(max(N, tokensPerItem) / tokensPerItem)', 'count'),
  vllmEncoderCache: f('vllm.encoderCache', 'encoder outputs kept through the language-model pass (tokens x out hidden x (1 + DeepStack) x dtype)', 'items * tokensPerItem * outHidden * outputs * d', 'bytes'),
  vllmEncoderPeak: f(
    'vllm.encoderPeak',
    "vision encoder's own peak: the pixel patches plus one block's MLP (residual, norm, fc1 and activation outputs) over every patch",
    'items * tokensPerItem * mergeUnit * (patchInput + 2 * hidden + 2 * intermediate) * d',
    'bytes',
  ),
  vllmMmPeak: f('vllm.mmPeak', 'profiling peak with the encoder = max(language-model peak + encoder outputs, encoder peak)', 'max(lmPeak + encoderCache, encoderPeak)', 'bytes', ['lmPeak', 'encoderCache', 'encoderPeak']),
  vllmMoeWorkspace: f('vllm.moeWorkspace', 'fused-MoE kernel workspaces', 'N * topK * (max(expertI, hidden) + max(2 * expertI, hidden)) * d', 'bytes'),
  vllmHybridBlock: f(
    'vllm.hybridBlock',
    'vLLM attention block size of a hybrid model (one attention page holds one layer of recurrent state)',
    'align * ceil(statePage / (align * attnBytesPerToken))',
    'tokens',
  ),
  kvPool: f('kv.pool', 'memory left for the KV cache on one GPU = budget - weights - activations - runtime overhead', 'budget - weights - activation - overhead', 'bytes', ['budget', 'weights', 'activation', 'overhead']),
  pagedBlocks: f('paged.blocks', 'KV blocks in the pool', 'floor(pool / (blockSize * bytesPerTokenPerRank))', 'count', ['pool']),
  pagedTokens: f('paged.tokens', 'tokens the KV pool holds', 'blocks * blockSize', 'tokens'),

  // ---- MindIE (Ascend): kv_cache = total_memory x memory_fraction - weight - workspace (error MIE05E01000A)
  mindieBudget: f('mindie.budget', 'MindIE budget = NPU_MEMORY_FRACTION x NPU total', 'floor(fraction * total)', 'bytes', ['total']),
  warmupForward: f('warmup.forward', 'warm-up forward pass of the largest batch (max prefill / max_num_tokens tokens)', 'N * (4 * hidden + 3 * intermediate) * d', 'bytes'),

  // ---- TensorRT-LLM: KV = free_gpu_memory_fraction x memory free after weights, buffers and the warm-up
  trtllmReserve: f('trtllm.reserve', 'free memory TensorRT-LLM leaves outside the KV cache = (1 - fraction) x free after weights', '(1 - fraction) * (total - weights - activation - base)', 'bytes', ['total', 'weights', 'activation', 'base']),

  // ---- SGLang
  sglangBudget: f('sglang.budget', 'SGLang static share = mem_fraction_static x memory free after start-up', 'floor(fraction * freeAfterInit)', 'bytes', ['freeAfterInit']),
  sglangTokens: f('sglang.tokens', 'SGLang max_total_num_tokens', 'floor(pool / cellBytes)', 'tokens', ['pool']),

  // ---- llama.cpp
  ggmlPad: f('llamacpp.nctx', 'KV cells (n_ctx padded)', 'ceil(nCtx / pad) * pad', 'tokens'),
  llamaCompute: f('llamacpp.compute', 'llama.cpp compute buffer (fp32 logits of one ubatch + KQ mask and scratch)', '4 * vocab * ubatch + attnScratch', 'bytes', ['attnScratch']),

  // ---- capacity
  maxUsers: f('capacity.users', 'users that fit at the requested context', 'floor(pool / perUser)', 'users', ['pool', 'perUser']),

  // ---- throughput
  decodeStep: f(
    'perf.decodeStep',
    'seconds per decode step: fixed cost per layer + per pipeline stage the slower of streaming the weights and the decode GEMMs, the attention kernels reading the KV cache, and the prefill chunks sharing the step + all-reduces + host RAM',
    'layers * layerSeconds + pp * (max(weightBytes / (bandwidth * memEff), decodeFlops / (peakFlops * computeEff)) + kvBytes / (bandwidth * memEff) + prefillFlops / (peakFlops * computeEff)) + commSeconds + hostSeconds',
    's',
    ['weightBytes', 'kvBytes'],
  ),
  moeTouched: f('perf.moeTouched', 'share of routed experts the step’s tokens route to', '1 - abs(1 - topK / experts) ^ tokens', 'ratio'),
  hostStep: f(
    'perf.hostStep',
    'seconds the CPU spends on weights kept in host RAM (read at host bandwidth, or multiplied at CPU speed)',
    'max(hostBytes / (hostBandwidth * hostMemEff), hostFlops / (cpuFlops * hostComputeEff))',
    's',
    ['hostBytes'],
  ),
  commStep: f(
    'perf.comm',
    'seconds of communication per step: two all-reduces per layer under TP (ring), one hand-off per stage boundary',
    'allReduces * (latency + ringBytes / linkBytesPerS) + hops * (latency + hopBytes / linkBytesPerS)',
    's',
    ['ringBytes', 'hopBytes'],
  ),
  prefillSeconds: f(
    'perf.prefill',
    'seconds to prefill one prompt alone (compute-bound; a layer split runs its stages one after another)',
    'promptTokens * flopsPerToken / (peakFlops * computeEff * parallelGpus) + commSeconds + hostSeconds + layers * layerSeconds',
    's',
  ),
  stepTokens: f('perf.stepTokens', 'tokens in one step under load: each decode brings prompt/output prefill tokens, within the per-step budget', 'min(budget, batch * (1 + ratio))', 'tokens'),
  timePerToken: f('perf.tpot', 'seconds per output token of one user under load (each step advances decodes of batch sequences)', 'stepSeconds * batch / decodes', 's'),
  servedRate: f('perf.total', 'output tokens/s of one replica: requests in flight x answer length / (first-token wait + answer time)', 'inFlight * outputTokens / (ttft + outputTokens * timePerToken)', 'tok/s'),

  // ---- speculative decoding (speculative.ts): k drafted tokens, verified in one step of k + 1 tokens per sequence
  specAcceptLength: f('spec.acceptLength', 'tokens one verify step yields on average: a chain of k drafted tokens, each accepted with probability alpha once the one before it was, plus the token the verify step itself produces', '(1 - alpha ^ (k + 1)) / (1 - alpha)', 'tokens'),
  specEagle3Params: f(
    'spec.eagle3Params',
    'parameters of an EAGLE-3 draft head: fc (3 hidden -> hidden), attention whose q/k/v read 2 x hidden, one MLP, an lm_head over the draft vocabulary, norms (the embedding is the target’s)',
    '3 * hidden * hidden + 2 * hidden * (heads + 2 * kvHeads) * headDim + heads * headDim * hidden + 3 * hidden * intermediate + hidden * draftVocab + 4 * hidden',
    'params',
  ),
  specDraftBytes: f('spec.draftBytes', 'draft weights on one GPU (split like the target over tensor parallelism)', 'draftBytes / tp', 'bytes', ['draftBytes']),
  specDraftStep: f(
    'spec.draftStep',
    'seconds of one draft pass: its layers’ fixed cost + the slower of reading the draft layer and lm_head and multiplying them + reading the draft layer’s KV + its all-reduces',
    'draftLayers * layerSeconds + max(readBytes / (bandwidth * memEff), flops / (peakFlops * computeEff)) + kvBytes / (bandwidth * memEff) + commSeconds',
    's',
    ['readBytes', 'kvBytes'],
  ),
  specStepTokens: f('spec.stepTokens', 'tokens in one verify step under load: each decoding sequence brings k + 1 tokens to verify and the prefill of acceptLength x prompt/output tokens, within the per-step budget', 'min(budget, batch * (verifyTokens + acceptLength * ratio))', 'tokens'),
  specCycle: f('spec.cycle', 'seconds of one speculative cycle: the verify step + k draft passes', 'verifySeconds + k * draftSeconds', 's'),
  specTpot: f('spec.tpot', 'seconds per output token of one user with speculation (each cycle advances the decoding sequences by acceptLength tokens)', 'cycleSeconds * batch / (sequences * acceptLength)', 's'),

  // ---- cost (prices from catalogs/prices.yaml, power from gpus.yaml tdpW)
  costPerHour: f('cost.perHour', 'cloud rent for the GPUs, USD per hour', 'gpus * perGpuHourUsd', 'usd'),
  costPurchase: f('cost.purchase', 'purchase price of the GPUs, USD', 'gpus * perGpuUsd', 'usd'),
  costPower: f('cost.power', 'board power of the GPUs, W', 'gpus * tdpW', 'W'),
  costPerMillionCloud: f('cost.perMillionCloud', 'USD per million output tokens at this load (cloud rent)', 'perHourUsd / (tokensPerSecond * 3600) * 1000000', 'usd'),
  costPerMillionOwned: f(
    'cost.perMillionOwned',
    'USD per million output tokens at this load (purchase spread over its service life, running around the clock)',
    'purchaseUsd / (years * 8760) / (tokensPerSecond * 3600) * 1000000',
    'usd',
  ),
};

/** Parse and compile every formula now (a bot's warm-up), so no answer pays for it during traffic. */
export function compileFormulas(): void {
  for (const f of Object.values(F)) void f.variables;
}
