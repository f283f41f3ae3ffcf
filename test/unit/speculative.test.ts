// Speculative decoding (spec: / accept:): the acceptance formula, the option parser, and what the estimate does
// with a draft: more tokens per verify step, a gain that shrinks as the batch grows, the draft's weights and KV in
// memory, and the engine's real flags in the launch command.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/catalog/parse.ts';
import { parseAcceptance } from '../../src/catalog/speculative.ts';
import { acceptanceFromLength, acceptLength } from '../../src/engine/speculative.ts';
import { SizingReportSchema } from '../../src/engine/report.ts';
import { cat, size } from '../helpers/req.ts';

describe('acceptance length of a chain draft', () => {
  it('is 1 + a for one drafted token and k + 1 when every token is accepted', () => {
    expect(acceptLength(0.85, 1)).toBeCloseTo(1.85, 10);
    expect(acceptLength(0.999, 3)).toBeCloseTo(4, 1);
    expect(acceptLength(0, 5)).toBeCloseTo(1, 10);
  });
  it('inverts: the acceptance found from a measured length gives that length back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.01, max: 0.98, noNaN: true }), (k, a) => {
        const len = acceptLength(a, k);
        expect(acceptLength(acceptanceFromLength(len, k), k)).toBeCloseTo(len, 6);
      }),
    );
  });
  it('vLLM Llama-3.1-8B EAGLE-3 at k = 3 (length 2.60) is a per-token acceptance of about 72 %', () => {
    expect(acceptanceFromLength(2.6, 3)).toBeGreaterThan(0.7);
    expect(acceptanceFromLength(2.6, 3)).toBeLessThan(0.74);
  });
});

describe('spec: and accept: options', () => {
  const bad = (opts: Record<string, string>) => {
    const r = buildRequest({ model: 'llama-3.1-8b', gpu: 'h100', ...opts }, cat);
    expect(r.ok).toBe(false);
    return r.ok ? undefined : r.error;
  };
  it('a model without MTP layers is pointed at its EAGLE-3 draft', () => {
    const e = bad({ spec: 'mtp' });
    expect(e!.message).toMatch(/no MTP layers/);
    expect(e!.didYouMean).toEqual(['spec:eagle3']);
  });
  it('engines whose speculative decoding is not sized say which are', () => {
    expect(bad({ spec: 'eagle3', engine: 'llamacpp' })!.message).toMatch(/vLLM and SGLang/);
  });
  it('bad methods, token counts and acceptances get one line', () => {
    expect(bad({ spec: 'medusa' })!.didYouMean).toContain('spec:eagle3');
    expect(bad({ spec: 'eagle3:0' })!.message).toMatch(/1 to 8/);
    expect(bad({ spec: 'eagle3:2:x' })!.field).toBe('spec');
    expect(bad({ spec: 'eagle3', accept: '1.5' })!.field).toBe('accept');
    expect(bad({ accept: '0.7' })!.message).toMatch(/needs spec/);
  });
  it('accept takes a share or a percentage', () => {
    expect(parseAcceptance('0.7')).toEqual({ ok: true, value: 0.7 });
    expect(parseAcceptance('70%')).toEqual({ ok: true, value: 0.7 });
    expect(parseAcceptance('70').ok).toBe(false);
    expect(parseAcceptance('0').ok).toBe(false);
  });
  it('MTP on a model with no published acceptance borrows DeepSeek-V3’s and says so', () => {
    const r = buildRequest({ model: 'glm-4.5', gpu: 'h200x8', spec: 'mtp' }, cat);
    expect(r.ok && r.value.spec?.acceptanceKind).toBe('borrowed');
  });
});

