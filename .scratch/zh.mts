import { answerSize } from '../commands/size.ts';
for (const o of [{ model: 'qwen3-32b', gpu: 'a10x8', users: '20' }, { model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4' }, { model: 'llama-3.1-8b', gpu: 'rtx4090', quant: 'q4_k_m', engine: 'llamacpp' }]) {
  const r = await answerSize(o, { locale: 'zh-CN', options: {} }, { chart: false });
  if (r.ok) console.log(r.answer.reply.text!.split('\n').filter((l) => /权重：|head_dim 为|预算|权重  /.test(l)).join('\n'));
}
