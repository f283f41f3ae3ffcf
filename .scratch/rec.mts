import { catalogs } from '../src/catalog/load.ts';
import { buildRequest } from '../src/catalog/parse.ts';
import { recommend } from '../src/engine/recommend.ts';
const cat = catalogs();
const b = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '32k' }, cat);
if (!b.ok) throw 1;
const res = recommend(b.value, { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants }, { perTier: 1, have: { gpu: b.value.gpu, count: 8 }, haveLayouts: false, maxGpus: 64 });
for (const o of res.options.slice(0, 8)) console.log(o.tier, o.gpu.id, o.count, o.quant.id, o.engine.id, o.report.fits, o.slow, o.report.performance.decodeTokensPerSecondPerUser.toFixed(1), o.reason);
