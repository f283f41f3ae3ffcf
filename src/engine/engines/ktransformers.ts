// KTransformers: routed experts in host RAM (CPU kernels), attention, shared experts, dense layers and KV on the GPU.
import type { Gpu, QuantFormat } from '../types.ts';
import { isApple, isNvidia, no, OK, modelDtypeKv } from './common.ts';
import { unpagedBudget } from './transformers.ts';
import type { EngineProfile, Launch, LaunchInput, Support } from './types.ts';
import { ggufFile, repoOf, shell } from './launch.ts';
import { VLLM_SPEED } from './vllm.ts';

export function ktransformersSupports(_quant: QuantFormat, gpu: Gpu): Support {
  if (isApple(gpu)) return no(`KTransformers needs CUDA; ${gpu.name} has none`, 'engine:llamacpp (Metal)');
  if (!isNvidia(gpu)) return no(`KTransformers' GPU kernels are CUDA-only`, 'engine:llamacpp with -ot exps=CPU');
  return OK;
}

/** KTransformers server: routed experts from a GGUF run on the CPU, the rest on the GPU. */
export function ktransformersLaunch(l: LaunchInput): Launch {
  const { req } = l;
  const command = shell(`ktransformers --model_path ${repoOf(req.model)}`, [
    `--gguf_path ./${ggufFile(req.model, req.quant).replace(/\.gguf$/, '')}/`,
    '--cpu_infer 32',
    `--cache_lens ${l.maxModelLen * Math.max(1, l.usersPerReplica)}`,
    `--max_batch_size ${Math.max(1, l.usersPerReplica)}`,
    '--port 10002',
  ]);
  return {
    engine: 'ktransformers',
    command,
    env: {},
    notes: ['--gguf_path is a directory with the GGUF of the experts; --cpu_infer is the CPU threads for them (set it to your physical cores). --cache_lens is the KV cache in tokens for all requests together.'],
  };
}

export const ktransformers: EngineProfile = {
  id: 'ktransformers',
  label: 'KTransformers',
  needsCuda: true,
  gguf: true,
  layouts: { layerSplit: true },
  kvCache: { dtypes: ['bf16', 'fp16'], defaultFor: modelDtypeKv, hint: 'bf16' },
  speed: { ...VLLM_SPEED, label: 'KTransformers (GPU part)', fittedOn: [], source: 'GPU part borrowed from vLLM (CUDA): PyTorch kernels under CUDA graphs; the experts on the CPU follow the host constants (speed.ts HOST_SPEED), fitted on the KTransformers cases' },
  supports: ktransformersSupports,
  weightOptions() {
    return { vocabPad: 1, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: true, gguf: false, expertPadFactor: 1 };
  },
  budget: unpagedBudget,
  launch: ktransformersLaunch,
};
