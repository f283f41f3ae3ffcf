// Helpers for the launch commands each engine module builds (flag names are the engines' own; see docs/engines/launch.md).
import type { Architecture, QuantFormat } from '../types.ts';
import { isSm80Plus } from './common.ts';
import type { LaunchInput } from './types.ts';

/** The repo to serve; a config.json the user attached has none, so a placeholder path. */
export function repoOf(arch: Architecture): string {
  return arch.hfRepo ?? './model';
}

/** "--flag value" pairs joined into a copyable multi-line shell command. */
export function shell(head: string, args: Array<string | false | undefined>): string {
  const parts = args.filter((a): a is string => typeof a === 'string' && a.length > 0);
  return parts.length ? `${head} \\\n  ${parts.join(' \\\n  ')}` : head;
}

/** The checkpoint format the model ships in (what loads without a quantization flag). */
export function nativeFormat(arch: Architecture): string {
  return arch.nativeQuant ?? (arch.dtype === 'fp16' ? 'fp16' : arch.dtype === 'fp32' ? 'fp32' : 'bf16');
}

/** True when the weights must come from a separately quantized checkpoint (AWQ, GPTQ, W8A8, NVFP4, GGUF). */
export function needsQuantizedCheckpoint(arch: Architecture, quant: QuantFormat): boolean {
  if (quant.id === nativeFormat(arch)) return false;
  return ['int4', 'awq', 'gptq', 'int8', 'nvfp4', 'mxfp4'].includes(quant.id) || quant.family === 'gguf';
}

/** The model argument for a pre-quantized checkpoint of `repo` (publishers name them "<repo>-AWQ", "-GPTQ-Int4", "-W8A8" …). */
export function quantizedRepo(repo: string, quant: QuantFormat): string {
  const suffix: Record<string, string> = { int4: 'AWQ', awq: 'AWQ', gptq: 'GPTQ-Int4', int8: 'W8A8', nvfp4: 'NVFP4', mxfp4: 'MXFP4' };
  return `${repo}-${suffix[quant.id] ?? quant.id.toUpperCase()}`;
}

/** 16/32-bit compute dtype flag value when it is not the checkpoint's own (fp16 on GPUs without bf16, fp32 asked for). */
export function dtypeOverride(l: LaunchInput): 'half' | 'float32' | 'bfloat16' | undefined {
  const { quant, gpu, model } = l.req;
  if (quant.id === 'fp32') return 'float32';
  if (quant.id === 'fp16' && model.dtype !== 'fp16') return 'half';
  if (gpu.vendor === 'nvidia' && !isSm80Plus(gpu)) return 'half';
  if (quant.id === 'bf16' && model.dtype === 'fp16') return 'bfloat16';
  return undefined;
}

/** GGUF file name for llama.cpp / Ollama: "<Repo-Name>-<QUANT>.gguf". */
export function ggufFile(arch: Architecture, quant: QuantFormat): string {
  const name = (arch.hfRepo ?? arch.name).split('/').pop()!.replace(/\s+/g, '-');
  const q = quant.family === 'gguf' ? quant.id.toUpperCase() : quant.id === 'fp16' ? 'F16' : quant.id === 'bf16' ? 'BF16' : quant.id.toUpperCase();
  return `${name}-${q}.gguf`;
}

/** The JSON for a YaRN rope-scaling override (vLLM --hf-overrides, SGLang --json-model-override-args). */
export function ropeOverrideJson(l: LaunchInput): string | undefined {
  if (!l.rope) return undefined;
  return JSON.stringify({ rope_scaling: { rope_type: 'yarn', factor: l.rope.factor, original_max_position_embeddings: l.rope.originalMax }, max_position_embeddings: l.maxModelLen });
}

/** Nodes of 8 GPUs a layout spans (TP inside a node, PP/DP across). */
export function nodesOf(gpus: number): number {
  return Math.ceil(gpus / 8);
}
