// Measured public throughput results (test/calibration/throughput/) against the speed model: prints the per-case
// table and fails when a median |error| exceeds its limit (decode per user 20 %, total at a fixed concurrency
// 25 %, saturation 35 %, prefill 30 %) or an offload case (experts or layers in host RAM) is off by more than 2x.
import { describe, expect, it } from 'vitest';
import { formatThroughput, loadThroughputCases, OFFLOAD_MAX_RATIO, runThroughputCalibration, SPEED_THRESHOLDS, type SpeedMetric } from './throughput-harness.ts';

const cases = loadThroughputCases();
const result = runThroughputCalibration(undefined, cases);

describe('throughput calibration against measured results', () => {
  it('prints the per-case table', () => {
    console.log(`\n${formatThroughput(result)}\n`);
    expect(result.rows.length).toBeGreaterThanOrEqual(30);
  });

  for (const [metric, limit] of Object.entries(SPEED_THRESHOLDS) as Array<[SpeedMetric, number]>) {
    it(`median |error| of ${metric} is within ${limit * 100} %`, () => {
      const m = result.medians[metric];
      expect(m, `no case measures ${metric}`).toBeDefined();
      expect(m!.n).toBeGreaterThanOrEqual(3);
      expect(m!.median).toBeLessThanOrEqual(limit);
    });
  }

  it(`no offload case is off by more than ${OFFLOAD_MAX_RATIO}x`, () => {
    const off = result.rows.filter((r) => r.offload);
    expect(off.length).toBeGreaterThanOrEqual(4);
    for (const r of off) expect(Math.max(r.predicted / r.measured, r.measured / r.predicted), r.id).toBeLessThanOrEqual(OFFLOAD_MAX_RATIO);
  });

  it('every case carries a source, a verbatim quote and its settings; every skip says why', () => {
    for (const c of cases) {
      expect(c.source, c.id).toMatch(/^https:\/\//);
      expect(c.quote.length, c.id).toBeGreaterThan(10);
      expect(c.measured, c.id).toBeGreaterThan(0);
      expect(c.workload.inputTokens + c.workload.outputTokens, c.id).toBeGreaterThan(0);
      if (c.skip) expect(c.skip.length, c.id).toBeGreaterThan(20);
    }
    expect(result.skipped.length / cases.length).toBeLessThanOrEqual(0.15);
  });

  it('each engine constant is fitted on several cases, never one', async () => {
    const { HOST_SPEED } = await import('../../src/engine/speed.ts');
    const { ENGINES } = await import('../../src/engine/engines/index.ts');
    const ids = new Set(cases.map((c) => c.id));
    const all = [...Object.values(ENGINES).flatMap((e) => [e.speed, ...Object.values(e.speedOn ?? {})]), HOST_SPEED];
    for (const k of all) {
      expect(k.source.length).toBeGreaterThan(20);
      if (k.fittedOn.length === 0) continue;
      expect(k.fittedOn.length).toBeGreaterThanOrEqual(2);
      for (const id of k.fittedOn) expect(ids.has(id), id).toBe(true);
    }
  });
});
