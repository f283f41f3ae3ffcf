// Runs every measured throughput case (test/calibration/throughput/*.json) through the speed model and reports
// the error per case and the median per metric. Shared by the throughput calibration test, the fit script and
// `npm run bench`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogs, type LoadedCatalogs } from '../../src/catalog/load.ts';
import { evaluateLayout, type ProfileInput } from '../../src/engine/profiles.ts';
import type { Backend, SpeedEngine } from '../../src/engine/speed.ts';
import { decodeStep, prefillSeconds, saturationBatch, serve, speedModel } from '../../src/engine/throughput.ts';
import { acceptanceFromLength } from '../../src/engine/speculative.ts';
import type { SpecRequest } from '../../src/engine/types.ts';
import type { EngineId } from '../../src/engine/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

export type SpeedMetric = 'decode_per_user' | 'total_at_concurrency' | 'saturation' | 'prefill' | 'spec_speedup';

/** Median |error| limits per metric (issue 9). Offload cases must each stay within 2x. */
export const SPEED_THRESHOLDS: Record<SpeedMetric, number> = {
  decode_per_user: 0.2,
  total_at_concurrency: 0.25,
  saturation: 0.35,
  prefill: 0.3,
  // Speculative decoding: speed with the draft / speed without, at the same concurrency (acceptance as measured).
  spec_speedup: 0.25,
};
export const OFFLOAD_MAX_RATIO = 2;

export interface ThroughputCase {
  id: string;
  engine: SpeedEngine;
  engineVersion?: string;
  backend: Backend;
  model: string;
  quant: string;
  gpu: string;
  gpuCount: number;
  tp?: number;
  split?: 'layer';
  offload?: 'experts';
  host?: string;
  /** KV cache dtype when it is not the engine's default. */
  kv?: string;
  workload: { batch?: number; concurrency?: number; inputTokens: number; outputTokens: number };
  metric: SpeedMetric;
  measured: number;
  /** spec_speedup: the same run without speculation (tok/s), or 1 when only the ratio is published. */
  baseline?: number;
  /** spec_speedup: the draft and the acceptance length the run measured. */
  spec?: { method: 'mtp' | 'eagle3'; tokens: number; acceptanceLength: number };
  quote: string;
  source?: string;
  notes?: string;
  skip?: string;
  file: string;
}

export interface SpeedRow {
  id: string;
  metric: SpeedMetric;
  engine: string;
  offload: boolean;
  measured: number;
  predicted: number;
  /** (predicted - measured) / measured */
  error: number;
}

export interface SpeedResult {
  rows: SpeedRow[];
  skipped: Array<{ id: string; reason: string }>;
  medians: Partial<Record<SpeedMetric, { median: number; n: number; threshold: number }>>;
  offloadWorstRatio: number;
}

export function loadThroughputCases(): ThroughputCase[] {
  const dir = join(here, 'throughput');
  const out: ThroughputCase[] = [];
  const ids = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { source?: { url?: string }; cases: Array<Omit<ThroughputCase, 'file'>> };
    for (const c of doc.cases) {
      if (ids.has(c.id)) throw new Error(`duplicate throughput case ${c.id}`);
      ids.add(c.id);
      out.push({ ...c, source: c.source ?? doc.source?.url, file: f });
    }
  }
  return out;
}

