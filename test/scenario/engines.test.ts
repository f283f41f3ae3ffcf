// Deployments people describe, answered through the engine modules (DP attention, Ascend formats, launch commands).
import { describe, expect, it } from 'vitest';
import { size } from '../helpers/req.ts';

describe('scenarios: engines and layouts', () => {
  it('DeepSeek-V3 FP8 on 8x H200 for 100 users at 16k with SGLang fits with DP attention', () => {
    const r = size({ model: 'deepseek-v3', gpu: 'h200x8', users: '100', context: '16k', engine: 'sglang' });
    expect(r.fits).toBe(true);
    expect(r.layout.dp).toBe(8);
    expect(r.layout.reason).toMatch(/DP attention/);
    expect(r.launch.command).toContain('--enable-dp-attention');
    expect(r.notes.some((n) => n.code === 'layout.pd')).toBe(true);
  });

  it('DeepSeek-R1 on Ascend: W8A8 (int8) through vllm-ascend or MindIE, never a CUDA kernel', () => {
    for (const engine of ['vllm', 'mindie']) {
      const r = size({ model: 'deepseek-r1', gpu: 'atlas-800i-a2x2', quant: 'int8', engine, users: '4', context: '8k' });
      const text = JSON.stringify(r);
      expect(text).not.toMatch(/Marlin|; CUDA graphs|--quantization fp8/);
      expect(r.launch.engine).toBe(engine);
    }
  });

  it('Qwen3-235B-A22B FP8 on 4x 96 GB with vLLM: one command with TP4', () => {
    const r = size({ model: 'qwen3-235b-a22b', gpu: 'rtx-pro-6000x4', quant: 'fp8', users: '8', context: '8k' });
    expect(r.launch.command).toMatch(/vllm serve Qwen\/Qwen3-235B-A22B/);
    expect(r.launch.command).toMatch(/--max-model-len 8192/);
  });
});
