// npm run bench: one /size estimate (p50/p99), a sweep of every catalog model x every GPU, `ask` cold start,
// and the calibration summary. Goals: estimate < 1 ms p99, sweep < 2 s, ask cold start < 1.5 s.
import { execFileSync } from 'node:child_process';
import { catalogs } from '../../src/catalog/load.ts';
import { buildRequest } from '../../src/catalog/parse.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { ENGINES } from '../../src/engine/engines/index.ts';
import { runCalibration } from '../calibration/harness.ts';

const cat = catalogs();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const line = (name: string, value: string, goal: string, ok: boolean) => console.log(`${name.padEnd(34)} ${value.padStart(12)}   goal ${goal.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);

// 1. one estimate
const req = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k' }, cat);
if (!req.ok) throw new Error(req.error.message);
for (let i = 0; i < 500; i++) estimate(req.value, cat.engines); // warm-up
// Five rounds of 1000: this 2-core machine's scheduler and GC add noise, so the median round's p99 is reported
// next to the worst round's.
const rounds: number[][] = [];
for (let r = 0; r < 5; r++) {
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    estimate(req.value, cat.engines);
    times.push(performance.now() - t);
  }
  rounds.push(times);
}
const p99s = rounds.map((t) => pct(t, 99)).sort((a, b) => a - b);
line('one /size estimate p50', `${pct(rounds.flat(), 50).toFixed(3)} ms`, '', true);
line('one /size estimate p99 (median round)', `${p99s[2].toFixed(3)} ms`, '< 1 ms', p99s[2] < 1);
line('one /size estimate p99 (worst round)', `${p99s[4].toFixed(3)} ms`, '', true);

// 2. sweep: every model x every GPU, one card each, native format, 1 user at 4k
const t0 = performance.now();
let n = 0;
for (const m of cat.models.values()) {
  for (const g of cat.gpus.values()) {
    if (!ENGINES.vllm.supports(cat.quants.get(m.nativeQuant ?? 'bf16')!, g).ok) continue; // refused up front
    estimate({ model: m, gpu: g, gpuCount: 1, users: 1, contextTokens: 4096, quant: cat.quants.get(m.nativeQuant ?? 'bf16')!, kvDtype: cat.kvDtypes.get('bf16')!, engine: { id: 'vllm' }, defaulted: {} }, cat.engines);
    n++;
  }
}
const sweep = performance.now() - t0;
line(`sweep ${n} model x GPU`, `${sweep.toFixed(0)} ms`, '< 2 s', sweep < 2000);

// 3. ask cold start (a fresh process, as a user runs it)
const cold: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '/size model:qwen3-32b gpu:a10x8 users:20 context:4k'], { stdio: 'ignore' });
  cold.push(performance.now() - t);
}
line('ask cold start (median of 3)', `${pct(cold, 50).toFixed(0)} ms`, '< 1.5 s', pct(cold, 50) < 1500);

// 4. calibration
const cal = runCalibration(cat);
console.log('\ncalibration (median |error|):');
for (const [metric, m] of Object.entries(cal.medians)) console.log(`  ${metric.padEnd(14)} ${(m!.median * 100).toFixed(2).padStart(6)} %  n=${m!.n}${m!.threshold !== undefined ? `  limit ${m!.threshold * 100} %` : ''}`);
console.log(`  skipped: ${cal.skipped.filter((s) => s.metric === 'all').length} whole cases, ${cal.skipped.filter((s) => s.metric !== 'all').length} metrics`);
