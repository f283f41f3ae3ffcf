// npm run bench: one /size estimate (p50/p99), a sweep of every catalog model x every GPU, `ask` cold start,
// the recommend search, load figures (event loop per /size, /size through the HTTP endpoint, a 500-interaction
// burst over the gateway), and the calibration summary. Goals: estimate < 1 ms p99, sweep < 2 s, the search a
// non-fitting /size runs < 50 ms, ask cold start < 1.5 s.
import { execFileSync } from 'node:child_process';
import { catalogs } from '../../src/catalog/load.ts';
import { buildRequest } from '../../src/catalog/parse.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { ENGINES } from '../../src/engine/engines/index.ts';
import { recommend } from '../../src/engine/recommend.ts';
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

// 2b. recommend: the search a non-fitting /size answer runs (one option per tier, the GPU asked about), and a
// full /recommend (four per tier), over several seed questions. Goal: the /size search well under 50 ms.
{
  const search = { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants };
  const asks = [
    { model: 'deepseek-r1', gpu: 'h100x8', users: '50', context: '8k' },
    { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '8k' },
    { model: 'gemma-2-27b', gpu: 'rtx4090', users: '10', context: '4k', quant: 'int4' },
    { model: 'llama-3.1-70b', gpu: 'l40s', users: '20', context: '8k' },
    { model: 'qwen3-235b-a22b', gpu: 'h20-96gb:2', users: '20', context: '8k', quant: 'fp8' },
  ];
  const reqs = asks.map((a) => {
    const r = buildRequest(a, cat);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });
  const timeIt = (full: boolean) => {
    const times: number[] = [];
    let evaluated = 0;
    for (let round = 0; round < 6; round++)
      for (const r of reqs) {
        const o = full ? { have: { gpu: r.gpu, count: r.gpuCount } } : { perTier: 1, have: { gpu: r.gpu, count: r.gpuCount }, haveLayouts: false };
        const t = performance.now();
        const res = recommend(r, search, o);
        if (round > 0) times.push(performance.now() - t); // round 0 warms up
        if (round === 1) evaluated += res.evaluated;
      }
    return { times, evaluated: evaluated / reqs.length };
  };
  const inst = timeIt(false);
  line('recommend for /size p50', `${pct(inst.times, 50).toFixed(1)} ms`, '< 50 ms', pct(inst.times, 50) < 50);
  line('recommend for /size p99', `${pct(inst.times, 99).toFixed(1)} ms`, '', true);
  line('  configurations sized (mean)', `${inst.evaluated.toFixed(0)}`, '', true);
  const full = timeIt(true);
  line('/recommend (4 per tier) p50', `${pct(full.times, 50).toFixed(1)} ms`, '', true);
  line('  configurations sized (mean)', `${full.evaluated.toFixed(0)}`, '', true);
}

// 3. ask cold start (a fresh process, as a user runs it)
const cold: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '/size model:qwen3-32b gpu:a10x8 users:20 context:4k'], { stdio: 'ignore' });
  cold.push(performance.now() - t);
}
line('ask cold start (median of 3)', `${pct(cold, 50).toFixed(0)} ms`, '< 1.5 s', pct(cold, 50) < 1500);

// 3b. load (issue 8): the event loop per /size, /size through the HTTP endpoint, a 500-interaction burst.
{
  const { keyPair } = await import('../helpers/signed.ts');
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { commands } = await import('../../commands/index.ts');
  const { answerSize } = await import('../../commands/size.ts');
  const { closeChartPool } = await import('../../src/render/chart-pool.ts');
  const { startHttp } = await import('../../src/discord/http.ts');
  const { startGateway } = await import('../../src/discord/gateway.ts');
  const { deployCommands } = await import('../../src/discord/deploy.ts');
  const { silentLogger } = await import('../../src/discord/log.ts');
  const { FakeDiscord } = await import('../fake-discord/index.ts');
  const { httpSizeLoad, runBurst } = await import('../helpers/burst.ts');
  await Promise.all(commands.map((c) => c.warm?.()));

  // Longest stretch one /size holds the event loop (a 1 ms timer's largest gap while answers are computed).
  const llama = cat.modelEntries.find((e) => e.id === 'llama-3.1-8b')!.config;
  const kinds: [string, Parameters<typeof answerSize>[0], object?][] = [
    ['fits', { model: 'qwen3-32b', gpu: 'a10x8', users: '20' }],
    ['does not fit (search)', { model: 'deepseek-r1', gpu: 'h100x8', users: '500', context: '128k' }],
    ['config.json', { model: 'mine', gpu: 'l40s', users: '8' }, { json: llama }],
  ];
  for (const [name, opts, config] of kinds) {
    let maxGap = 0;
    let last = performance.now();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    for (let i = 0; i < 10; i++) await answerSize(opts, { locale: 'en', options: {} }, config ? { config: config as never } : {});
    clearInterval(tick);
    h.disable();
    line(`event loop held, /size ${name}`, `${maxGap.toFixed(0)} ms`, '< 50 ms', maxGap < 50);
  }

  const fake = await FakeDiscord.start();
  fake.registerCommands(commands.map((c) => ({ ...c.definition, integration_types: [0, 1], contexts: [0, 1, 2] })), fake.guildId);
  const { publicHex, privateKey } = keyPair();
  const http = await startHttp({ publicKey: publicHex, port: 0, host: '127.0.0.1', apiBase: fake.apiBase, commands, log: silentLogger(), dispatcher: { rateLimit: false } });
  await httpSizeLoad(fake, http.url, privateKey, { count: 16, concurrency: 4 }); // warm-up
  const load = await httpSizeLoad(fake, http.url, privateKey, { count: 200, concurrency: 8 });
  line('HTTP /size, 200 at 8 concurrent', `${load.perSecond.toFixed(1)} /s`, '', true);
  line('  p50 / p99 latency', `${load.p50Ms.toFixed(0)} / ${load.p99Ms.toFixed(0)} ms`, 'p99 < 3 s', load.p99Ms < 3000 && load.non200 === 0);
  await http.stop();

  await deployCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiBase: fake.apiBase, commands });
  const gw = await startGateway({ token: fake.token, apiBase: fake.apiBase, commands, log: silentLogger() });
  const burst = await runBurst(fake, { total: 500, users: 50, guilds: 5, spammers: 5, timeoutMs: 60_000 });
  line('burst 500 / 50 users: slowest ack', `${burst.slowestAckMs.toFixed(0)} ms`, '< 3 s', burst.slowestAckMs < 3000);
  line('  median / slowest answer', `${burst.medianAnswerMs.toFixed(0)} / ${burst.slowestAnswerMs.toFixed(0)} ms`, '< 5 s', burst.slowestAnswerMs < 5000);
  line('  told to slow down (spammers)', `${burst.rateLimited}`, '', true);
  await gw.stop();
  await fake.close();
  await closeChartPool();
}

// 4. calibration
const cal = runCalibration(cat);
console.log('\ncalibration (median |error|):');
for (const [metric, m] of Object.entries(cal.medians)) console.log(`  ${metric.padEnd(14)} ${(m!.median * 100).toFixed(2).padStart(6)} %  n=${m!.n}${m!.threshold !== undefined ? `  limit ${m!.threshold * 100} %` : ''}`);
console.log(`  skipped: ${cal.skipped.filter((s) => s.metric === 'all').length} whole cases, ${cal.skipped.filter((s) => s.metric !== 'all').length} metrics`);
