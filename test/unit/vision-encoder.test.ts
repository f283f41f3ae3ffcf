import { describe, expect, it } from 'vitest';
import { vllmEncoderProfile } from '../../src/engine/engines/vllm.ts';
import { model, size } from '../helpers/req.ts';

// vLLM's start-up profile of the vision encoder (gpu_model_runner.py profile_run): items = max(N, tokens per item) //
// tokens per item; outputs kept = items x tokens x out_hidden x (1 + DeepStack) x 2 B; encoder pass = every patch
// (tokens x merge^2) x (patch values + 2 x hidden + 2 x intermediate / tp) x 2 B. Shapes from vision_config
// (shared/reference/configs-2026/): Qwen3.6-27B hidden 1152, intermediate 4304, patch 3 x 2 x 16 x 16 = 1536 values,
// 2x2 merge, out 5120, no DeepStack; Qwen3-VL-8B the same ViT, out 4096, DeepStack at 3 layers.
describe('vLLM multimodal encoder profile', () => {
  it('reads the encoder shapes from the catalog vision_config', () => {
    expect(model('qwen3.6-27b').encoder).toEqual({ hidden: 1152, intermediate: 4304, mergeUnit: 4, outHidden: 5120, outputs: 1, patchInput: 1536, tokensPerItem: 16384 });
    expect(model('qwen3-vl-8b').encoder?.outputs).toBe(4);
    expect(model('qwen3-32b').encoder).toBeUndefined();
  });
  it('Qwen3.6-27B at 65,536 batched tokens: 4 images, 0.625 GiB of outputs, encoder pass below the LM peak', () => {
    const enc = model('qwen3.6-27b').encoder!;
    const lm = 9 * 2 ** 30;
    const r = vllmEncoderProfile(enc, 65536, 1, 2, lm);
    expect(r.items).toBe(4);
    expect(r.cache).toBe(4 * 16384 * 5120 * 2);
    expect(r.encoderPeak).toBe(4 * 16384 * 4 * (1536 + 2 * 1152 + 2 * 4304) * 2);
    expect(r.peak).toBe(lm + 4 * 16384 * 5120 * 2);
  });
  it('at 4,096 batched tokens the budget is one image and the encoder pass itself is the peak', () => {
    const enc = model('qwen3.6-35b-a3b').encoder!;
    const r = vllmEncoderProfile(enc, 4096, 1, 2, 0.5 * 2 ** 30);
    expect(r.items).toBe(1);
    expect(r.peak).toBe(16384 * 4 * (1536 + 2 * 1152 + 2 * 4304) * 2);
    expect(r.cache).toBe(16384 * 2048 * 2);
  });
  it('tensor parallel splits fc1 and DeepStack multiplies the outputs', () => {
    const enc = model('qwen3-vl-8b').encoder!;
    const r = vllmEncoderProfile(enc, 8192, 4, 2, 0);
    expect(r.encoderPeak).toBe(16384 * 4 * (1536 + 2 * 1152 + (2 * 4304) / 4) * 2);
    expect(r.cache).toBe(16384 * 4096 * 4 * 2);
  });
  it('the answer says it and the activation row carries it', () => {
    const withEnc = size({ model: 'qwen3.6-35b-a3b', gpu: 'rtx5090', quant: 'nvfp4' });
    expect(withEnc.notes.some((n) => n.code === 'engine.vllm.encoder')).toBe(true);
    const text = size({ model: 'qwen3-32b', gpu: 'h100' });
    expect(text.notes.some((n) => n.code === 'engine.vllm.encoder')).toBe(false);
  });
});
