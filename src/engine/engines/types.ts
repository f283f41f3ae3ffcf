// The one interface every serving engine implements (src/engine/engines/<engine>.ts). An engine module says
// which formats it runs on which hardware, which layouts it offers, how it budgets one GPU's memory, its speed
// constants and the command that launches it. Everything engine-specific lives behind this interface.
import type { EngineCatalog } from '../../catalog/schema.ts';
import type { Step } from '../formulas.ts';
import type { KvRules, KvSpec, RequestCostOptions } from '../kv.ts';
import type { Note } from '../report.ts';
import type { Architecture, EngineId, Gpu, KvDtype, QuantFormat, SizingRequest, SpecRequest } from '../types.ts';
import type { SpecPlan } from '../speculative.ts';
import type { WeightOptions, WeightsResult } from '../weights.ts';

export interface ProfileInput {
  arch: Architecture;
  gpu: Gpu;
  quant: QuantFormat;
  kv: KvDtype;
  engine: EngineId;
  engineVersion?: string;
  engines: EngineCatalog;
  users: number;
  context: number;
  util?: number;
  explain: boolean;
  /** Speculative decoding: the draft's weights and KV are added to the last stage. */
  spec?: SpecRequest;
  /** Text only (textonly:true): vLLM --language-model-only loads no vision tower and profiles no encoder. */
  textOnly?: boolean;
  /** Calibration / advanced: override vLLM batch defaults or llama.cpp settings. */
  overrides?: {
    maxNumBatchedTokens?: number;
    maxNumSeqs?: number;
    nCtx?: number;
    nParallel?: number;
    flashAttn?: boolean;
    nUbatch?: number;
    /** llama.cpp: keep sliding-window layers at full context (--swa-full; ik_llama.cpp has no SWA cache). */
    swaFull?: boolean;
    /** llama.cpp: -ot exps=CPU (routed experts in host RAM). */
    expertsOnHost?: boolean;
    /** Calibration only: the KV pool an engine log printed ("Available KV cache memory"), to check the token count against the bytes-per-token rule alone. */
    kvPoolBytes?: number;
  };
}

export interface StageEval {
  weightsBytes: number;
  activationBytes: number;
  overheadBytes: number;
  poolBytes: number;
  layers: Set<number>;
}

/** Where an engine's kernels run. */
export type Backend = 'cuda' | 'rocm' | 'metal' | 'vulkan';

/**
 * Speed constants of one engine on one backend: the fraction of peak memory bandwidth a decode step reaches,
 * a fixed cost per layer per decode step (launches, syncs; sampling and scheduling spread over the layers) and
 * the fraction of the dense tensor peak the GEMMs reach. Each is fitted on the measured cases named in
 * `fittedOn` (test/calibration/throughput/, fit: test/calibration/fit-throughput.ts), never on one case.
 */
export interface SpeedConstants {
  /** Shown in notes ("vLLM (CUDA)"). */
  label: string;
  /** Fraction of peak memory bandwidth the decode step's weight and KV reads reach. */
  memEfficiency: number;
  /** Fixed seconds per layer per decode step. */
  layerSeconds: number;
  /** Fraction of the dense tensor peak the prefill / batched GEMMs reach. */
  computeEfficiency: number;
  /** Which tensor peak the GEMMs run at: the format's dense peak (FP32 accumulation), or FP16 accumulation (llama.cpp). */
  gemmPeak: 'native' | 'fp16acc';
  /** Measured cases the constants were fitted on; empty when borrowed. */
  fittedOn: string[];
  /** Where the values come from, in words (and, when borrowed, from which engine and why). */
  source: string;
}

export interface LayoutEval {
  tp: number;
  pp: number;
  replicas: number;
  /** DP attention ranks per replica (1 = off): each rank keeps KV only for its own requests; experts stay split over tp. */
  dp: number;
  utilUsed: number;
  budgetBytes: number;
  /** Worst (binding) stage. */
  stage: StageEval;
  stages: StageEval[];
  weights: WeightsResult;
  kv: KvSpec;
  blockSize: number;
  costOptions: RequestCostOptions;
  /** Bytes one request at the requested context needs on the binding GPU. */
  perUserBytes: number;
  /** Tokens the KV pool of one replica holds (engine's own count). */
  poolTokens: number;
  /** Engine limit on concurrent sequences per replica (vLLM max_num_seqs), if any. */
  maxSeqs?: number;
  /** Memory the engine allocates for KV up front regardless of users (llama.cpp n_ctx), binding GPU. */
  kvAllocatedBytes?: number;
  /** The same per pipeline stage (llama.cpp layer split). */
  kvStageBytes?: number[];
  /** Engine settings the launch command must set for this estimate to hold (batch limits, slots, n_ctx …). */
  settings: Record<string, number | boolean | string>;
  speed: SpeedConstants;
  /** Speculative decoding of this layout: the draft's bytes per GPU, what a draft pass reads, acceptance. */
  spec?: SpecPlan;
  notes: Note[];
  steps: Step[];
}

