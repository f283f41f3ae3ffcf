import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/engines/index.ts';

const { memEfficiency: MEM_EFFICIENCY, computeEfficiency: COMPUTE_EFFICIENCY } = ENGINES.vllm.speed;
import { size } from '../helpers/req.ts';

describe('roofline speed', () => {
  it('one user on one GPU is memory-bound: tokens/s = bandwidth x efficiency / (weights + KV read)', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', context: '4k' });
    const bytes = r.perGpu.weightsBytes + r.perGpu.kvRequiredBytes;
    expect(r.performance.boundBy).toBe('memory');
    expect(r.performance.decodeTokensPerSecondPerUser).toBeCloseTo((3350e9 * MEM_EFFICIENCY) / bytes, 0);
  });

  it('prefill is compute-bound: 2 x active params FLOPs per token (+ attention)', () => {
    const r = size({ model: 'llama-3.1-8b', gpu: 'h100', context: '1k' });
    const perToken = 2 * r.model.activeParams + 2 * 32 * 1024 * 32 * 128;
    expect(r.performance.prefillTokensPerSecond).toBeCloseTo((989e12 * COMPUTE_EFFICIENCY) / perToken, -1);
    // time to first token: the whole 1k prompt at that rate
    expect(r.performance.timeToFirstTokenSeconds).toBeCloseTo((1024 * perToken) / (989e12 * COMPUTE_EFFICIENCY), 2);
  });

  it('MoE decode reads only the experts the batch touches: one user of Qwen3-30B-A3B is much faster than a dense 30B', () => {
    const moe = size({ model: 'qwen3-30b-a3b', gpu: 'h100' }).performance.decodeTokensPerSecondPerUser;
    const dense = size({ model: 'qwen3-32b', gpu: 'h100' }).performance.decodeTokensPerSecondPerUser;
    expect(moe / dense).toBeGreaterThan(3);
  });

  it('more users per replica lower each user’s speed and raise the total', () => {
    const one = size({ model: 'qwen3-32b', gpu: 'h100', users: '1' }).performance;
    const many = size({ model: 'qwen3-32b', gpu: 'h100', users: '16' }).performance;
    expect(many.decodeTokensPerSecondPerUser).toBeLessThan(one.decodeTokensPerSecondPerUser);
    expect(many.decodeTokensPerSecondTotal).toBeGreaterThan(one.decodeTokensPerSecondTotal);
  });
});
