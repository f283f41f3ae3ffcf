// Load and validate the YAML catalogs once per process, and convert entries into engine types.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { architectureFromConfig } from '../engine/architecture.ts';
import type { Architecture, Catalogs, Gpu, GpuPrice, Host, KvDtype, QuantFormat } from '../engine/types.ts';
import { loadPrices, type PriceEntry } from './prices.ts';
import {
  EngineCatalogSchema,
  GpuEntrySchema,
  HostEntrySchema,
  ModelEntrySchema,
  QuantCatalogSchema,
  SpeculativeCatalogSchema,
  type GpuEntry,
  type SpeculativeCatalog,
  type HostEntry,
  type ModelEntry,
  type QuantEntry,
} from './schema.ts';

export const CATALOG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'catalogs');

/** `gpus` holds the accelerators that are sized; `gpuEntries` every catalog row, server entries included. */
export interface LoadedCatalogs extends Catalogs {
  modelEntries: ModelEntry[];
  gpuEntries: GpuEntry[];
  quantEntries: QuantEntry[];
  /** catalogs/prices.yaml by gpus.yaml id: purchase and cloud prices with source and date (src/catalog/prices.ts). */
  prices: Map<string, PriceEntry>;
  /** What teams ask about most (catalogs/popular.yaml): ids, most asked first. */
  popular: Popular;
  hostEntries: HostEntry[];
  /** catalogs/speculative.yaml: MTP acceptance per model family, EAGLE-3 drafts (src/catalog/speculative.ts). */
  speculative: SpeculativeCatalog;
}

export const PopularSchema = z.object({ gpus: z.array(z.string()).default([]), models: z.array(z.string()).default([]) });
export type Popular = z.infer<typeof PopularSchema>;

function readYaml(dir: string, file: string): unknown {
  return parseYaml(readFileSync(join(dir, file), 'utf8'));
}

