// SGLang: no profiling run. KV = T x mem_fraction_static - weights, T = free memory after init
// (docs/engines/sglang.md §1); token-granular pages (page_size 1).
import { F } from '../formulas.ts';
import { windowPlain } from '../kv.ts';
import { SGLANG_INIT_BYTES, sglangFraction } from '../overhead.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { caveat, ggufCaveat, cellPoolTokens, fmtGiB, GiB, hasFp8, isAmd, isApple, isAscend, isNvidia, isSm80Plus, no, OK, GPU_KV } from './common.ts';
import type { EngineProfile, Launch, LaunchInput, Support } from './types.ts';
import { dtypeOverride, nativeFormat, needsQuantizedCheckpoint, nodesOf, quantizedRepo, repoOf, ropeOverrideJson, shell } from './launch.ts';
import { VLLM_SPEED } from './vllm.ts';

/**
 * Formats x hardware (SGLang quantization docs; Ascend NPU quantization page: ModelSlim W8A8 / W4A8 / W4A4 on
 * Atlas A2/A3, no FP8 on 910B).
 */
export function sglangSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (isApple(gpu)) return no(`SGLang needs CUDA, ROCm or an Ascend NPU; ${gpu.name} has none`, 'engine:llamacpp (Metal)');
  if (quant.family === 'gguf') return ggufCaveat(quant.name, 'sglang');
  if (isAscend(gpu)) {
    if (['fp8', 'nvfp4', 'mxfp4'].includes(quant.id))
      return no(`${gpu.name} has no FP8/FP4 units; SGLang on Ascend loads ModelSlim W8A8 / W4A8 checkpoints, not ${quant.id.toUpperCase()}`, 'quant:int8 (W8A8 from msModelSlim)');
    if (['int4', 'awq', 'gptq', 'nf4'].includes(quant.id)) return no(`AWQ/GPTQ kernels are CUDA-only; SGLang on Ascend loads ModelSlim checkpoints`, 'quant:int8 (W8A8 from msModelSlim)');
    return OK;
  }
  if (isAmd(gpu)) {
    if ((quant.id === 'fp8' || quant.id === 'mxfp4') && !hasFp8(gpu)) return no(`${gpu.name} has no FP8 units`, 'quant:int4 or bf16');
    if (quant.id === 'nvfp4') return no('NVFP4 kernels are NVIDIA-only', 'quant:fp8');
    return OK;
  }
  if (!isNvidia(gpu)) return no(`SGLang does not run on ${gpu.name}`);
  const sm80 = isSm80Plus(gpu);
  if (!sm80 && quant.id === 'bf16') return caveat('hw.bf16', `${gpu.name} has no bf16 (before sm80): SGLang runs the model in fp16 (--dtype half), same memory`, { gpu: gpu.name, engine: 'SGLang' });
  if (quant.id === 'fp8' && !hasFp8(gpu))
    return sm80 ? caveat('hw.fp8.weightOnly', `${gpu.name} has no FP8 tensor cores: SGLang runs FP8 weights as weight-only (Marlin), same memory, 16-bit compute.`, { gpu: gpu.name, engine: 'SGLang' }) : no(`${gpu.name} (before sm80) runs no FP8 kernel`, 'quant:int4 (AWQ/GPTQ)');
  if (quant.id === 'nvfp4' && gpu.tflopsFp4 === null) return no('SGLang runs NVFP4 on Blackwell (SM100+) only', 'quant:fp8 or engine:vllm (FP4 Marlin)');
  if (quant.id === 'mxfp4' && !sm80) return no(`${gpu.name} (before sm80) runs no MXFP4 MoE kernel`, 'quant:int4');
  return OK;
}

