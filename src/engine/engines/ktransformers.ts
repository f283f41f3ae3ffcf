// KTransformers: routed experts in host RAM (CPU kernels), attention, shared experts, dense layers and KV on the GPU.
import type { Gpu, QuantFormat } from '../types.ts';
import { isApple, isNvidia, no, OK, ROOFLINE_SPEED, modelDtypeKv } from './common.ts';
import { unpagedBudget } from './transformers.ts';
import type { EngineProfile, Support } from './types.ts';

export function ktransformersSupports(_quant: QuantFormat, gpu: Gpu): Support {
  if (isApple(gpu)) return no(`KTransformers needs CUDA; ${gpu.name} has none`, 'engine:llamacpp (Metal)');
  if (!isNvidia(gpu)) return no(`KTransformers' GPU kernels are CUDA-only`, 'engine:llamacpp with -ot exps=CPU');
  return OK;
}

export const ktransformers: EngineProfile = {
  id: 'ktransformers',
  label: 'KTransformers',
  needsCuda: true,
  gguf: true,
  layouts: { layerSplit: true },
  kvCache: { dtypes: ['bf16', 'fp16'], defaultFor: modelDtypeKv, hint: 'bf16' },
  speed: ROOFLINE_SPEED,
  supports: ktransformersSupports,
  weightOptions() {
    return { vocabPad: 1, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: true, gguf: false, expertPadFactor: 1 };
  },
  budget: unpagedBudget,
};
