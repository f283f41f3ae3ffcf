// Load and validate the YAML catalogs once per process, and convert entries into engine types.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { architectureFromConfig } from '../engine/architecture.ts';
import type { Architecture, Catalogs, Gpu, GpuPrice, Host, KvDtype, QuantFormat } from '../engine/types.ts';
import { loadPrices, type PriceEntry } from './prices.ts';
import { readYamlFile } from './yaml-cache.ts';
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
  return readYamlFile(join(dir, file));
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
    vision: e.extraParams?.vision,
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

/**
 * A Map whose values are built from their catalog entries on first read. Deriving a model's architecture takes
 * 1-5 ms (tensor groups, checkpoint quantization); a question needs one or two models, so building all of them at
 * load was a third of `ask`'s cold start. Iterating (or `size`) builds every value, in catalog order.
 */
export class LazyMap<K, E, V> extends Map<K, V> {
  readonly #entries: Map<K, E>;
  readonly #build: (e: E) => V;
  #complete = false;

  constructor(entries: Map<K, E>, build: (e: E) => V) {
    super();
    this.#entries = entries;
    this.#build = build;
  }

  override get(k: K): V | undefined {
    if (this.#complete || super.has(k)) return super.get(k);
    const e = this.#entries.get(k);
    if (e === undefined) return undefined;
    const v = this.#build(e);
    super.set(k, v);
    return v;
  }

  override has(k: K): boolean {
    return super.has(k) || (!this.#complete && this.#entries.has(k));
  }

  override delete(k: K): boolean {
    const had = this.has(k);
    this.#entries.delete(k);
    super.delete(k);
    return had;
  }

  override clear(): void {
    this.#entries.clear();
    super.clear();
  }

  /** Build every value that is not built yet, keeping the catalog's order. */
  #all(): void {
    if (this.#complete) return;
    const built: Array<[K, V]> = [];
    for (const [k, e] of this.#entries) built.push([k, super.has(k) ? super.get(k)! : this.#build(e)]);
    const extra = [...super.entries()].filter(([k]) => !this.#entries.has(k));
    super.clear();
    for (const [k, v] of [...built, ...extra]) super.set(k, v);
    this.#complete = true;
  }

  override get size(): number {
    this.#all();
    return super.size;
  }
  override keys(): MapIterator<K> {
    this.#all();
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.#all();
    return super.values();
  }
  override entries(): MapIterator<[K, V]> {
    this.#all();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.#all();
    return super[Symbol.iterator]();
  }
  override forEach(fn: (v: V, k: K, m: Map<K, V>) => void, thisArg?: unknown): void {
    this.#all();
    super.forEach(fn, thisArg);
  }
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

  const modelById = new Map<string, ModelEntry>();
  for (const e of models.data) {
    if (modelById.has(e.id)) throw new Error(`models.yaml: duplicate id ${e.id}`);
    modelById.set(e.id, e);
  }
  const modelMap = new LazyMap(modelById, (e) => {
    try {
      return modelFromEntry(e);
    } catch (err) {
      throw new Error(`models.yaml: ${e.id}: ${(err as Error).message}`);
    }
  });
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
    purchase: e.purchase
      ? { usd: e.purchase.usd ?? undefined, cny: e.purchase.cny ?? undefined, source: e.purchase.source, date: e.purchase.date, ...(e.purchase.cnySource ? { cnySource: e.purchase.cnySource, cnyDate: e.purchase.cnyDate } : {}) }
      : undefined,
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

/**
 * Build everything a question may need (every model's architecture) now: a bot's warm-up calls this so the first
 * burst of questions does not hold the event loop building models (`ask` answers one question and stays lazy).
 */
export function warmCatalogs(): LoadedCatalogs {
  const c = catalogs();
  void c.models.size; // builds every entry
  return c;
}