/** python -m sglang.launch_server with the settings the estimate assumed (flag names: SGLang server arguments). */
export function sglangLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const { model, quant } = req;
  const repo = repoOf(model);
  const notes: string[] = [];
  const quantized = needsQuantizedCheckpoint(model, quant);
  const target = quantized ? quantizedRepo(repo, quant) : repo;
  if (quantized) notes.push(`Serve the ${quant.id.toUpperCase()} checkpoint of ${repo} (${target} stands for it): SGLang reads the format from its config.`);
  const rope = ropeOverrideJson(l);
  const dtype = dtypeOverride(l);
  const gpus = ev.tp * ev.pp * ev.replicas;
  const command = shell(`python -m sglang.launch_server --model-path ${target}`, [
    `--tp ${ev.tp}`,
    ev.pp > 1 && `--pp-size ${ev.pp}`,
    ev.dp > 1 ? `--dp ${ev.dp}` : ev.replicas > 1 && `--dp ${ev.replicas}`,
    ev.dp > 1 && '--enable-dp-attention',
    ev.dp > 1 && '--moe-a2a-backend deepep',
    `--mem-fraction-static ${ev.utilUsed}`,
    `--context-length ${l.maxModelLen}`,
    `--max-running-requests ${Math.max(1, ev.dp > 1 ? l.usersPerReplica : l.usersPerReplica * ev.replicas)}`,
    req.kvDtype.id === 'fp8' && '--kv-cache-dtype fp8_e4m3',
    dtype && dtype !== 'float32' && `--dtype ${dtype}`,
    quant.id === 'fp8' && nativeFormat(model) !== 'fp8' && '--quantization fp8',
    req.gpu.vendor === 'huawei' && quant.id === 'int8' && '--quantization modelslim',
    rope && `--json-model-override-args '${rope}'`,
    // Speculative decoding as a chain (topk 1): num_steps draft passes, num_steps + 1 tokens verified; MTP runs
    // through the EAGLE worker with the checkpoint's own NextN layer.
    ev.spec && `--speculative-algorithm ${ev.spec.method === 'mtp' ? 'EAGLE' : 'EAGLE3'}`,
    ev.spec?.method === 'eagle3' && `--speculative-draft-model-path ${ev.spec.repo}`,
    ev.spec && `--speculative-num-steps ${ev.spec.tokens}`,
    ev.spec && '--speculative-eagle-topk 1',
    ev.spec && `--speculative-num-draft-tokens ${ev.spec.tokens + 1}`,
  ]);
  if (ev.dp > 1) {
    notes.push(`--enable-dp-attention --dp ${ev.dp}: each of the ${ev.dp} attention ranks keeps the KV of its own requests (an MLA latent is no longer copied to every GPU); the experts run expert-parallel over the ${ev.tp} GPUs.`);
    if (ev.replicas > 1) notes.push(`Run ${ev.replicas} such servers, one per group of ${ev.tp} GPUs, behind SGLang's router.`);
  } else if (ev.replicas > 1) notes.push(`--dp ${ev.replicas} runs ${ev.replicas} copies (TP${ev.tp} each) behind SGLang's router.`);
  if (nodesOf(gpus) > 1) notes.push(`${gpus} GPUs span ${nodesOf(gpus)} nodes: run the same command on each with --nnodes ${nodesOf(gpus)} --node-rank <i> --dist-init-addr <head>:50000.`);
  return { engine: 'sglang', command, env: {}, notes };
}

export const sglang: EngineProfile = {
  id: 'sglang',
  label: 'SGLang',
  needsCuda: true,
  gguf: false,
  layouts: { layerSplit: false, dpAttention: true },
  kvCache: { ...GPU_KV, dtypes: ['bf16', 'fp16', 'fp8'] },
  speed: { ...VLLM_SPEED, label: 'SGLang (CUDA)', fittedOn: [], source: 'borrowed from vLLM (CUDA): the same class of CUDA-graph decode and FlashInfer/FlashAttention kernels; no SGLang speed case yet' },
  // SGLang's --mamba-ssm-dtype defaults to the checkpoint's float32 state (assumed like vLLM; not verified against a log).
  kvRules: { honourSsmDtype: true, kEqVOnce: false },
  supports: sglangSupports,
  weightOptions(inp) {
    return { vocabPad: inp.engines.vllm.vocabPad, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: false, gguf: false, expertPadFactor: 1 };
  },
  budget({ inp, tp, pp, kv, steps: s }) {
    const { arch, gpu, engines } = inp;
    const frac = inp.util ?? sglangFraction(gpu, tp, pp, arch.extraParams > 0);
    const T = gpu.visibleBytes - SGLANG_INIT_BYTES;
    const budget = F.sglangBudget.eval({ fraction: frac, freeAfterInit: T }, s);
    // Loading also grows the CUDA runtime's own memory (lazy module loading of the first kernels): SGLang's
    // "mem usage" after load exceeds the parameter bytes by it. vLLM logs the same growth as non-torch memory.
    const stageActivation: number[] = [];
    const stageOverhead: number[] = [];
    for (let st = 0; st < pp; st++) {
      stageActivation.push(0);
      stageOverhead.push(engines.vllm.nonTorch.tp1GiB * GiB);
    }
    const blockSize = engines.sglang.pageSize;
    return {
      budget,
      utilUsed: frac,
      blockSize,
      costOptions: { blockSize, windowRule: windowPlain },
      stageActivation,
      stageOverhead,
      poolTokens: (stages) => cellPoolTokens(kv, stages, (pool, cell) => F.sglangTokens.eval({ pool, cellBytes: cell }, s)),
      settings: { memFractionStatic: frac },
      notes: [
        {
          code: 'engine.sglang',
          params: { fraction: frac, free: fmtGiB(T) },
          message: `SGLang profile: mem_fraction_static ${frac}${inp.util ? '' : ' (its default for this GPU and TP)'} of the ${fmtGiB(T)} free after start-up; KV pool = that share − weights; activations, CUDA graphs and the request table live in the other ${Math.round((1 - frac) * 100)} %.`,
        },
      ],
    };
  },
  launch: sglangLaunch,
  // vLLM --speculative-config method mtp / eagle3; SGLang --speculative-algorithm EAGLE (MTP through the NextN layer) / EAGLE3.
  speculative: ['mtp', 'eagle3'],
};
