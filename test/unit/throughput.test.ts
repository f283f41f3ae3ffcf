import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/catalog/parse.ts';
import { VLLM_SPEED } from '../../src/engine/engines/vllm.ts';
import { cat, size } from '../helpers/req.ts';

describe('speed model', () => {
  it('one user on one GPU: seconds per token = per-layer fixed cost + (weights + KV) / (bandwidth x fraction reached)', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', context: '4k' });
    const k = VLLM_SPEED;
    const bytes = r.perGpu.weightsBytes + r.perGpu.kvRequiredBytes;
    const step = 32 * k.layerSeconds + bytes / (3350e9 * k.memEfficiency);
    expect(r.performance.boundBy).toBe('memory');
    expect(r.performance.singleUserTokensPerSecond).toBeCloseTo(1 / step, 0);
    // one user alone: the answer streams at the single-user rate
    expect(r.performance.decodeTokensPerSecondPerUser).toBeLessThanOrEqual(r.performance.singleUserTokensPerSecond + 1e-6);
  });

  it('prefill is compute-bound: 2 x multiplied params FLOPs per token (+ attention) at the engine’s fraction of peak', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', context: '1k' });
    const params = r.model.activeParams - 128256 * 4096; // the embedding lookup multiplies nothing
    const perToken = 2 * params + 4 * 32 * 512 * 32 * 128;
    const seconds = (1024 * perToken) / (989e12 * VLLM_SPEED.computeEfficiency) + 32 * VLLM_SPEED.layerSeconds;
    expect(r.performance.prefillTokensPerSecond).toBeCloseTo(1024 / seconds, -1);
  });

  it('MoE decode reads only the experts the batch touches: one user of Qwen3-30B-A3B is much faster than a dense 30B', () => {
    const moe = size({ model: 'qwen3-30b-a3b', gpu: 'h100' }).performance.singleUserTokensPerSecond;
    const dense = size({ model: 'qwen3-32b', gpu: 'h100' }).performance.singleUserTokensPerSecond;
    expect(moe / dense).toBeGreaterThan(3);
  });

  it('more users per replica lower each user’s speed, raise the total, and delay the first token', () => {
    const one = size({ model: 'qwen3-32b', gpu: 'h100', users: '1' }).performance;
    const many = size({ model: 'qwen3-32b', gpu: 'h100', users: '16' }).performance;
    expect(many.decodeTokensPerSecondPerUser).toBeLessThan(one.decodeTokensPerSecondPerUser);
    expect(many.decodeTokensPerSecondTotal).toBeGreaterThan(one.decodeTokensPerSecondTotal);
    expect(many.timeToFirstTokenAtLoadSeconds).toBeGreaterThanOrEqual(one.timeToFirstTokenAtLoadSeconds);
    expect(many.interTokenLatencySeconds).toBeCloseTo(1 / many.decodeTokensPerSecondPerUser, 3);
  });

  it('a llama.cpp layer split gives one prompt and one token no parallel speed-up', () => {
    const one = size({ model: 'llama-3.1-8b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', context: '2k' }).performance;
    const two = size({ model: 'llama-3.1-8b', gpu: 'rtx4090x2', engine: 'llamacpp', quant: 'q4_k_m', context: '2k' }).performance;
    expect(two.prefillTokensPerSecond).toBeLessThanOrEqual(one.prefillTokensPerSecond * 1.001);
    expect(two.singleUserTokensPerSecond).toBeLessThanOrEqual(one.singleUserTokensPerSecond * 1.001);
  });

  it('tensor parallel pays for its all-reduces: consumer cards without peer-to-peer more than NVLink', () => {
    const pcie = size({ model: 'qwen2.5-14b', gpu: 'rtx4090x2', tp: '2' }, { explain: true }).explain!.find((s) => s.id === 'perf.comm')!;
    const link = size({ model: 'qwen2.5-14b', gpu: 'h100x2', tp: '2' }, { explain: true }).explain!.find((s) => s.id === 'perf.comm')!;
    expect(pcie.scope.latency).toBeGreaterThan(link.scope.latency);
    expect(pcie.value).toBeGreaterThan(link.value);
  });

  it('KTransformers reads the routed experts from host RAM: the host preset sets the speed', () => {
    const slow = size({ model: 'deepseek-v3', gpu: 'rtx4090', engine: 'ktransformers', quant: 'q4_k_m', host: 'ddr5x2' }).performance;
    const fast = size({ model: 'deepseek-v3', gpu: 'rtx4090', engine: 'ktransformers', quant: 'q4_k_m', host: 'xeon-6454s-2s' }).performance;
    expect(slow.boundBy).toBe('host');
    expect(slow.hostBytesPerStep).toBeGreaterThan(1e9);
    expect(fast.singleUserTokensPerSecond / slow.singleUserTokensPerSecond).toBeGreaterThan(3);
    // a bare GB/s figure works too
    const gbs = size({ model: 'deepseek-v3', gpu: 'rtx4090', engine: 'ktransformers', quant: 'q4_k_m', host: '614.4' }).performance;
    expect(gbs.singleUserTokensPerSecond).toBeCloseTo(fast.singleUserTokensPerSecond, 0);
  });

  it('llama.cpp that runs out of VRAM keeps layers in host RAM and slows to host bandwidth', () => {
    const fits = size({ model: 'qwen2.5-32b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', context: '4k' });
    const spills = size({ model: 'llama-3.1-70b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', context: '4k' });
    expect(fits.performance.hostBytesPerStep).toBe(0);
    expect(spills.fits).toBe(false);
    expect(spills.performance.hostBytesPerStep).toBeGreaterThan(1e9);
    expect(spills.performance.boundBy).toBe('host');
    expect(spills.performance.singleUserTokensPerSecond).toBeLessThan(5);
  });
});

