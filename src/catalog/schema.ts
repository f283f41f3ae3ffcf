// Zod schemas for the YAML catalogs in catalogs/. Every entry cites its source.
// The model entry keeps the architecture as the verbatim keys of the model's Hugging Face
// config.json, so a catalog model and a user-supplied config.json go through the same code path
// (src/engine/architecture.ts).
import { z } from 'zod';

const sources = z.array(z.string().min(5)).min(1);

/** A subset of a Hugging Face config.json: numbers, strings, booleans, arrays and nested objects. */
export const HfConfigSchema = z.record(z.string(), z.unknown());

export const ModelEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/),
  name: z.string(),
  /** Hugging Face ids of the base and instruct/chat releases this entry answers to. */
  hf: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/)).min(1),
  /** Extra short names people type (ollama tags, loose forms). */
  aliases: z.array(z.string()).default([]),
  family: z.string(),
  published: z.object({
    totalParams: z.number().positive(),
    activeParams: z.number().positive().nullable().default(null),
    source: z.string(),
    /** What the figure counts: the model (default), the text decoder only (extraParams listed beside it, as Gemma 4's card does), or the model with its MTP layers (DeepSeek's 'total' figures). */
    scope: z.enum(['model', 'decoder', 'with-mtp']).optional(),
  }),
  /** Parameters outside the text decoder that the published count includes and that engines load (vision tower, projector). */
  extraParams: z
    .object({
      count: z.number().nonnegative(),
      /** Of count, the parameters every tensor-parallel rank keeps whole (patch embedding, position table, norms, row-parallel biases); the rest is sharded. */
      replicated: z.number().nonnegative().optional(),
      what: z.string(),
      source: z.string(),
      /** The vision encoder vLLM profiles at start-up: verbatim vision_config keys and the most tokens one image becomes. */
      vision: z
        .object({
          config: HfConfigSchema,
          tokensPerItem: z.number().int().positive(),
          source: z.string(),
        })
        .optional(),
    })
    .optional(),
  /** Verbatim keys of config.json (the text_config for multimodal models, merged to the top level). */
  config: HfConfigSchema,
  /** Verbatim hf_quant_config.json of a ModelOpt release (which modules are NVFP4 / FP8, which stay 16-bit). */
  hfQuantConfig: HfConfigSchema.optional(),
  source: sources,
  notes: z.string().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export const GpuEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/),
  name: z.string(),
  vendor: z.enum(['nvidia', 'amd', 'huawei', 'apple', 'intel']),
  category: z.enum(['consumer', 'workstation', 'datacenter', 'unified', 'server']),
  aliases: z.array(z.string()).default([]),
  /** Microarchitecture: decides which number formats run natively (fp8 needs ada/hopper/blackwell/cdna3). */
  arch: z.string(),
  memory: z.object({
    /** The marketing figure, GB (decimal) as sold. */
    marketingGB: z.number().positive(),
    /** Memory the engines see as total (cudaMemGetInfo / torch.cuda.mem_get_info), GiB. */
    visibleGiB: z.number().positive(),
    /** measured: read from an engine log / torch; derived: nvidia-smi total minus the driver reservation (see docs/catalogs.md). */
    visibleKind: z.enum(['measured', 'derived', 'spec']),
    visibleSource: z.string(),
    nvidiaSmiMiB: z.number().positive().optional(),
    type: z.string(),
  }),
  bandwidthGBs: z.number().positive(),
  /** Dense tensor throughput (no sparsity), TFLOPS / TOPS. null = not supported natively or not published. */
  tflops: z.object({
    bf16: z.number().positive(),
    fp8: z.number().positive().nullable(),
    int8: z.number().positive().nullable(),
    fp4: z.number().positive().nullable(),
  }),
  interconnect: z.object({
    kind: z.enum(['nvlink', 'pcie', 'infinity-fabric', 'hccs', 'unified', 'ethernet']),
    /** Per-GPU bidirectional bandwidth, GB/s. */
    GBs: z.number().positive(),
  }),
  smCount: z.number().int().positive().optional(),
  tdpW: z.number().positive().optional(),
  year: z.number().int().min(2015).max(2030),
  /** For server entries: the accelerator inside and how many. */
  server: z.object({ gpu: z.string(), count: z.number().int().positive() }).optional(),
  source: sources,
  notes: z.string().optional(),
});
export type GpuEntry = z.infer<typeof GpuEntrySchema>;

export const TensorKind = z.enum([
  'embedding',
  'lmHead',
  'attention',
  'mlp',
  'routedExperts',
  'sharedExperts',
  'router',
  'norm',
  'linearAttention',
  'vision',
]);
export type TensorKind = z.infer<typeof TensorKind>;

export const QuantEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()).default([]),
  family: z.enum(['float', 'int', 'gguf', 'fp4']),
  /** Bits per weight for the tensors it quantizes, including scales / zero points / block headers. */
  bitsPerWeight: z.number().positive(),
  /** Formula that gives bitsPerWeight (mathjs), shown in explanations. */
  bitsFormula: z.string(),
  /** Which tensor kinds it quantizes; the rest keep `otherBits` (the model's 16-bit dtype). */
  appliesTo: z.array(TensorKind),
  /** Bits for tensor kinds not in appliesTo; null = the model's native dtype. */
  otherBits: z.number().positive().nullable(),
  /** For GGUF mixes: bits per kind that differ from bitsPerWeight (e.g. Q4_K_M keeps lm_head at Q6_K). */
  perKind: z.record(z.string(), z.number().positive()).default({}),
  /** Engines that load this format. */
  engines: z.array(z.string()),
  /** Hardware arch that runs it natively (empty = any). */
  nativeOn: z.array(z.string()).default([]),
  source: sources,
  notes: z.string().optional(),
});
export type QuantEntry = z.infer<typeof QuantEntrySchema>;