/** What an engine needs to know to budget one layout. */
export interface BudgetInput {
  inp: ProfileInput;
  tp: number;
  pp: number;
  /** DP attention ranks (1 = off). */
  dp: number;
  /** Bytes per element of the model's activation dtype. */
  dtypeBytes: number;
  kv: KvSpec;
  weights: WeightsResult;
  /** Explanation steps are recorded here when explaining. */
  steps?: Step[];
}

/** An engine's memory plan for one layout: the budget and what it reserves per pipeline stage. */
export interface BudgetPlan {
  budget: number;
  utilUsed: number;
  blockSize: number;
  costOptions: RequestCostOptions;
  stageActivation: number[];
  stageOverhead: number[];
  /** Tokens the pool of one replica holds, from the evaluated stages. */
  poolTokens: (stages: StageEval[]) => number;
  maxSeqs?: number;
  /** KV the engine allocates up front per stage (llama.cpp). */
  kvStageBytes?: number[];
  settings: Record<string, number | boolean | string>;
  notes: Note[];
}

/** Whether an engine runs a format on a GPU: yes (perhaps with a caveat), or why not and what to use instead. */
export type Support = { ok: true; note?: Note } | { ok: false; reason: string; alternative?: string };

/** How an engine spreads one model over several GPUs. */
export interface LayoutOffer {
  /** Splits layers across GPUs in one process (llama.cpp -sm layer, accelerate device_map) instead of TP. */
  layerSplit: boolean;
  /** Offers DP attention with expert parallelism for MoE models (SGLang --enable-dp-attention, vLLM -dp --enable-expert-parallel). */
  dpAttention?: boolean;
}

/** The command line (and environment) that makes an estimate true: every memory-relevant setting it assumed. */
export interface Launch {
  engine: string;
  /** Shell command, continued over lines with " \\". */
  command: string;
  env: Record<string, string>;
  notes: string[];
}

/** What a launch command is derived from: the request, the chosen layout and the engine settings it assumed. */
export interface LaunchInput {
  req: SizingRequest;
  ev: LayoutEval;
  /** Users one replica serves. */
  usersPerReplica: number;
  /** Context the server must accept per request (max_model_len). */
  maxModelLen: number;
  /** The estimate fits (otherwise the launch notes say what to change). */
  fits: boolean;
  /** RoPE / YaRN override when the context is past max_position_embeddings. */
  rope?: { factor: number; originalMax: number; type: 'yarn' };
}

export interface EngineProfile {
  id: EngineId;
  label: string;
  /** Needs CUDA / ROCm / NPU kernels: does not run on Apple unified memory. */
  needsCuda: boolean;
  /** Loads GGUF files natively. */
  gguf: boolean;
  layouts: LayoutOffer;
  /** KV cache dtypes it offers, and the one it picks when none is given (vLLM's kv_cache_dtype=auto = the model dtype). */
  kvCache: { dtypes: string[]; defaultFor(arch: Architecture, quant: QuantFormat, gpu: Gpu): string; hint: string };
  speed: SpeedConstants;
  /** How this engine lays out the caches that differ between engines (SSM-state dtype, K = V layers); kv.ts KvRules. */
  kvRules?: KvRules;
  /** Speculative decoding the engine runs and the estimate sizes (its launch adds the flags): MTP layers, EAGLE-3 draft heads. */
  speculative?: Array<'mtp' | 'eagle3'>;
  /** Its switch to serve a vision-language model for text only (textonly:true), per release; absent = none. */
  textOnly?: (engineVersion: string | undefined, engines: EngineCatalog) => { flag: string; dropsWeights: boolean };
  /** Constants on other backends where they differ (llama.cpp on Metal). */
  speedOn?: Partial<Record<Backend, SpeedConstants>>;
  /** Does this engine run `quant` on `gpu`? (the format x engine x hardware matrix) */
  supports(quant: QuantFormat, gpu: Gpu): Support;
  /** Engine-specific weight-loading rules (vocab padding, buffers, what stays in host RAM). */
  weightOptions(inp: ProfileInput, tp: number, pp: number, dtypeBytes: number, steps?: Step[]): Omit<WeightOptions, 'tp' | 'pp' | 'dtypeBits'>;
  /** How the engine budgets one GPU's memory for this layout. */
  budget(b: BudgetInput): BudgetPlan;
  /** The command that launches this layout with the settings the estimate assumed. */
  launch(l: LaunchInput): Launch;
}
