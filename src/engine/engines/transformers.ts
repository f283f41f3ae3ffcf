// transformers generate(): no paging — the KV cache grows per token (DynamicCache), the whole memory is the
// budget; device_map="auto" splits layers across GPUs. docs/engines/others.md.
import { transformersActivation } from '../activations.ts';
import { windowPlain } from '../kv.ts';
import { cudaContextBytes } from '../overhead.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { caveat, fmtGiB, isAscend, no, OK, modelDtypeKv } from './common.ts';
import type { BudgetInput, BudgetPlan, EngineProfile, Launch, LaunchInput, Support } from './types.ts';
import { repoOf } from './launch.ts';
import { VLLM_SPEED } from './vllm.ts';
import { LLAMACPP_SPEED } from './llamacpp.ts';

export function transformersSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (quant.family === 'gguf') return caveat('quant.gguf.dequant', `transformers dequantizes ${quant.name} GGUF files to 16-bit on load.`, { quant: quant.name });
  if (isAscend(gpu) && ['fp8', 'nvfp4', 'mxfp4', 'awq', 'gptq', 'int4', 'nf4'].includes(quant.id)) return no(`${quant.id.toUpperCase()} kernels are CUDA-only; torch_npu runs bf16/fp16`, 'quant:bf16');
  return OK;
}

/** transformers and KTransformers: everything but the KV cache and activations is fixed; the rest is the pool. */
export function unpagedBudget({ inp, pp, kv, weights }: BudgetInput): BudgetPlan {
  const { arch, gpu } = inp;
  const d = inp.quant.id === 'fp32' ? 4 : 2;
  const ctxBytes = cudaContextBytes(gpu);
  const act = transformersActivation(arch, inp.users, inp.context, d);
  const stageActivation: number[] = [];
  const stageOverhead: number[] = [];
  for (let i = 0; i < pp; i++) {
    stageActivation.push(act);
    stageOverhead.push(ctxBytes);
  }
  const engine = inp.engine;
  return {
    budget: gpu.visibleBytes,
    utilUsed: 1,
    blockSize: 1,
    costOptions: { blockSize: 1, windowRule: windowPlain },
    stageActivation,
    stageOverhead,
    poolTokens: (stages) => Math.min(...stages.map((x) => Math.floor(Math.max(0, x.poolBytes) / Math.max(1, kv.bytesPerTokenModel / pp)))),
    settings: {},
    notes: [
      {
        code: `engine.${engine}`,
        params: { experts: fmtGiB(weights.expertBytes) },
        message:
          engine === 'transformers'
            ? 'transformers profile: no paging — the KV cache grows per token (DynamicCache) and the whole memory is the budget; prefill activations and fp32 logits are counted.'
            : `KTransformers profile: routed experts (${fmtGiB(weights.expertBytes)}) in host RAM, attention, shared experts, dense layers and KV on the GPU.`,
      },
    ],
  };
}

/** transformers has no server flags that change memory: the snippet that loads the model the way it was sized. */
export function transformersLaunch(l: LaunchInput): Launch {
  const { req } = l;
  const dtype = req.quant.id === 'fp32' ? 'float32' : req.quant.id === 'fp16' || req.kvDtype.id === 'fp16' ? 'float16' : 'bfloat16';
  const command = `python -c "from transformers import AutoModelForCausalLM; m = AutoModelForCausalLM.from_pretrained('${repoOf(req.model)}', dtype='${dtype}', device_map='auto')"`;
  return {
    engine: 'transformers',
    command,
    env: {},
    notes: [`device_map='auto' spreads the layers over the ${l.ev.pp} GPU${l.ev.pp > 1 ? 's' : ''}; generate() with ${l.usersPerReplica} sequences of ${l.maxModelLen} tokens grows a DynamicCache as sized. For serving, transformers serve (experimental) or vLLM.`],
  };
}

export const transformers: EngineProfile = {
  id: 'transformers',
  label: 'transformers',
  needsCuda: false,
  gguf: false,
  layouts: { layerSplit: true },
  kvCache: { dtypes: ['bf16', 'fp16', 'fp32'], defaultFor: modelDtypeKv, hint: 'bf16' },
  speed: { ...VLLM_SPEED, label: 'transformers (eager)', fittedOn: [], source: 'borrowed: vLLM’s bandwidth fraction with llama.cpp’s per-layer cost (eager kernels, no CUDA graphs); no transformers speed case yet', layerSeconds: LLAMACPP_SPEED.layerSeconds },
  supports: transformersSupports,
  weightOptions() {
    return { vocabPad: 1, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: false, gguf: false, expertPadFactor: 1 };
  },
  budget: unpagedBudget,
  launch: transformersLaunch,
};
