// Cheap fixes before buying: each is the same estimate with one setting changed, reported with its effect.
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/engine/estimate.ts';
import { cat, request, size } from '../helpers/req.ts';

const withFixes = (opts: Parameters<typeof request>[0]) => estimate(request(opts), cat.engines, { fixesFrom: cat });

describe('cheap fixes', () => {
  it('tries fp8 KV, utilization, int4 weights, a context cap and DP attention, in order, each checked by its own estimate', () => {
    const r = withFixes({ model: 'deepseek-v3', gpu: 'h200x8', users: '100', context: '16k', engine: 'tgi' });
    expect(r.fits).toBe(false);
    const codes = r.fixes!.map((f) => f.code);
    expect(codes).toEqual(['fix.kv', 'fix.weights.int4', 'fix.context', 'fix.dpAttention']);
    for (const f of r.fixes!) {
      // the effect is what the same request with that one change gives
      const [k, v] = f.change.split(':');
      const direct = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '100', context: f.code === 'fix.context' ? v : '16k', engine: k === 'engine' ? v : 'tgi', ...(k === 'kv' ? { kv: v } : {}), ...(k === 'quant' ? { quant: v } : {}) });
      expect(f.maxUsers).toBe(direct.capacity.maxUsers);
      expect(f.fits).toBe(direct.fits);
    }
    const kv = r.fixes![0];
    expect(kv.maxUsers).toBeGreaterThan(r.capacity.maxUsers);
    expect(kv.effect).toContain(`${r.capacity.maxUsers} → ${kv.maxUsers} users`);
  });

  it('vLLM: all six kinds in order on Qwen3-32B FP8 on one L40S (4 users at 16k), each equal to its direct estimate', () => {
    const base = { model: 'qwen3-32b', gpu: 'l40s', users: '4', context: '16k', quant: 'fp8' };
    const r = withFixes(base);
    expect(r.fits).toBe(false);
    expect(r.fixes!.map((f) => f.code)).toEqual(['fix.kv', 'fix.seqs', 'fix.util', 'fix.weights.int4', 'fix.context']);
    const util = r.fixes!.find((f) => f.code === 'fix.util')!;
    expect(util.maxUsers).toBe(size({ ...base, util: '0.95' }).capacity.maxUsers);
    const seqs = r.fixes!.find((f) => f.code === 'fix.seqs')!;
    expect(seqs.change).toBe('--max-num-seqs 8');
    expect(seqs.maxUsers).toBe(estimate(request(base), cat.engines, { overrides: { maxNumSeqs: 8 } }).capacity.maxUsers);
    expect(seqs.maxUsers).toBeGreaterThan(r.capacity.maxUsers);
  });

  it('no fixes when it fits with room', () => {
    expect(withFixes({ model: 'llama-3.1-8b', gpu: 'h100', users: '4' }).fixes).toBeUndefined();
  });

  it('past max_position_embeddings: a YaRN override with its factor instead of a refusal', () => {
    const r = size({ model: 'qwen3-8b', gpu: 'h100', context: '128k' });
    expect(r.fits).toBe(true);
    const note = r.notes.find((n) => n.code === 'context.rope')!;
    expect(note.params?.factor).toBe(Math.ceil(131072 / 40960));
    expect(r.launch.command).toContain('"rope_type":"yarn","factor":4,"original_max_position_embeddings":40960');
    expect(r.launch.command).toContain('--max-model-len 131072');
    const l = size({ model: 'qwen3-8b', gpu: 'h100', context: '128k', engine: 'llamacpp', quant: 'q4_k_m' });
    expect(l.launch.command).toContain('--rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 40960');
  });
});

describe('avgcontext', () => {
  it('sizes users at the average, launches with the maximum, and states the peak risk', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'h100x2', users: '20', context: '32k', avgcontext: '8k' });
    const atAvg = size({ model: 'qwen3-32b', gpu: 'h100x2', users: '20', context: '8k' });
    const atPeak = size({ model: 'qwen3-32b', gpu: 'h100x2', users: '20', context: '32k' });
    expect(r.capacity.maxUsers).toBe(atAvg.capacity.maxUsers);
    expect(r.request.avgContextTokens).toBe(8192);
    expect(r.request.maxContextTokens).toBe(32768);
    expect(r.launch.command).toContain('--max-model-len 32768');
    const note = r.notes.find((n) => n.code === 'context.average')!;
    expect(note.params?.peakUsers).toBe(atPeak.capacity.maxUsers);
    expect(() => request({ model: 'qwen3-32b', gpu: 'h100', context: '8k', avgcontext: '16k' })).toThrow(/avgcontext 16384 is more than context 8192/);
  });
});

describe('cheap fixes in pairs', () => {
  it('when no single change fits (a context cap aside), the best pair that fits is offered and checks against its direct run', () => {
    const r = withFixes({ model: 'qwen3-32b', gpu: 'a10x4', users: '20', context: '16k' });
    const singles = r.fixes!.filter((f) => f.code !== 'fix.combo' && f.code !== 'fix.context');
    expect(singles.every((f) => !f.fits)).toBe(true);
    const combo = r.fixes!.find((f) => f.code === 'fix.combo')!;
    expect(combo.fits).toBe(true);
    expect(combo.change).toBe('quant:int4 kv:fp8');
    const direct = size({ model: 'qwen3-32b', gpu: 'a10x4', users: '20', context: '16k', quant: 'int4', kv: 'fp8' });
    expect(direct.fits).toBe(true);
    expect(combo.maxUsers).toBe(direct.capacity.maxUsers);
  });
  it('no pair is tried when one change fits alone', () => {
    const r = withFixes({ model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' });
    expect(r.fixes?.some((f) => f.code === 'fix.combo') ?? false).toBe(false);
  });
});