/** The speed model's prediction for one case (tokens/s). */
export function predictCase(cat: LoadedCatalogs, c: ThroughputCase): number {
  const arch = cat.models.get(c.model);
  if (!arch) throw new Error(`${c.id}: unknown catalog model ${c.model}`);
  const quant = cat.quants.get(c.quant);
  if (!quant) throw new Error(`${c.id}: unknown quant ${c.quant}`);
  const gpu = cat.gpus.get(c.gpu);
  if (!gpu) throw new Error(`${c.id}: unknown gpu ${c.gpu}`);
  const host = c.host ? cat.hosts.get(c.host) : undefined;
  if (c.host && !host) throw new Error(`${c.id}: unknown host ${c.host}`);
  const memEngine: EngineId = c.engine;
  const llama = memEngine === 'llamacpp' || memEngine === 'ollama';
  const w = c.workload;
  const context = Math.max(1, w.inputTokens + w.outputTokens);
  const users = w.concurrency ?? w.batch ?? 1;
  const p: ProfileInput = {
    arch,
    gpu,
    quant,
    kv: cat.kvDtypes.get(c.kv ?? (llama ? 'fp16' : 'bf16'))!,
    engine: memEngine,
    engines: cat.engines,
    users,
    context,
    // The perf overview runs with --kv_cache_free_gpu_mem_fraction 0.95 where it fits.
    util: c.engine === 'trtllm' ? 0.95 : undefined,
    explain: false,
    overrides: llama ? { nCtx: Math.max(context, 512), nParallel: 1, expertsOnHost: c.offload === 'experts' } : undefined,
  };
  const tp = c.split === 'layer' ? 1 : (c.tp ?? 1);
  const pp = c.split === 'layer' ? c.gpuCount : 1;
  if (c.metric === 'spec_speedup') {
    const s = c.spec!;
    const draft = s.method === 'eagle3' ? cat.speculative.eagle3.find((d) => d.model === c.model) : undefined;
    if (s.method === 'eagle3' && !draft) throw new Error(`${c.id}: no EAGLE-3 draft for ${c.model} in catalogs/speculative.yaml`);
    const spec: SpecRequest = {
      method: s.method,
      tokens: s.tokens,
      acceptance: acceptanceFromLength(s.acceptanceLength, s.tokens),
      acceptanceKind: 'given',
      acceptanceSource: c.id,
      ...(draft ? { draft: { repo: draft.repo, draftVocab: draft.draftVocab, ...(draft.intermediate ? { intermediate: draft.intermediate } : {}) } } : {}),
    };
    const rate = (sp?: SpecRequest) => {
      const ev = evaluateLayout({ ...p, ...(sp ? { spec: sp } : {}) }, tp, pp, 1);
      const m = speedModel(ev, arch, gpu, quant, { engine: c.engine, backend: c.backend, host, context, users, engines: cat.engines, expertsOnHost: false });
      return serve(m, users, w.inputTokens, w.outputTokens).total;
    };
    return rate(spec) / rate(undefined);
  }
  const ev = evaluateLayout(p, tp, pp, 1);
  const m = speedModel(ev, arch, gpu, quant, {
    engine: c.engine,
    backend: c.backend,
    host,
    context,
    users,
    engines: cat.engines,
    expertsOnHost: c.offload === 'experts',
  });
  switch (c.metric) {
    case 'prefill':
      return w.inputTokens / prefillSeconds(m, w.inputTokens);
    case 'decode_per_user':
      if ((w.concurrency ?? 1) > 1) return serve(m, w.concurrency!, w.inputTokens, w.outputTokens).perUser;
      // llama-bench tgN starts from an empty context: on average the KV holds half the generated tokens.
      return 1 / decodeStep(m, 1, 1, 0, w.inputTokens + w.outputTokens / 2).seconds;
    case 'total_at_concurrency':
      return serve(m, w.concurrency ?? 1, w.inputTokens, w.outputTokens).total;
    case 'saturation': {
      const b = saturationBatch(m, w.inputTokens, w.outputTokens);
      return serve(m, b, w.inputTokens, w.outputTokens).total;
    }
  }
}

export function runThroughputCalibration(cat: LoadedCatalogs = loadCatalogs(), cases = loadThroughputCases()): SpeedResult {
  const rows: SpeedRow[] = [];
  const skipped: SpeedResult['skipped'] = [];
  for (const c of cases) {
    if (c.skip) {
      skipped.push({ id: c.id, reason: c.skip });
      continue;
    }
    const predicted = predictCase(cat, c);
    const measured = c.metric === 'spec_speedup' ? c.measured / (c.baseline ?? 1) : c.measured;
    rows.push({ id: c.id, metric: c.metric, engine: `${c.engine}/${c.backend}`, offload: c.offload !== undefined, measured, predicted, error: (predicted - measured) / measured });
  }
  const medians: SpeedResult['medians'] = {};
  for (const metric of Object.keys(SPEED_THRESHOLDS) as SpeedMetric[]) {
    const errs = rows.filter((r) => r.metric === metric && !r.offload).map((r) => Math.abs(r.error));
    if (errs.length) medians[metric] = { median: median(errs), n: errs.length, threshold: SPEED_THRESHOLDS[metric] };
  }
  const ratios = rows.filter((r) => r.offload).map((r) => Math.max(r.predicted / r.measured, r.measured / r.predicted));
  return { rows, skipped, medians, offloadWorstRatio: ratios.length ? Math.max(...ratios) : 1 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function formatThroughput(r: SpeedResult): string {
  const lines: string[] = [];
  lines.push('case                                            engine              metric                  measured   predicted    error');
  for (const x of [...r.rows].sort((a, b) => a.metric.localeCompare(b.metric) || a.id.localeCompare(b.id))) {
    lines.push(
      `${x.id.padEnd(47).slice(0, 47)} ${x.engine.padEnd(19)} ${(x.metric + (x.offload ? ' (offload)' : '')).padEnd(22)} ${x.measured.toFixed(x.metric === 'spec_speedup' ? 2 : 1).padStart(10)} ${x.predicted.toFixed(x.metric === 'spec_speedup' ? 2 : 1).padStart(11)} ${`${(x.error * 100).toFixed(1)}%`.padStart(8)}`,
    );
  }
  lines.push('');
  lines.push('median |error| per metric (offload cases apart):');
  for (const [metric, m] of Object.entries(r.medians)) lines.push(`  ${metric.padEnd(22)} ${(m!.median * 100).toFixed(1).padStart(6)} %  over ${m!.n} case(s)  (limit ${(m!.threshold * 100).toFixed(0)} %)`);
  lines.push(`  offload: worst ratio ${r.offloadWorstRatio.toFixed(2)}x over ${r.rows.filter((x) => x.offload).length} case(s)  (limit ${OFFLOAD_MAX_RATIO}x)`);
  lines.push(`skipped: ${r.skipped.length}`);
  for (const s of r.skipped) lines.push(`  ${s.id}: ${s.reason}`);
  return lines.join('\n');
}
