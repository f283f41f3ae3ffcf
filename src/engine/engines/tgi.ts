// TGI v3.3+ (docs/engines/others.md §1): after one warm-up prefill of max_batch_prefill_tokens, free memory minus
// (1 - cuda_memory_fraction x TGI_WIGGLE_ROOM 0.90) x total becomes KV; flashinfer pages of 1 token.
import { windowPlain } from '../kv.ts';
import { cudaContextBytes, vllmNonTorch } from '../overhead.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { caveat, cellPoolTokens, hasFp8, isAmd, isApple, isAscend, isNvidia, isSm80Plus, no, OK, GPU_KV } from './common.ts';
import type { EngineProfile, Launch, LaunchInput, Support } from './types.ts';
import { needsQuantizedCheckpoint, quantizedRepo, repoOf, shell } from './launch.ts';
import { VLLM_SPEED } from './vllm.ts';

/** TGI runs on NVIDIA (CUDA), AMD (ROCm), Intel Gaudi; not on Ascend or Apple. GGUF is not a TGI format. */
export function tgiSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (isApple(gpu)) return no(`TGI needs CUDA or ROCm; ${gpu.name} has neither`, 'engine:llamacpp (Metal)');
  if (isAscend(gpu)) return no(`TGI has no Ascend backend`, 'engine:vllm (vllm-ascend) or engine:mindie');
  if (quant.family === 'gguf') return no(`${quant.name} is a llama.cpp format TGI does not load`, 'engine:llamacpp');
  if (quant.id === 'fp8' && !hasFp8(gpu)) return isNvidia(gpu) && isSm80Plus(gpu) ? caveat('hw.fp8.weightOnly', `${gpu.name} has no FP8 tensor cores: TGI runs FP8 weights as weight-only (Marlin), same memory, 16-bit compute.`, { gpu: gpu.name, engine: 'TGI' }) : no(`${gpu.name} runs no FP8 kernel in TGI`, 'quant:int4');
  if (quant.id === 'nvfp4' || quant.id === 'mxfp4') return no(`TGI has no ${quant.id.toUpperCase()} kernels`, 'engine:vllm');
  if (isAmd(gpu) && quant.id === 'nf4') return no('bitsandbytes NF4 is CUDA-only', 'quant:int4');
  return OK;
}

/** text-generation-launcher with the settings the estimate assumed. */
export function tgiLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const repo = repoOf(req.model);
  const quantized = needsQuantizedCheckpoint(req.model, req.quant);
  const target = quantized ? quantizedRepo(repo, req.quant) : repo;
  const command = shell(`text-generation-launcher --model-id ${target}`, [
    `--num-shard ${ev.tp}`,
    `--max-input-tokens ${Math.max(1, l.maxModelLen - 1)}`,
    `--max-total-tokens ${l.maxModelLen}`,
    `--max-batch-prefill-tokens ${ev.settings.maxBatchPrefillTokens}`,
    `--cuda-memory-fraction ${ev.settings.cudaMemoryFraction}`,
    req.kvDtype.id === 'fp8' && '--kv-cache-dtype fp8_e4m3fn',
    req.quant.id === 'fp8' && req.model.nativeQuant !== 'fp8' && '--quantize fp8',
    req.quant.id === 'nf4' && '--quantize bitsandbytes-nf4',
  ]);
  const notes = ev.replicas > 1 ? [`Run ${ev.replicas} of these (one per group of ${ev.tp} GPUs, CUDA_VISIBLE_DEVICES) behind a load balancer.`] : [];
  if (quantized) notes.push(`${target} stands for a ${req.quant.id.toUpperCase()} checkpoint of ${repo}.`);
  return { engine: 'tgi', command, env: {}, notes };
}

export const tgi: EngineProfile = {
  id: 'tgi',
  label: 'TGI',
  needsCuda: true,
  gguf: false,
  layouts: { layerSplit: false },
  kvCache: { ...GPU_KV, dtypes: ['bf16', 'fp16', 'fp8'] },
  speed: { ...VLLM_SPEED, label: 'TGI (CUDA)', fittedOn: [], source: 'borrowed from vLLM (CUDA): paged attention under CUDA graphs; no TGI speed case yet' },
  supports: tgiSupports,
  weightOptions(inp) {
    return { vocabPad: inp.engines.vllm.vocabPad, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: false, gguf: false, expertPadFactor: 1 };
  },
  budget({ inp, tp, pp, dtypeBytes: d, kv }) {
    const { arch, gpu, engines } = inp;
    const frac = inp.util ?? 1.0;
    const wiggle = 0.9;
    const budget = Math.floor(frac * wiggle * gpu.visibleBytes);
    const prefillTokens = 4096;
    const inter = arch.intermediate > 0 ? arch.intermediate / tp : (arch.moe?.expertIntermediate ?? 0) / tp;
    const warmup = prefillTokens * (4 * arch.hidden + 3 * inter) * d;
    const stageActivation: number[] = [];
    const stageOverhead: number[] = [];
    for (let st = 0; st < pp; st++) {
      stageActivation.push(warmup);
      stageOverhead.push(cudaContextBytes(gpu) + (tp > 1 ? vllmNonTorch(engines.vllm, tp, pp) : 0));
    }
    return {
      budget,
      utilUsed: Math.min(1, frac * wiggle),
      blockSize: 1,
      costOptions: { blockSize: 1, windowRule: windowPlain },
      stageActivation,
      stageOverhead,
      poolTokens: (stages) => cellPoolTokens(kv, stages, (pool, cell) => Math.floor(pool / cell)),
      settings: { cudaMemoryFraction: frac, maxBatchPrefillTokens: prefillTokens },
      notes: [
        {
          code: 'engine.tgi',
          params: { fraction: frac, wiggle, prefill: prefillTokens },
          message: `TGI profile (v3.3+): --cuda-memory-fraction ${frac} × wiggle room ${wiggle}; the warm-up prefill of ${prefillTokens} tokens stays reserved; KV in 1-token pages (flashinfer); CUDA graphs are captured afterwards in the remaining ${Math.round((1 - frac * wiggle) * 100)} %.`,
        },
      ],
    };
  },
  launch: tgiLaunch,
};
