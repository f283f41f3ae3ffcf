// Runs every measured case the engine can express and reports the error per case and the median per metric.
// Shared by the calibration test and `npm run bench`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogs, type LoadedCatalogs } from '../../src/catalog/load.ts';
import { parseEngine } from '../../src/catalog/parse.ts';
import { isLayerSplitEngine } from '../../src/engine/engines/index.ts';
import { vllmBatchDefaults } from '../../src/engine/activations.ts';
import { vllmCudaGraphs } from '../../src/engine/overhead.ts';
import { evaluateLayout, type ProfileInput } from '../../src/engine/profiles.ts';
import type { EngineId } from '../../src/engine/types.ts';
import { computeWeights } from '../../src/engine/weights.ts';
import { CASES, THRESHOLDS, type CaseMapping, type Metric } from './cases.ts';

const here = dirname(fileURLToPath(import.meta.url));
const GiB = 2 ** 30;
const MiB = 2 ** 20;

interface MeasuredCase {
  id: string;
  engine: string;
  measured: Record<string, number | number[]>;
  source: string;
}

export interface Row {
  id: string;
  metric: Metric;
  measured: number;
  predicted: number;
  /** (predicted - measured) / measured */
  error: number;
  unit: string;
}

export interface Skipped {
  id: string;
  metric: Metric | 'all';
  reason: string;
}

export interface CalibrationResult {
  rows: Row[];
  skipped: Skipped[];
  medians: Partial<Record<Metric, { median: number; n: number; threshold?: number }>>;
}

export function loadMeasured(): Map<string, MeasuredCase> {
  const out = new Map<string, MeasuredCase>();
  for (const f of ['measured.json', 'cases-extra.json', 'cases-llamacpp.json', 'cases-v021.json']) {
    for (const c of JSON.parse(readFileSync(join(here, f), 'utf8')) as MeasuredCase[]) {
      if (out.has(c.id)) throw new Error(`duplicate calibration case ${c.id}`);
      out.set(c.id, c);
    }
  }
  return out;
}

/** Sum the measured keys; convert to the unit of the predicted value (bytes or tokens). */
function measuredValue(c: MeasuredCase, keys: string | string[], gbIsGiB: boolean): { bytes: number; unit: string } | undefined {
  let total = 0;
  let unit = 'tokens';
  for (const k of Array.isArray(keys) ? keys : [keys]) {
    const raw = c.measured[k];
    if (raw === undefined) return undefined;
    const v = Array.isArray(raw) ? raw.reduce((a, b) => a + b, 0) : raw;
    if (k.includes('_gib')) {
      total += v * GiB;
      unit = 'GiB';
    } else if (k.includes('_mib')) {
      total += v * MiB;
      unit = 'MiB';
    } else if (k.includes('_gb')) {
      total += v * (gbIsGiB ? GiB : 1e9);
      unit = gbIsGiB ? 'GiB' : 'GB';
    } else total += v;
  }
  return { bytes: total, unit };
}

function predict(cat: LoadedCatalogs, m: CaseMapping, c: MeasuredCase): Partial<Record<Metric, number | undefined>> {
  const inp = m.input!;
  const arch = cat.models.get(inp.model);
  if (!arch) throw new Error(`${m.id}: unknown catalog model ${inp.model}`);
  const quant = cat.quants.get(inp.quant ?? arch.nativeQuant ?? 'bf16');
  if (!quant) throw new Error(`${m.id}: unknown quant ${inp.quant}`);
  if (inp.checkpoint) {
    const gguf = quant.family === 'gguf';
    const w = computeWeights(arch, quant, { tp: 1, pp: 1, vocabPad: 1, ropeCacheBytes: 0, dtypeBits: 16, embeddingOnHost: false, gguf }, false);
    return { weights: w.totalBytes };
  }
  const engineSpec = parseEngine(inp.engine ?? 'vllm');
  if (!engineSpec.ok) throw new Error(`${m.id}: ${engineSpec.error.message}`);
  const gpu0 = cat.gpus.get(inp.gpu ?? 'h100-sxm');
  if (!gpu0) throw new Error(`${m.id}: unknown gpu ${inp.gpu}`);
  const logTotal = c.measured.total_gpu_memory_gib;
  const gpu = typeof logTotal === 'number' ? { ...gpu0, visibleBytes: logTotal * GiB } : gpu0;
  const engine: EngineId = engineSpec.value.id;
  const kvId = inp.kv ?? (engine === 'llamacpp' || engine === 'ollama' ? 'fp16' : 'bf16');
  const kv = cat.kvDtypes.get(kvId)!;
  const count = inp.gpuCount ?? 1;
  const tp = isLayerSplitEngine(engine) ? 1 : (inp.tp ?? 1);
  const pp = isLayerSplitEngine(engine) ? count : (inp.pp ?? 1);
  const p: ProfileInput = {
    arch,
    gpu,
    quant,
    kv,
    engine,
    engineVersion: engineSpec.value.version,
    engines: cat.engines,
    users: inp.users ?? 1,
    context: inp.context ?? 4096,
    util: inp.util,
    explain: false,
    overrides: inp.overrides,
  };
  const ev = evaluateLayout(p, tp, pp, 1);
  const seqs = inp.overrides?.maxNumSeqs ?? vllmBatchDefaults(cat.engines.vllm, gpu).maxNumSeqs;
  const first = ev.stages[0];
  const poolMin = Math.min(...ev.stages.map((s) => s.poolBytes));
  return {
    weights: engine === 'llamacpp' || engine === 'ollama' ? ev.weights.totalBytes - (ev.weights.byKind.vision ?? 0) : first.weightsBytes,
    vllmKvGiB: poolMin,
    vllmKvTokens: ev.poolTokens,
    sglangTokens: ev.poolTokens,
    llamacppKv: (ev.kvStageBytes ?? []).reduce((a, b) => a + b, 0),
    llamacppModel: ev.stages.reduce((a, s) => a + s.weightsBytes, 0),
    activation: first.activationBytes,
    nonTorch: first.overheadBytes,
    compute: ev.stages[ev.stages.length - 1].activationBytes,
    transformersIdle: first.weightsBytes + first.overheadBytes,
    cudaGraphs: engine === 'vllm' ? vllmCudaGraphs(cat.engines.vllm, tp, seqs) : undefined,
  };
}