function formatZod(file: string, err: z.ZodError): string {
  return `${file}: ${err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.')}: ${i.message}`)
    .join('; ')}`;
}

export function modelFromEntry(e: ModelEntry): Architecture {
  return architectureFromConfig(e.config, {
    id: e.id,
    name: e.name,
    extraParams: e.extraParams?.count,
    extraParamsReplicated: e.extraParams?.replicated,
    publishedTotalParams: e.published.totalParams,
    publishedActiveParams: e.published.activeParams ?? undefined,
    hfRepo: e.hf.find((h) => /instruct|-it$|chat/i.test(h)) ?? e.hf[0],
    ollamaTag: e.aliases.find((a) => /^[a-z0-9.\-]+:[a-z0-9.\-]+$/.test(a)),
    hfQuantConfig: e.hfQuantConfig,
  });
}

export function gpuFromEntry(e: GpuEntry): Gpu {
  return {
    id: e.id,
    name: e.name,
    vendor: e.vendor,
    arch: e.arch,
    category: e.category,
    marketingGB: e.memory.marketingGB,
    visibleBytes: Math.round(e.memory.visibleGiB * 2 ** 30),
    visibleKind: e.memory.visibleKind,
    bandwidthGBs: e.bandwidthGBs,
    tflopsBf16: e.tflops.bf16,
    tflopsFp8: e.tflops.fp8,
    tflopsInt8: e.tflops.int8,
    tflopsFp4: e.tflops.fp4,
    interconnect: e.interconnect.kind,
    interconnectGBs: e.interconnect.GBs,
    smCount: e.smCount,
    nvidiaSmiMiB: e.memory.nvidiaSmiMiB,
    unified: e.category === 'unified' || e.vendor === 'apple',
    tdpW: e.tdpW,
  };
}

function quantFromEntry(e: QuantEntry): QuantFormat {
  return {
    id: e.id,
    name: e.name,
    family: e.family,
    bitsPerWeight: e.bitsPerWeight,
    bitsFormula: e.bitsFormula,
    appliesTo: e.appliesTo,
    otherBits: e.otherBits,
    perKind: e.perKind,
    nativeOn: e.nativeOn,
    engines: e.engines,
  };
}

/** Read, validate and convert every catalog. Throws an Error naming the file and field on bad data. */
export function loadCatalogs(dir = CATALOG_DIR): LoadedCatalogs {
  const models = z.array(ModelEntrySchema).safeParse(readYaml(dir, 'models.yaml'));
  if (!models.success) throw new Error(formatZod('models.yaml', models.error));
  const gpus = z.array(GpuEntrySchema).safeParse(readYaml(dir, 'gpus.yaml'));
  if (!gpus.success) throw new Error(formatZod('gpus.yaml', gpus.error));
  const quant = QuantCatalogSchema.safeParse(readYaml(dir, 'quant.yaml'));
  if (!quant.success) throw new Error(formatZod('quant.yaml', quant.error));
  const engines = EngineCatalogSchema.safeParse(readYaml(dir, 'engines.yaml'));
  if (!engines.success) throw new Error(formatZod('engines.yaml', engines.error));
  const popular = PopularSchema.safeParse(existsSync(join(dir, 'popular.yaml')) ? readYaml(dir, 'popular.yaml') : {});
  if (!popular.success) throw new Error(formatZod('popular.yaml', popular.error));
  const hosts = z.array(HostEntrySchema).safeParse(readYaml(dir, 'hosts.yaml'));
  if (!hosts.success) throw new Error(formatZod('hosts.yaml', hosts.error));
  const speculative = SpeculativeCatalogSchema.safeParse(existsSync(join(dir, 'speculative.yaml')) ? readYaml(dir, 'speculative.yaml') : { mtp: [], eagle3: [] });
  if (!speculative.success) throw new Error(formatZod('speculative.yaml', speculative.error));

  const modelMap = new Map<string, Architecture>();
  for (const e of models.data) {
    if (modelMap.has(e.id)) throw new Error(`models.yaml: duplicate id ${e.id}`);
    modelMap.set(e.id, modelFromEntry(e));
  }
  for (const e of speculative.data.mtp) for (const id of e.models) if (!modelMap.has(id)) throw new Error(`speculative.yaml: mtp names unknown model ${id}`);
  for (const e of speculative.data.eagle3) if (!modelMap.has(e.model)) throw new Error(`speculative.yaml: eagle3 names unknown model ${e.model}`);
  const gpuMap = new Map<string, Gpu>();
  const ids = new Set<string>();
  for (const e of gpus.data) {
    if (ids.has(e.id)) throw new Error(`gpus.yaml: duplicate id ${e.id}`);
    ids.add(e.id);
    if (e.server && !gpus.data.some((g) => g.id === e.server!.gpu)) throw new Error(`gpus.yaml: server ${e.id} names unknown chip ${e.server.gpu}`);
    // A server entry (Atlas 800I A2) is a name for N chips: lookup resolves it to its chip, so the sized
    // accelerators are the chips alone.
    if (!e.server) gpuMap.set(e.id, gpuFromEntry(e));
  }
  const prices = loadPrices(dir, ids);
  attachPrices(gpuMap, prices, gpus.data);
  const quants = new Map<string, QuantFormat>(quant.data.weights.map((q) => [q.id, quantFromEntry(q)]));
  const kvDtypes = new Map<string, KvDtype>(quant.data.kv.map((k) => [k.id, { id: k.id, bytes: k.bytes, bytesFormula: k.bytesFormula }]));
  return {
    models: modelMap,
    gpus: gpuMap,
    quants,
    kvDtypes,
    engines: engines.data,
    hosts: new Map<string, Host>(hosts.data.map((h) => [h.id, { id: h.id, name: h.name, bandwidthGBs: h.bandwidthGBs, cpuTflops: h.cpuTflops }])),
    hostEntries: hosts.data,
    modelEntries: models.data,
    gpuEntries: gpus.data,
    quantEntries: quant.data.weights,
    prices,
    popular: popular.data,
    speculative: speculative.data,
  };
}

/**
 * Give each sized GPU its price (the engine reads prices from the Gpu, as it reads bandwidth). A server entry's
 * price is per accelerator (prices.yaml), so it prices its chip when the chip has no entry of its own.
 */
export function attachPrices(gpuMap: Map<string, Gpu>, prices: Map<string, PriceEntry>, entries: GpuEntry[]): void {
  const own = (e: PriceEntry): GpuPrice => ({
    purchase: e.purchase ? { usd: e.purchase.usd ?? undefined, cny: e.purchase.cny ?? undefined, source: e.purchase.source, date: e.purchase.date } : undefined,
    cloud: e.cloud ? { perHourUsd: e.cloud.perHourUsd, provider: e.cloud.provider, source: e.cloud.source, date: e.cloud.date } : undefined,
  });
  for (const [id, e] of prices) {
    const server = entries.find((g) => g.id === id)?.server;
    const gpu = gpuMap.get(server ? server.gpu : id);
    if (!gpu) continue;
    if (server && prices.has(server.gpu)) continue;
    gpu.price = own(e);
  }
}

let cached: LoadedCatalogs | undefined;
/** The process-wide catalogs (loaded on first use). */
export function catalogs(): LoadedCatalogs {
  cached ??= loadCatalogs();
  return cached;
}
