import { answerSize } from '../commands/size.ts';
import { chartPng } from '../src/render/chart.ts';
const o = { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' };
for (let i = 0; i < 4; i++) for (const locale of ['en', 'zh-CN'] as const) {
  const t0 = performance.now();
  const r = await answerSize(o, { locale, options: {} });
  const t1 = performance.now();
  if (r.ok) chartPng(r.answer.report, locale);
  console.log(locale, (t1 - t0).toFixed(0), 'chart', (performance.now() - t1).toFixed(0));
}
const no = { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '32k' };
for (let i = 0; i < 2; i++) { const t0 = performance.now(); await answerSize(no, { locale: 'en', options: {} }); console.log('no', (performance.now() - t0).toFixed(0)); }