export const KvDtypeSchema = z.object({
  id: z.string(),
  aliases: z.array(z.string()).default([]),
  /** Bytes per cached element, including block scales (q8_0 = 34/32). */
  bytes: z.number().positive(),
  bytesFormula: z.string(),
  engines: z.array(z.string()),
  source: sources,
});
export type KvDtypeEntry = z.infer<typeof KvDtypeSchema>;

export const QuantCatalogSchema = z.object({
  weights: z.array(QuantEntrySchema).min(1),
  kv: z.array(KvDtypeSchema).min(1),
});

const VllmReleaseSchema = z.object({
  version: z.string().regex(/^\d+\.\d+$/),
  utilDefault: z.number().gt(0).max(1),
  sampler: z.enum(['sort', 'triton']),
  cudaGraphsInBudget: z.boolean(),
  mxfp4Backend: z.enum(['marlin', 'triton']),
  source: z.string(),
});

const simpleEngine = z.object({ name: z.string(), source: z.string() });

export const EngineCatalogSchema = z.object({
  vllm: z.object({
    name: z.string(),
    blockSize: z.number().int().positive(),
    mlaBlockSize: z.number().int().positive(),
    vocabPad: z.number().int().positive(),
    batchDefaults: z.object({
      largeGpuMinGiB: z.number().positive(),
      large: z.object({ maxNumBatchedTokens: z.number().int(), maxNumSeqs: z.number().int() }),
      small: z.object({ maxNumBatchedTokens: z.number().int(), maxNumSeqs: z.number().int() }),
    }),
    constBytes: z.number().nonnegative(),
    nonTorch: z.object({ tp1GiB: z.number(), tpNGiB: z.number(), ppGiB: z.number(), source: z.string() }),
    cudaGraphs: z.object({ perGraphMiBTp1: z.number(), perGraphMiBTpN: z.number(), maxCaptureSize: z.number().int(), source: z.string() }),
    releases: z.array(VllmReleaseSchema).min(1),
    /** Newest vLLM release a measured log in the calibration set comes from; `vllm@X` above it is refused. */
    newestKnownRelease: z.string().regex(/^\d+\.\d+$/).optional(),
    newestKnownReleaseSource: z.string().optional(),
    mxfp4Padding: z.object({
      marlin: z.object({ hidden: z.number().int().positive(), intermediate: z.number().int().positive() }),
      triton: z.object({ hidden: z.number().int().positive(), intermediate: z.number().int().positive() }),
    }),
    samplerSortBytesPerLogit: z.number().positive(),
    samplerTritonBytesPerLogit: z.number().positive(),
    samplerTritonScratchBytes: z.number().nonnegative(),
  }),
  sglang: simpleEngine.extend({ pageSize: z.number().int().positive() }),
  llamacpp: simpleEngine,
  ollama: simpleEngine,
  tgi: simpleEngine,
  transformers: simpleEngine,
  ktransformers: simpleEngine,
  mindie: simpleEngine.extend({
    /** NPU_MEMORY_FRACTION default (MindIE LLM env.py). */
    memoryFraction: z.number().gt(0).max(1),
    maxPrefillTokens: z.number().int().positive(),
    maxBatchSize: z.number().int().positive(),
    cacheBlockSize: z.number().int().positive(),
  }),
  trtllm: simpleEngine.extend({
    /** KvCacheConfig.free_gpu_memory_fraction default. */
    freeGpuMemoryFraction: z.number().gt(0).max(1),
    maxBatchSize: z.number().int().positive(),
    maxNumTokens: z.number().int().positive(),
    tokensPerBlock: z.number().int().positive(),
  }),
  /** Per attention kind: how each engine caches it, and whether that rule is known from its source or a log. */
  kvKinds: z
    .array(
      z.object({
        kind: z.string(),
        engines: z.record(z.string(), z.object({ rule: z.string(), known: z.enum(['source', 'log', 'assumed']) })),
        source: z.string(),
      }),
    )
    .optional(),
});
export type EngineCatalog = z.infer<typeof EngineCatalogSchema>;

/** A host (CPU + RAM) preset for weights kept in host RAM (catalogs/hosts.yaml). */
export const HostEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/),
  name: z.string(),
  aliases: z.array(z.string()).default([]),
  channels: z.number().int().positive(),
  mts: z.number().positive(),
  /** Theoretical peak: channels x MT/s x 8 bytes. */
  bandwidthGBs: z.number().positive(),
  cores: z.number().int().positive(),
  ghz: z.number().positive(),
  flopsPerCycle: z.number().positive(),
  /** Dense fp32 FMA peak: cores x GHz x FLOP per cycle. */
  cpuTflops: z.number().positive(),
  source: sources,
});
export type HostEntry = z.infer<typeof HostEntrySchema>;

/** Speculative decoding data (catalogs/speculative.yaml): MTP acceptance per model family, EAGLE-3 draft heads. */
export const SpeculativeCatalogSchema = z.object({
  mtp: z.array(
    z.object({
      models: z.array(z.string()).min(1),
      acceptance: z.number().gt(0).lt(1),
      tokens: z.number().int().positive(),
      source: sources,
    }),
  ),
  eagle3: z.array(
    z.object({
      model: z.string(),
      repo: z.string().regex(/^[\w.\-]+\/[\w.\-]+$/),
      draftVocab: z.number().int().positive(),
      intermediate: z.number().int().positive().optional(),
      acceptanceLength: z.number().gt(1),
      tokens: z.number().int().positive(),
      source: sources,
    }),
  ),
});
export type SpeculativeCatalog = z.infer<typeof SpeculativeCatalogSchema>;
