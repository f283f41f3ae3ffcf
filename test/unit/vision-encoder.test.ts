import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest, parseTextOnly } from '../../src/catalog/parse.ts';
import { extrasField } from '../../commands/custom-id.ts';
import { vllmEncoderProfile } from '../../src/engine/engines/vllm.ts';
import { cat, model, size } from '../helpers/req.ts';

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

describe('textonly:true', () => {
  it('vLLM 0.19+: --language-model-only, no vision tower weights, no encoder profile, the answer says so', () => {
    const base = size({ model: 'qwen3.6-27b', gpu: 'h100', context: '32k' });
    const t = size({ model: 'qwen3.6-27b', gpu: 'h100', context: '32k', textonly: 'true' });
    // The vision tower is the catalog's extraParams: 460,730,096 params x 2 B (bf16), whole on one GPU.
    expect(base.perGpu.weightsBytes - t.perGpu.weightsBytes).toBeCloseTo(460730096 * 2, -3);
    expect(t.notes.some((n) => n.code === 'engine.vllm.encoder')).toBe(false);
    expect(t.notes.find((n) => n.code === 'textonly.on')?.params?.drops).toBe(1);
    expect(t.launch.command).toContain('--language-model-only');
    expect(base.launch.command).not.toContain('--language-model-only');
    expect(t.kv.poolTokens).toBeGreaterThan(base.kv.poolTokens);
  });
  it('an older vLLM release: --limit-mm-per-prompt 0 skips the encoder profile but still loads the tower', () => {
    const base = size({ model: 'qwen3.6-27b', gpu: 'h100', engine: 'vllm@0.17' });
    const t = size({ model: 'qwen3.6-27b', gpu: 'h100', engine: 'vllm@0.17', textonly: 'true' });
    expect(t.perGpu.weightsBytes).toBe(base.perGpu.weightsBytes);
    expect(t.launch.command).toContain(`--limit-mm-per-prompt '{"image":0,"video":0}'`);
    expect(t.notes.find((n) => n.code === 'textonly.on')?.params?.drops).toBe(0);
  });
  it('a text model, and engines without a switch, are unchanged and say why', () => {
    const a = size({ model: 'qwen3-32b', gpu: 'h100' });
    const b = size({ model: 'qwen3-32b', gpu: 'h100', textonly: 'true' });
    expect(b.kv.poolTokens).toBe(a.kv.poolTokens);
    expect(b.notes.some((n) => n.code === 'textonly.none')).toBe(true);
    expect(b.launch.command).not.toContain('--language-model-only');
    const s = size({ model: 'qwen3.6-27b', gpu: 'h100', engine: 'sglang', textonly: 'true' });
    expect(s.notes.some((n) => n.code === 'textonly.unsupported')).toBe(true);
    const l = size({ model: 'qwen3.6-27b', gpu: 'rtx4090', engine: 'llamacpp', quant: 'q4_k_m', textonly: 'true' });
    expect(l.notes.some((n) => n.code === 'textonly.gguf')).toBe(true);
  });
});

describe('textonly: parsing', () => {
  it('accepts the usual yes / no words and refuses anything else with one line and a suggestion', () => {
    for (const v of ['true', 'YES', ' on ', '1', 'y']) expect(parseTextOnly(v)).toEqual({ ok: true, value: true });
    for (const v of ['false', 'No', 'off', '0', 'n']) expect(parseTextOnly(v)).toEqual({ ok: true, value: false });
    const r = parseTextOnly('maybe');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.didYouMean).toEqual(['textonly:true', 'textonly:false']);
  });
  it('property: any text either parses to a boolean or fails with one line naming the option', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        const r = parseTextOnly(s);
        if (r.ok) expect(typeof r.value).toBe('boolean');
        else expect(r.error.message).toMatch(/^textonly "[^\n]*" must be true or false$/);
      }),
    );
  });
  it('an over-long value is refused before parsing, and buttons carry textonly', () => {
    expect(buildRequest({ model: 'qwen3.6-27b', gpu: 'h100', textonly: 'x'.repeat(40) }, cat).ok).toBe(false);
    const enc = extrasField.encode({ textonly: 'true', tps: '30' });
    expect(enc).toBe('t30,xtrue');
    expect(extrasField.schema.parse(enc)).toEqual({ tps: '30', textonly: 'true' });
  });
});