describe('users against a speed target', () => {
  it('maxUsersAtTarget never exceeds the memory limit and says which limit binds', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', quant: 'int4' });
    expect(r.capacity.maxUsersAtTarget).toBeLessThanOrEqual(r.capacity.maxUsers);
    expect(r.capacity.bindingLimit).toBe(r.capacity.maxUsersAtTarget < r.capacity.maxUsers ? 'speed' : 'memory');
    const note = r.notes.find((n) => n.code === 'capacity.speed')!;
    expect(note.message).toContain(`Memory holds ${r.capacity.maxUsers} users`);
  });

  it('a stricter target serves fewer users; a looser one at least as many', () => {
    const at = (tps: string) => size({ model: 'qwen3-32b', gpu: 'a10x8', quant: 'int4', tps }).capacity.maxUsersAtTarget;
    expect(at('40')).toBeLessThanOrEqual(at('20'));
    expect(at('5')).toBeGreaterThanOrEqual(at('20'));
    expect(at('5')).toBeGreaterThan(at('60'));
  });

  it('the served users really meet the target, and one more would not (when speed binds)', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', quant: 'int4', tps: '25' });
    const n = r.capacity.maxUsersAtTarget;
    expect(n).toBeGreaterThan(0);
    const at = size({ model: 'qwen3-32b', gpu: 'a10x8', quant: 'int4', users: String(n), tp: String(r.layout.tp) });
    expect(at.performance.decodeTokensPerSecondPerUser).toBeGreaterThanOrEqual(25 * 0.999);
    if (r.capacity.bindingLimit === 'speed') {
      const over = size({ model: 'qwen3-32b', gpu: 'a10x8', quant: 'int4', users: String(n + r.layout.replicas), tp: String(r.layout.tp) });
      expect(over.performance.decodeTokensPerSecondPerUser).toBeLessThan(25);
    }
  });

  it('tps, ttft and host options parse with one clear error each', () => {
    const bad = (o: Record<string, string>) => {
      const r = buildRequest({ model: 'qwen3-32b', gpu: 'h100', ...o }, cat);
      expect(r.ok).toBe(false);
      return r.ok ? undefined : r.error;
    };
    expect(bad({ tps: 'fast' })!.field).toBe('tps');
    expect(bad({ tps: '0' })!.field).toBe('tps');
    expect(bad({ ttft: 'soon' })!.field).toBe('ttft');
    expect(bad({ host: 'ddr9' })!.didYouMean!.length).toBeGreaterThan(0);
    const ok = buildRequest({ model: 'qwen3-32b', gpu: 'h100', tps: '20 tok/s', ttft: '500ms', host: 'epyc' }, cat);
    expect(ok.ok && ok.value.targetTps).toBe(20);
    expect(ok.ok && ok.value.targetTtftSeconds).toBeCloseTo(0.5);
    expect(ok.ok && ok.value.host?.id).toBe('epyc-9004');
  });
});