export function runCalibration(cat: LoadedCatalogs = loadCatalogs()): CalibrationResult {
  const measured = loadMeasured();
  const rows: Row[] = [];
  const skipped: Skipped[] = [];
  const mapped = new Set(CASES.map((m) => m.id.split('#')[0]));
  for (const id of measured.keys()) if (!mapped.has(id)) skipped.push({ id, metric: 'all', reason: 'no mapping written for this case yet' });
  for (const m of CASES) {
    const c = measured.get(m.id.split('#')[0]);
    if (!c) throw new Error(`mapping ${m.id} names no measured case`);
    for (const [metric, reason] of Object.entries(m.skip ?? {})) skipped.push({ id: m.id, metric: metric as Metric | 'all', reason: reason! });
    if (m.skip?.all || !m.input) continue;
    const pred = predict(cat, m, c);
    for (const [metric, keys] of Object.entries(m.metrics) as Array<[Metric, string | string[]]>) {
      // vLLM and SGLang logs print "GB" for GiB; file listings use decimal GB.
      const meas = measuredValue(c, keys, !m.input.checkpoint && (m.input.engine === 'sglang' || (m.input.engine ?? 'vllm').startsWith('vllm')));
      if (!meas) throw new Error(`${m.id}: measured key ${String(keys)} missing`);
      const predicted = pred[metric];
      if (predicted === undefined) throw new Error(`${m.id}: no prediction for ${metric}`);
      const scale = meas.unit === 'GiB' ? GiB : meas.unit === 'MiB' ? MiB : meas.unit === 'GB' ? 1e9 : 1;
      rows.push({ id: m.id, metric, measured: meas.bytes / scale, predicted: predicted / scale, error: (predicted - meas.bytes) / meas.bytes, unit: meas.unit });
    }
  }
  const medians: CalibrationResult['medians'] = {};
  const byMetric = new Map<Metric, number[]>();
  for (const r of rows) byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), Math.abs(r.error)]);
  for (const [metric, errs] of byMetric) {
    const s = [...errs].sort((a, b) => a - b);
    const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    medians[metric] = { median: mid, n: s.length, threshold: THRESHOLDS[metric] };
  }
  return { rows, skipped, medians };
}

export function formatCalibration(r: CalibrationResult): string {
  const lines: string[] = [];
  lines.push('case                                                          metric          measured     predicted    error');
  for (const x of [...r.rows].sort((a, b) => a.metric.localeCompare(b.metric) || a.id.localeCompare(b.id))) {
    lines.push(
      `${x.id.padEnd(62).slice(0, 62)} ${x.metric.padEnd(14)} ${`${fmt(x.measured)} ${x.unit}`.padStart(13)} ${`${fmt(x.predicted)} ${x.unit}`.padStart(13)} ${`${(x.error * 100).toFixed(2)}%`.padStart(8)}`,
    );
  }
  lines.push('');
  lines.push('median |error| per metric:');
  for (const [metric, m] of Object.entries(r.medians)) {
    lines.push(`  ${metric.padEnd(14)} ${(m!.median * 100).toFixed(2).padStart(6)} %  over ${m!.n} case(s)${m!.threshold !== undefined ? `  (limit ${(m!.threshold * 100).toFixed(0)} %)` : '  (informational)'}`);
  }
  lines.push('');
  lines.push(`skipped: ${r.skipped.length} (whole cases: ${r.skipped.filter((s) => s.metric === 'all').length})`);
  for (const s of r.skipped) lines.push(`  ${s.id} [${s.metric}]: ${s.reason}`);
  return lines.join('\n');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toString() : v.toFixed(2);
}
