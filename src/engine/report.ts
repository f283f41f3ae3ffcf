// The SizingReport: the JSON contract of design.md §2 (camelCase; memory in bytes as integers).
// Fields beyond the contract are additive (explain, perGpu.shortfallBytes, kv.* details).
import { z } from 'zod';

const bytes = z.number().int().nonnegative();

export const NoteSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Values behind the message, so renderers can phrase it in another language. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Note = z.infer<typeof NoteSchema>;

export const AlternativeSchema = z.object({
  tp: z.number().int().positive(),
  pp: z.number().int().positive(),
  replicas: z.number().int().positive(),
  /** DP attention ranks per replica (absent or 1 = plain tensor parallel). */
  dp: z.number().int().positive().optional(),
  fits: z.boolean(),
  maxUsers: z.number().int().nonnegative(),
  reason: z.string(),
  /** What `reason` says, as a code and its values, so renderers can phrase it in another language (like notes). */
  reasonCode: z.string().optional(),
  reasonParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Alternative = z.infer<typeof AlternativeSchema>;

export const StepSchema = z.object({
  id: z.string(),
  label: z.string(),
  expr: z.string(),
  scope: z.record(z.string(), z.number()),
  value: z.number(),
  unit: z.enum(['bytes', 'tokens', 'users', 'count', 'tok/s', 's', 'ratio', 'bits', 'params', 'flops', 'usd', 'W']),
  byteVars: z.array(z.string()).optional(),
});

const usd = z.number().nonnegative();

/** What the hardware costs (design.md §2): cloud rent, or purchase and power, and USD per million output tokens. */
export const CostSchema = z.object({
  /** Which price $ per million tokens is computed from: cloud rent, the purchase over its service life, or none known. */
  basis: z.enum(['cloud', 'purchase', 'none']),
  perHourUsd: usd.optional(),
  provider: z.string().optional(),
  purchaseUsd: usd.optional(),
  purchaseCny: usd.optional(),
  powerW: z.number().int().nonnegative().optional(),
  perMillionOutputTokensUsd: usd.optional(),
  /** Source and date of the price behind `basis`. */
  source: z.string(),
  date: z.string(),
  /** Every price used, with its source and date. */
  sources: z.array(z.string()),
});
export type Cost = z.infer<typeof CostSchema>;

export const SizingReportSchema = z.object({
  request: z.object({
    model: z.string(),
    gpu: z.string(),
    gpuCount: z.number().int().positive(),
    users: z.number().int().positive(),
    contextTokens: z.number().int().positive(),
    quant: z.string(),
    kvDtype: z.string(),
    engine: z.string(),
    tp: z.number().int().positive(),
    pp: z.number().int().positive(),
    util: z.number().positive().max(1),
    /** avgcontext: capacity is sized at this average; contextTokens is then the average and maxContextTokens the per-request maximum. */
    avgContextTokens: z.number().int().positive().optional(),
    maxContextTokens: z.number().int().positive().optional(),
  }),
  model: z.object({
    id: z.string(),
    name: z.string(),
    totalParams: z.number().int().positive(),
    activeParams: z.number().int().positive(),
  }),
  gpu: z.object({ id: z.string(), name: z.string(), visibleBytes: bytes, bandwidthGBs: z.number().positive() }),
  layout: z.object({
    tp: z.number().int().positive(),
    pp: z.number().int().positive(),
    replicas: z.number().int().positive(),
    /** DP attention ranks per replica: each holds KV only for its own requests; experts expert-parallel (1 = off). */
    dp: z.number().int().positive(),
    reason: z.string(),
    reasonCode: z.enum(['requested', 'only', 'fastest', 'closest']),
    considered: z.number().int().positive(),
    alternatives: z.array(AlternativeSchema),
  }),
  perGpu: z.object({
    capacityBytes: bytes,
    budgetBytes: bytes,
    weightsBytes: bytes,
    activationBytes: bytes,
    overheadBytes: bytes,
    kvRequiredBytes: bytes,
    kvPoolBytes: bytes,
    freeBytes: bytes,
    shortfallBytes: bytes,
  }),
  weights: z.object({
    totalBytes: bytes,
    byKind: z.record(z.string(), bytes),
  }),
  kv: z.object({
    bytesPerToken: bytes,
    bytesPerTokenFullAttention: bytes,
    stateBytesPerSequence: bytes,
    poolTokens: z.number().int().nonnegative(),
    blockSize: z.number().int().positive(),
    windowedLayers: z.number().int().nonnegative(),
    linearLayers: z.number().int().nonnegative(),
  }),
  capacity: z.object({
    maxUsers: z.number().int().nonnegative(),
    maxContextTokens: z.number().int().nonnegative(),
    /** Users served at or above the speed target (per-user decode floor and first-token ceiling), at most maxUsers. */
    maxUsersAtTarget: z.number().int().nonnegative(),
    targetTokensPerSecond: z.number().positive(),
    targetTimeToFirstTokenSeconds: z.number().positive(),
    /** Which limit sets the users served: memory (maxUsers) or speed (maxUsersAtTarget). */
    bindingLimit: z.enum(['memory', 'speed']),
  }),
  fits: z.boolean(),
  performance: z.object({
    decodeTokensPerSecondPerUser: z.number().nonnegative(),
    decodeTokensPerSecondTotal: z.number().nonnegative(),
    prefillTokensPerSecond: z.number().nonnegative(),
    timeToFirstTokenSeconds: z.number().nonnegative(),
    boundBy: z.enum(['memory', 'compute', 'interconnect', 'host']),
    /** One user alone on the replica. */
    singleUserTokensPerSecond: z.number().nonnegative(),
    /** First token of a new prompt while the requested users are served. */
    timeToFirstTokenAtLoadSeconds: z.number().nonnegative(),
    interTokenLatencySeconds: z.number().nonnegative(),
    /** Request shape the load figures assume. */
    promptTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    /** Bytes read from host RAM per decode step (offloaded experts or layers). */
    hostBytesPerStep: bytes,
  }),
  /** Speculative decoding (spec: option): the draft, its acceptance and source, the speed without it, and the memory it costs. */
  speculative: z
    .object({
      method: z.enum(['mtp', 'eagle3']),
      /** Tokens drafted per verify step (k). */
      draftTokens: z.number().int().positive(),
      /** Per-token acceptance of the chain draft. */
      acceptanceRate: z.number().gt(0).lt(1),
      /** Expected tokens per verify step: (1 - a^(k+1)) / (1 - a). */
      acceptanceLength: z.number().positive(),
      acceptanceKind: z.enum(['published', 'given', 'borrowed']),
      acceptanceSource: z.string(),
      draftRepo: z.string().optional(),
      draftParams: z.number().nonnegative(),
      /** Draft weights on one GPU of the last stage. */
      draftWeightsBytesPerGpu: bytes,
      /** KV the draft's attention layer adds per cached token on one GPU. */
      draftKvBytesPerTokenPerGpu: bytes,
      /** The same layout and memory plan without speculation. */
      withoutTokensPerSecondPerUser: z.number().nonnegative(),
      withoutTokensPerSecondTotal: z.number().nonnegative(),
      withoutSingleUserTokensPerSecond: z.number().nonnegative(),
    })
    .optional(),
  cost: CostSchema,
  /** Where the architecture came from: the catalog, a Hub repo at a commit, or an attached config.json. */
  source: z.object({
    kind: z.enum(['catalog', 'hub', 'attachment']),
    repo: z.string().optional(),
    revision: z.string().optional(),
    file: z.string().optional(),
  }),
  /** The command line that makes this estimate true (design.md §2). */
  launch: z.object({
    engine: z.string(),
    command: z.string(),
    env: z.record(z.string(), z.string()),
    notes: z.array(z.string()),
  }),
  /** Cheap fixes tried before buying when it does not fit or is tight, in order, each with its effect. */
  fixes: z
    .array(
      z.object({
        code: z.string(),
        change: z.string(),
        effect: z.string(),
        fits: z.boolean(),
        maxUsers: z.number().int().nonnegative(),
        /** The values behind `effect` (renderers phrase it per language). */
        params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      }),
    )
    .optional(),
  notes: z.array(NoteSchema),
  explain: z.array(StepSchema).optional(),
});
export type SizingReport = z.infer<typeof SizingReportSchema>;
