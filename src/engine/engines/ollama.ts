// Ollama: the llama.cpp runner with its own defaults (num_ctx, OLLAMA_NUM_PARALLEL); same memory rules.
import { LLAMA_KV, llamaBudget, llamacppSupports, llamaWeightOptions } from './llamacpp.ts';
import { ROOFLINE_SPEED } from './common.ts';
import type { EngineProfile } from './types.ts';

export const ollama: EngineProfile = {
  id: 'ollama',
  label: 'Ollama',
  needsCuda: false,
  gguf: true,
  layouts: { layerSplit: true },
  kvCache: LLAMA_KV,
  speed: ROOFLINE_SPEED,
  supports: llamacppSupports,
  weightOptions: llamaWeightOptions,
  budget: llamaBudget,
};
