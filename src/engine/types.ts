// Typed data the pure engine works on. Catalog entries (src/catalog) are converted into these.
import type { EngineCatalog, TensorKind } from '../catalog/schema.ts';
import type { StoredWeights } from './stored.ts';

export type { TensorKind };

/** How one decoder layer attends, which decides its KV cache. */
/** 'linear' = a fixed state per sequence (Gated DeltaNet, Mamba-2, Kimi Delta Attention); 'none' = no token mixer (Nemotron-H MLP / MoE layers, NAS no-op attention). */
export type AttentionKind = 'full' | 'sliding' | 'chunked' | 'mla' | 'linear' | 'none';

export interface LayerSpec {
  index: number;
  attention: AttentionKind;
  /** Window (sliding) or chunk (chunked local) size in tokens. */
  window?: number;
  ffn: 'dense' | 'moe' | 'none';
  /** This layer's KV heads and head dims when they differ from the model-wide ones (Gemma 4 global layers, MiMo SWA layers, NAS blocks). */
  kvHeads?: number;
  headDim?: number;
  /** V head dim when it differs from the K head dim (MiMo-V2: 192 / 128). */
  vHeadDim?: number;
  /** K and V are one tensor (Gemma 4 global layers, attention_k_eq_v): engines that honour it cache K only. */
  kEqV?: boolean;
  /** The layer reads another layer's KV cache (Gemma 3n / 4 KV sharing) and keeps none of its own. */
  kvShared?: boolean;
  /**
   * Cross-attention to the image encoder's states (Llama 3.2 Vision cross_attention_layers): its K/V come from the
   * image tiles, once per request, not from the tokens, so it adds nothing per context token (attention is 'none').
   */
  crossAttention?: boolean;
  /** DeepSeek-V4 compressed attention: one cached entry per `compressRatio` tokens besides the sliding window (0 = window only). */
  compressRatio?: number;
}

/** One weight tensor (or a group of same-kind tensors in one layer). `layer` is undefined for embeddings/lm_head/final norm. */
export interface TensorGroup {
  kind: TensorKind;
  /** Finer name used by GGUF type rules: q, k, v, o, qkv, gate_up, down, exps_gate_up, exps_down, shexp, embd, output, ... */
  part: string;
  layer?: number;
  params: number;
  /** Input width (columns) of the matrix, for block-size divisibility rules; 0 for vectors. */
  cols: number;
  /** Bits this tensor has in the official quantized release (0 = left in the model dtype); set from its quantization configs. */
  ckptBits?: number;
}

export interface MoeSpec {
  experts: number;
  topK: number;
  expertIntermediate: number;
  /** Shared experts' total intermediate width (sum over shared experts), 0 when none. */
  sharedIntermediate: number;
}

