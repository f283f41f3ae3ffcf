// Ollama: the llama.cpp runner with its own defaults (num_ctx, OLLAMA_NUM_PARALLEL); same memory rules.
import { LLAMA_KV, llamaBudget, llamacppSupports, llamaWeightOptions, LLAMACPP_METAL_SPEED, LLAMACPP_SPEED } from './llamacpp.ts';
import type { EngineProfile, Launch, LaunchInput } from './types.ts';
import { ggufFile, repoOf } from './launch.ts';

/** Ollama: the settings are server environment variables; num_ctx x OLLAMA_NUM_PARALLEL cells are allocated per model. */
export function ollamaLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const slots = Number(ev.settings.nParallel);
  const perSlot = Math.floor(Number(ev.settings.nCtx) / slots);
  const env: Record<string, string> = {
    OLLAMA_NUM_PARALLEL: String(slots),
    OLLAMA_CONTEXT_LENGTH: String(perSlot),
    OLLAMA_FLASH_ATTENTION: ev.settings.flashAttn ? '1' : '0',
  };
  if (req.kvDtype.id === 'q8_0' || req.kvDtype.id === 'q4_0') env.OLLAMA_KV_CACHE_TYPE = req.kvDtype.id;
  const tag = req.model.ollamaTag ?? `hf.co/<user>/${ggufFile(req.model, req.quant).replace(/-[^-]+\.gguf$/, '')}-GGUF:${req.quant.id.toUpperCase()}`;
  const envLine = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
  const notes = [
    `OLLAMA_CONTEXT_LENGTH is each request's context (num_ctx); Ollama allocates it for every one of the ${slots} parallel slots.`,
    req.model.ollamaTag ? `The library tag's default quantization must be ${req.quant.id.toUpperCase()}; pick the matching tag if not.` : `No Ollama library tag is known for ${repoOf(req.model)}: ${tag} pulls a GGUF from Hugging Face.`,
  ];
  return { engine: 'ollama', command: `${envLine} ollama serve\nollama run ${tag}`, env, notes };
}

export const ollama: EngineProfile = {
  id: 'ollama',
  label: 'Ollama',
  needsCuda: false,
  gguf: true,
  layouts: { layerSplit: true },
  kvCache: LLAMA_KV,
  // The llama.cpp runner: the same kernels and constants.
  speed: { ...LLAMACPP_SPEED, label: 'Ollama (llama.cpp runner)' },
  speedOn: { metal: { ...LLAMACPP_METAL_SPEED, label: 'Ollama (llama.cpp runner, Metal)' } },
  supports: llamacppSupports,
  weightOptions: llamaWeightOptions,
  budget: llamaBudget,
  launch: ollamaLaunch,
};
