// The engine registry: one module per serving engine, all behind EngineProfile.
import type { EngineId } from '../types.ts';
import { ktransformers } from './ktransformers.ts';
import { llamacpp } from './llamacpp.ts';
import { mindie } from './mindie.ts';
import { ollama } from './ollama.ts';
import { sglang } from './sglang.ts';
import { tgi } from './tgi.ts';
import { transformers } from './transformers.ts';
import { trtllm } from './trtllm.ts';
import type { EngineProfile } from './types.ts';
import { vllm } from './vllm.ts';

export const ENGINES: Record<EngineId, EngineProfile> = { vllm, sglang, llamacpp, ollama, tgi, transformers, ktransformers, mindie, trtllm };

/** Every engine id, in the order options list them. */
export const ENGINE_IDS = Object.keys(ENGINES) as EngineId[];

export function engineProfile(id: EngineId): EngineProfile {
  return ENGINES[id];
}

/** Engines that need CUDA/ROCm/NPU kernels and so do not run on Apple unified memory. */
export function needsCuda(id: EngineId): boolean {
  return ENGINES[id].needsCuda;
}

/** Engines that split a model by layers across GPUs rather than by tensor parallelism. */
export function isLayerSplitEngine(id: EngineId): boolean {
  return ENGINES[id].layouts.layerSplit;
}

export type { Backend, EngineProfile, LayoutEval, ProfileInput, SpeedConstants, StageEval, Support } from './types.ts';