export interface MlaSpec {
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** Gated DeltaNet (Qwen3-Next, Qwen3.5 / 3.6). */
export interface GatedDeltaNetSpec {
  kind: 'gated_deltanet';
  numKeyHeads: number;
  keyHeadDim: number;
  numValueHeads: number;
  valueHeadDim: number;
  convKernel: number;
  /** Bytes per SSM-state element the checkpoint asks for (config mamba_ssm_dtype; undefined = model dtype). */
  ssmStateBytes?: number;
}

/** Mamba-2 mixer (Nemotron-H, Nemotron-3, Granite 4). */
export interface Mamba2Spec {
  kind: 'mamba2';
  numHeads: number;
  headDim: number;
  stateSize: number;
  nGroups: number;
  convKernel: number;
  ssmStateBytes?: number;
}

/** Kimi Delta Attention (Kimi Linear, Kimi K3): per-head K x V state and short convolutions on q, k, v. */
export interface KdaSpec {
  kind: 'kda';
  numHeads: number;
  headDim: number;
  convKernel: number;
  ssmStateBytes?: number;
}

export type LinearAttentionSpec = GatedDeltaNetSpec | Mamba2Spec | KdaSpec;

/** DeepSeek Sparse Attention's lightning indexer (DeepSeek-V3.2, GLM-5): one fp8 key per token per layer. */
export interface IndexerSpec {
  heads: number;
  headDim: number;
}

export type Dtype = 'fp32' | 'bf16' | 'fp16';

/** Everything the engine knows about a model, derived from its config.json. */
/**
 * A ViT-style vision encoder as vLLM profiles it: patches of patchInput values each, hidden / intermediate wide in
 * its blocks, mergeUnit patches merged into one language-model token of outHidden x outputs values (Qwen3-VL's
 * DeepStack mergers add outputs), at most tokensPerItem tokens per image.
 */
export interface VisionEncoder {
  hidden: number;
  intermediate: number;
  mergeUnit: number;
  outHidden: number;
  outputs: number;
  patchInput: number;
  tokensPerItem: number;
}

export interface Architecture {
  id: string;
  name: string;
  modelType: string;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vHeadDim: number;
  vocab: number;
  tiedEmbeddings: boolean;
  maxPosition: number;
  /** Width of the dense MLP (0 when every layer is MoE). */
  intermediate: number;
  dtype: Dtype;
  moe?: MoeSpec;
  mla?: MlaSpec;
  linear?: LinearAttentionSpec;
  /** DeepSeek Sparse Attention indexer (MLA layers also cache its key). */
  indexer?: IndexerSpec;
  /** DeepSeek-V4 compressed attention: the window every layer keeps, and the indexer of the ratio-4 layers. */
  compressed?: { window: number; headDim: number; indexer?: IndexerSpec };
  layerSpecs: LayerSpec[];
  tensors: TensorGroup[];
  /** Vision tower etc. loaded with the model (counted in memory and params, kind 'vision'). */
  extraParams: number;
  /** The vision encoder's shapes, when known (catalog `extraParams.vision`): what vLLM's start-up profile runs it on. */
  encoder?: VisionEncoder;
  /** Multi-token-prediction layers in the checkpoint: loaded only with speculative decoding (not in `tensors`). */
  mtpParams: number;
  /** Rotary dimensions (for vLLM's cos/sin cache buffer). */
  rotaryDim: number;
  /**
   * Sum of the rotary dims of every distinct RoPE the layers use, when more than one (vLLM get_rope keeps one cos/sin
   * cache per distinct head size / rotary dim / base): Gemma 3 local + global bases, Gemma 4 sliding head_dim + the
   * global layers' proportional RoPE over all global_head_dim dims. Undefined = one RoPE of rotaryDim.
   */
  ropeCacheDims?: number;
  /** Native checkpoint quantization (quant id), if the official weights ship quantized. */
  nativeQuant?: string;
  /** Published totals, for the 1.5 % check and the reply. */
  publishedTotalParams?: number;
  publishedActiveParams?: number;
  ropeScaling?: string;
  /** What the checkpoint really stores (safetensors / GGUF headers): weights come from these bytes when the quant matches. */
  stored?: StoredWeights;
  /** Hugging Face repo to serve (the instruct/chat release when the catalog lists one), for launch commands. */
  hfRepo?: string;
  /** Ollama library tag ("qwen3:32b"), when the catalog knows one. */
  ollamaTag?: string;
}

export interface Gpu {
  id: string;
  name: string;
  vendor: string;
  arch: string;
  category: string;
  marketingGB: number;
  /** Bytes the engines see as total memory. */
  visibleBytes: number;
  visibleKind: string;
  bandwidthGBs: number;
  tflopsBf16: number;
  tflopsFp8: number | null;
  tflopsInt8: number | null;
  tflopsFp4: number | null;
  interconnect: string;
  interconnectGBs: number;
  smCount?: number;
  /** nvidia-smi memory.total, MiB (SGLang sizes its defaults from it). */
  nvidiaSmiMiB?: number;
  unified: boolean;
  /** Board power, W (gpus.yaml tdpW). */
  tdpW?: number;
  /** Sourced prices (catalogs/prices.yaml), when known. */
  price?: GpuPrice;
}

/** What one accelerator costs: purchase (card, or its share of a server) and cloud rent per GPU-hour. */
export interface GpuPrice {
  /** cnySource / cnyDate: where the CNY figure comes from when it is not the USD source (China-market price). */
  purchase?: { usd?: number; cny?: number; source: string; date: string; cnySource?: string; cnyDate?: string };
  cloud?: { perHourUsd: number; provider: string; source: string; date: string };
}

export interface QuantFormat {
  id: string;
  name: string;
  family: 'float' | 'int' | 'gguf' | 'fp4';
  bitsPerWeight: number;
  bitsFormula: string;
  appliesTo: TensorKind[];
  otherBits: number | null;
  perKind: Record<string, number>;
  nativeOn: string[];
  engines: string[];
}

/** CPU + RAM that serve weights kept in host memory (KTransformers experts, llama.cpp offload). */
export interface Host {
  id: string;
  name: string;
  /** Peak memory bandwidth, GB/s. */
  bandwidthGBs: number;
  /** Dense fp32 peak of the CPU, TFLOPS. */
  cpuTflops: number;
}

export interface KvDtype {
  id: string;
  bytes: number;
  bytesFormula: string;
}

export type EngineId = 'vllm' | 'sglang' | 'llamacpp' | 'ollama' | 'tgi' | 'transformers' | 'ktransformers' | 'mindie' | 'trtllm';

export interface EngineSpec {
  id: EngineId;
  /** Release the profile describes ("0.19"); undefined for engines modelled without versions. */
  version?: string;
}

export interface ModelSource {
  kind: 'catalog' | 'hub' | 'attachment';
  /** Hub repo id (`org/name`), and the file for a GGUF. */
  repo?: string;
  /** Commit sha the files were read at. */
  revision?: string;
  file?: string;
}

/** Speculative decoding asked for (spec: option): the draft, how many tokens it drafts and how often they are accepted. */
export interface SpecRequest {
  method: 'mtp' | 'eagle3';
  /** Tokens drafted per verify step (vLLM num_speculative_tokens, SGLang --speculative-num-steps). */
  tokens: number;
  /** Per-token acceptance rate of the chain draft (0..1). */
  acceptance: number;
  /** published: a catalog figure; given: accept: option; borrowed: another model's figure (none published for this one). */
  acceptanceKind: 'published' | 'given' | 'borrowed';
  /** Where the acceptance comes from, in words (source and quote). */
  acceptanceSource: string;
  /** EAGLE-3 draft head (catalogs/speculative.yaml). */
  draft?: { repo: string; draftVocab: number; intermediate?: number };
}

/** The normalized question. */
export interface SizingRequest {
  model: Architecture;
  gpu: Gpu;
  gpuCount: number;
  users: number;
  contextTokens: number;
  quant: QuantFormat;
  kvDtype: KvDtype;
  engine: EngineSpec;
  tp?: number;
  pp?: number;
  /** Engine memory fraction (vLLM gpu_memory_utilization, SGLang mem_fraction_static). */
  util?: number;
  /** Where the architecture came from (catalog entry, Hub repo at a commit, attached config.json). */
  source?: ModelSource;
  /** Host RAM and CPU for offloaded weights (KTransformers experts, llama.cpp layers); the engine default when absent. */
  host?: Host;
  /** Per-user decode floor, tokens/s, that users are counted against. */
  targetTps?: number;
  /** Time-to-first-token ceiling, seconds, that users are counted against. */
  targetTtftSeconds?: number;
  /** What the user typed or what was defaulted, for notes. */
  /** Average context per user when below contextTokens (the per-request maximum): capacity is sized at the average. */
  avgContextTokens?: number;
  /** Speculative decoding (MTP or an EAGLE-3 draft); absent = off. */
  spec?: SpecRequest;
  /** Serve a vision-language model for text only (textonly:true): engines with a switch load and profile no encoder. */
  textOnly?: boolean;
  defaulted: Partial<Record<'engine' | 'quant' | 'kv' | 'users' | 'context' | 'util' | 'tp' | 'host' | 'tps' | 'ttft', boolean>>;
}

export interface Catalogs {
  models: Map<string, Architecture>;
  gpus: Map<string, Gpu>;
  quants: Map<string, QuantFormat>;
  kvDtypes: Map<string, KvDtype>;
  engines: EngineCatalog;
  hosts: Map<string, Host>;
}