describe('the estimate with a draft', () => {
  const base = { model: 'llama-3.1-8b', gpu: 'h100', context: '4k' };
  it('is faster for one user, by less than the acceptance length, and reports the speed without it', () => {
    const on = size({ ...base, users: '1', spec: 'eagle3' });
    const off = size({ ...base, users: '1' });
    const sp = on.speculative!;
    expect(SizingReportSchema.safeParse(on).success).toBe(true);
    expect(sp.withoutSingleUserTokensPerSecond).toBeCloseTo(off.performance.singleUserTokensPerSecond, 0);
    const gain = on.performance.singleUserTokensPerSecond / off.performance.singleUserTokensPerSecond;
    expect(gain).toBeGreaterThan(1.5);
    expect(gain).toBeLessThan(sp.acceptanceLength);
    expect(off.speculative).toBeUndefined();
  });
  it('gains less per user as the batch grows (the verify step turns compute-bound)', () => {
    const gain = (users: string) => {
      const r = size({ ...base, users, context: '1k', spec: 'eagle3' });
      return r.performance.decodeTokensPerSecondPerUser / r.speculative!.withoutTokensPerSecondPerUser;
    };
    const g1 = gain('1');
    const g256 = gain('256');
    expect(g256).toBeLessThan(g1);
  });
  it('costs the draft’s weights and one more layer of KV per token', () => {
    const on = size({ ...base, users: '8', spec: 'eagle3' });
    const off = size({ ...base, users: '8' });
    expect(on.perGpu.weightsBytes - off.perGpu.weightsBytes).toBe(on.speculative!.draftWeightsBytesPerGpu);
    // The EAGLE-3 head of Llama-3.1-8B: ~0.42 B parameters in bf16 (one layer, fc 3h->h, lm_head over 32k tokens).
    expect(on.speculative!.draftParams).toBeGreaterThan(0.38e9);
    expect(on.speculative!.draftParams).toBeLessThan(0.46e9);
    expect(on.kv.poolTokens).toBeLessThan(off.kv.poolTokens);
    // 32 layers of KV + 1 draft layer: the pool holds fewer tokens than the bytes alone would say.
    expect(on.kv.poolTokens / off.kv.poolTokens).toBeLessThan(32 / 33 + 0.01);
  });
  it('MTP loads the checkpoint’s MTP layer: weights grow by about its parameters', () => {
    const on = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '4', tp: '8', spec: 'mtp' });
    const off = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '4', tp: '8' });
    const added = (on.perGpu.weightsBytes - off.perGpu.weightsBytes) * 8;
    // 14B-class MTP module in FP8 (one byte a weight, bf16 norms and eh_proj at 8 bits with block scales).
    expect(added / 1e9).toBeGreaterThan(10);
    expect(added / 1e9).toBeLessThan(18);
    expect(on.speculative!.acceptanceKind).toBe('published');
    expect(on.notes.some((n) => n.code === 'weights.mtp')).toBe(false);
    expect(on.notes.some((n) => n.code === 'perf.spec')).toBe(true);
  });
  it('the launch command carries the engine’s own flags', () => {
    expect(size({ ...base, spec: 'eagle3:2' }).launch.command).toContain(`--speculative-config '{"method":"eagle3","model":"RedHatAI/Llama-3.1-8B-Instruct-speculator.eagle3","num_speculative_tokens":2}'`);
    const sg = size({ model: 'deepseek-v3', gpu: 'h200x8', engine: 'sglang', spec: 'mtp' }).launch.command;
    expect(sg).toContain('--speculative-algorithm EAGLE');
    expect(sg).toContain('--speculative-num-steps 1');
    expect(sg).toContain('--speculative-eagle-topk 1');
    expect(sg).toContain('--speculative-num-draft-tokens 2');
    expect(size({ ...base, engine: 'sglang', spec: 'eagle3' }).launch.command).toContain('--speculative-draft-model-path RedHatAI/Llama-3.1-8B-Instruct-speculator.eagle3');
  });
  it('every figure stays finite for every draft in the catalog', () => {
    for (const d of cat.speculative.eagle3) {
      const r = size({ model: d.model, gpu: 'h100x4', users: '32', spec: 'eagle3' });
      for (const v of Object.values(r.speculative!)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      expect(r.performance.decodeTokensPerSecondPerUser).toBeGreaterThan(0);
    }
  });
});
