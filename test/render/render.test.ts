import { describe, expect, it } from 'vitest';
import { answerSize } from '../../commands/size.ts';
import { ENGINES } from '../../src/engine/engines/index.ts';
import { estimate } from '../../src/engine/estimate.ts';
import { embedLength, LIMITS, sizeEmbed } from '../../src/render/embed.ts';
import { insteadLines, renderText, verdict } from '../../src/render/text.ts';
import { fitInstead } from '../../commands/size-actions.ts';
import { cat, request, size } from '../helpers/req.ts';
import { FakeDiscord } from '../fake-discord/index.ts';

describe('embed stays inside Discord limits', () => {
  it('for every catalog model and every GPU, in both languages', () => {
    // Every model on one GPU of each vendor x category (what changes the notes), and every GPU with a dense, an MoE and
    // a hybrid model: the full model x GPU product grows with both catalogs past the test's time budget.
    const gpus = [...cat.gpus.values()];
    const kinds = new Map<string, (typeof gpus)[number]>();
    for (const g of gpus) if (!kinds.has(`${g.vendor}/${g.category}`)) kinds.set(`${g.vendor}/${g.category}`, g);
    const someModels = ['llama-3.1-70b', 'deepseek-v3', 'qwen3.5-397b-a17b'].map((id) => cat.models.get(id)!);
    const pairs: Array<[(typeof someModels)[number], (typeof gpus)[number]]> = [];
    for (const m of cat.models.values()) for (const g of kinds.values()) pairs.push([m, g]);
    for (const m of someModels) for (const g of gpus) pairs.push([m, g]);
    const problems: string[] = [];
    for (const [m, g] of pairs) {
      {
        // vLLM where it runs the native format, else llama.cpp (vLLM on Apple or FP8 on Ascend is refused).
        const native = cat.quants.get(m.nativeQuant ?? 'bf16')!;
        const vllm = ENGINES.vllm.supports(native, g).ok;
        const r = estimate(
          { model: m, gpu: g, gpuCount: 8, users: 64, contextTokens: 32768, quant: vllm ? native : cat.quants.get('q4_k_m')!, kvDtype: cat.kvDtypes.get(vllm ? 'bf16' : 'fp16')!, engine: { id: vllm ? 'vllm' : 'llamacpp' }, defaulted: { engine: true, quant: true, kv: true } },
          cat.engines,
        );
        for (const locale of ['en', 'zh-CN'] as const) {
          const e = sizeEmbed(r, locale, `/size model:${m.id} gpu:${g.id}x8 users:64 context:32k`);
          const fields = e.fields ?? [];
          if (
            embedLength(e) > LIMITS.total ||
            (e.title ?? '').length > LIMITS.title ||
            (e.description ?? '').length > LIMITS.description ||
            fields.length > LIMITS.fields ||
            fields.some((f) => f.value.length > LIMITS.fieldValue || f.name.length > LIMITS.fieldName || f.value.length === 0)
          )
            problems.push(`${m.id} on ${g.id} (${locale})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('answers people read', () => {
  it('text answer shows the breakdown, capacity, layout and notes', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' });
    const t = renderText(r);
    for (const s of ['Weights', 'KV cache (20 × 4k)', 'Activations', 'Runtime overhead', 'users at 4k context', 'Layout:', 'GQA']) expect(t).toContain(s);
    expect(verdict(r)).toBe('fits');
  });

  it('a would-fit-instead option below the speed target says so, with the users that reach it', () => {
    // 8x A10 cannot hold 200 users at 8k; more A10s fit in memory but serve each user under the 20 tok/s default.
    const req = request({ model: 'qwen3-32b', gpu: 'a10x8', users: '200', context: '8k' });
    const instead = fitInstead(req, cat);
    const slow = instead.filter((o) => o.report.capacity.maxUsersAtTarget < o.report.request.users);
    const quick = instead.filter((o) => o.report.capacity.maxUsersAtTarget >= o.report.request.users);
    expect(slow.length).toBeGreaterThan(0);
    const en = insteadLines(slow, 'en');
    const zh = insteadLines(slow, 'zh-CN');
    slow.forEach((o, i) => {
      expect(en[i]).toContain(`below ${o.report.capacity.targetTokensPerSecond.toFixed(1)} tok/s; ${o.report.capacity.maxUsersAtTarget} users reach it`);
      expect(zh[i]).toContain(`低于 ${o.report.capacity.targetTokensPerSecond.toFixed(1)} tok/s`);
    });
    for (const l of insteadLines(quick, 'en')) expect(l).not.toContain('below');
  });

  it('Chinese reply has the same numbers', async () => {
    const en = await answerSize({ model: 'qwen3-32b', gpu: 'a10x8', users: '20' }, { locale: 'en', options: {} });
    const zh = await answerSize({ model: 'qwen3-32b', gpu: 'a10x8', users: '20' }, { locale: 'zh-CN', options: {} });
    expect(en.ok && zh.ok).toBe(true);
    if (en.ok && zh.ok) {
      expect(zh.answer.reply.text).toContain('每张 GPU 显存');
      expect(zh.answer.report).toEqual(en.answer.report);
      const nums = (s: string) => (s.match(/\d+\.\d+ GiB/g) ?? []).join(',');
      expect(nums(zh.answer.reply.text!)).toContain(nums(en.answer.reply.text!).split(',').slice(0, 3).join(','));
    }
  });

  it('card buttons encode the whole request in <= 100 characters, each id unique', async () => {
    const res = await answerSize({ model: 'qwen3-coder-480b-a35b', gpu: 'rtx-pro-6000x8', users: '20', context: '32k', quant: 'fp8', engine: 'vllm@0.19' }, { locale: 'en', options: {} });
    expect(res.ok).toBe(true);
    if (res.ok) {
      const ids = FakeDiscord.customIds({ components: res.answer.reply.layout });
      expect(ids.length).toBeGreaterThanOrEqual(4);
      for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
