// The /recommend JSON contract: { request, options: [...] } best first. Built from recommend()'s result; pure.
import { z } from 'zod';
import type { RecommendOption, RecommendResult, TierId } from './recommend.ts';
import { SizingReportSchema } from './report.ts';
import type { SizingRequest } from './types.ts';

const TierSchema = z.enum(['have', 'consumer', 'workstation', 'datacenter', 'multi-gpu', 'multi-node', 'ascend', 'apple']);

export const RecommendOptionSchema = z.object({
  gpuId: z.string(),
  gpuName: z.string(),
  gpuCount: z.number().int().positive(),
  layout: z.object({ tp: z.number().int().positive(), pp: z.number().int().positive(), replicas: z.number().int().positive() }),
  engine: z.string(),
  /** The format this hardware runs (may differ from the request's: FP8 -> W8A8 on Ascend, 4-bit -> Q4_K_M on llama.cpp). */
  quant: z.string(),
  tier: TierSchema,
  fits: z.boolean(),
  capacity: SizingReportSchema.shape.capacity,
  perGpu: SizingReportSchema.shape.perGpu,
  performance: SizingReportSchema.shape.performance,
  /** The command that launches this option so its numbers hold (the /size answer's launch). */
  launch: SizingReportSchema.shape.launch,
  /** Price of all `gpuCount` GPUs: purchase (USD / CNY) and cloud rent per hour, with the source and date used. */
  price: z
    .object({
      usd: z.number().nonnegative().nullable(),
      cny: z.number().nonnegative().nullable(),
      perHourUsd: z.number().nonnegative().nullable(),
      source: z.string(),
      date: z.string(),
    })
    .nullable(),
  costPerMillionTokensUsd: z.number().nonnegative().nullable(),
  powerW: z.number().int().nonnegative().nullable(),
  reason: z.string(),
  cannot: z.array(z.string()),
});
export type RecommendOptionJson = z.infer<typeof RecommendOptionSchema>;

export const RecommendReportSchema = z.object({
  request: z.object({
    model: z.string(),
    users: z.number().int().positive(),
    contextTokens: z.number().int().positive(),
    quant: z.string(),
    kvDtype: z.string(),
    engine: z.string(),
    /** Per-user decode speed every option (outside "have") reaches, tok/s. */
    minTokensPerUser: z.number().positive(),
    have: z.object({ gpu: z.string(), count: z.number().int().positive() }).nullable(),
  }),
  tiers: z.array(z.object({ id: TierSchema, label: z.string(), options: z.number().int().nonnegative() })),
  options: z.array(RecommendOptionSchema),
});
export type RecommendReport = z.infer<typeof RecommendReportSchema>;

export function optionJson(o: RecommendOption): RecommendOptionJson {
  const r = o.report;
  const c = r.cost;
  const priced = c.basis !== 'none';
  return {
    gpuId: o.gpu.id,
    gpuName: o.gpu.name,
    gpuCount: o.count,
    layout: { tp: r.layout.tp, pp: r.layout.pp, replicas: r.layout.replicas },
    engine: r.request.engine,
    quant: r.request.quant,
    tier: o.tier,
    fits: r.fits,
    capacity: r.capacity,
    perGpu: r.perGpu,
    performance: r.performance,
    launch: r.launch,
    price: priced ? { usd: c.purchaseUsd ?? null, cny: c.purchaseCny ?? null, perHourUsd: c.perHourUsd ?? null, source: c.sources.join('; '), date: c.date } : null,
    costPerMillionTokensUsd: c.perMillionOutputTokensUsd ?? null,
    powerW: c.powerW ?? null,
    reason: o.reason.message,
    cannot: o.cannot.map((n) => n.message),
  };
}

export function recommendJson(base: Omit<SizingRequest, 'gpu' | 'gpuCount' | 'tp' | 'pp'>, res: RecommendResult, have?: { gpu: string; count: number }): RecommendReport {
  return {
    request: {
      model: base.model.id,
      users: base.users,
      contextTokens: base.contextTokens,
      quant: base.quant.id,
      kvDtype: base.kvDtype.id,
      engine: base.engine.version ? `${base.engine.id}@${base.engine.version}` : base.engine.id,
      minTokensPerUser: res.minTokensPerUser,
      have: have ?? null,
    },
    tiers: res.tiers.map((t) => ({ id: t.id as TierId, label: t.label, options: t.options.length })),
    options: res.options.map(optionJson),
  };
}
