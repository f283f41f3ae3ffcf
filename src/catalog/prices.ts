// catalogs/prices.yaml: what an accelerator costs to buy and to rent, per catalog GPU id, each figure with its
// source and the date it was read. Power is not here: it comes from gpus.yaml `tdpW`.
import { join } from 'node:path';
import { z } from 'zod';
import { readYamlFile } from './yaml-cache.ts';

/** `2026-05` or `2026-05-07`: the month (or day) the price was published or read. */
const PriceDate = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'date must be YYYY-MM or YYYY-MM-DD');
const Source = z.string().min(10);

/** Purchase price of one accelerator: the card, or one GPU's share of a server (the server quote in `note`). */
export const PurchasePriceSchema = z
  .object({
    usd: z.number().positive().nullable().default(null),
    /** The China-market price where it differs (the seed documents price servers in CNY). */
    cny: z.number().positive().nullable().default(null),
    source: Source,
    date: PriceDate,
    /** When the CNY figure comes from another page or date than the USD one. */
    cnySource: Source.optional(),
    cnyDate: PriceDate.optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((p) => p.usd !== null || p.cny !== null, { message: 'purchase needs usd or cny' })
  .refine((p) => (p.cnySource === undefined) === (p.cnyDate === undefined), { message: 'cnySource and cnyDate go together' })
  .refine((p) => p.cnySource === undefined || p.cny !== null, { message: 'cnySource without a cny figure' });
export type PurchasePrice = z.infer<typeof PurchasePriceSchema>;

/** On-demand rental of one GPU for one hour (a multi-GPU instance's price divided by its GPU count). */
export const CloudPriceSchema = z
  .object({
    perHourUsd: z.number().positive(),
    provider: z.string().min(2),
    source: Source,
    date: PriceDate,
    note: z.string().optional(),
  })
  .strict();
export type CloudPrice = z.infer<typeof CloudPriceSchema>;

export const PriceEntrySchema = z
  .object({
    /** A gpus.yaml id (a chip, or a server entry such as an Atlas 800I A2, priced per accelerator). */
    gpu: z.string(),
    purchase: PurchasePriceSchema.optional(),
    cloud: CloudPriceSchema.optional(),
    notes: z.string().optional(),
  })
  .strict()
  .refine((e) => e.purchase !== undefined || e.cloud !== undefined, { message: 'an entry needs purchase or cloud' });
export type PriceEntry = z.infer<typeof PriceEntrySchema>;

/** Validate price rows against the GPU ids they name. Throws one line naming the file and the problem. */
export function pricesFromData(data: unknown, gpuIds: ReadonlySet<string>): Map<string, PriceEntry> {
  const parsed = z.array(PriceEntrySchema).safeParse(data ?? []);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`prices.yaml: ${i.path.join('.')}: ${i.message}`);
  }
  const out = new Map<string, PriceEntry>();
  for (const e of parsed.data) {
    if (!gpuIds.has(e.gpu)) throw new Error(`prices.yaml: unknown gpu id ${e.gpu} (not in gpus.yaml)`);
    if (out.has(e.gpu)) throw new Error(`prices.yaml: duplicate gpu id ${e.gpu}`);
    out.set(e.gpu, e);
  }
  return out;
}

/** Read catalogs/prices.yaml from `dir`. */
export function loadPrices(dir: string, gpuIds: ReadonlySet<string>): Map<string, PriceEntry> {
  // CORE_SCHEMA: a date such as 2026-05-07 stays the string it was written as (the default schema makes it a Date).
  return pricesFromData(readYamlFile(join(dir, 'prices.yaml'), 'core'), gpuIds);
}
