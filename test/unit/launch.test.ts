// Launch commands: every flag that changes memory is derived from the report's own layout, budget and context.
import { describe, expect, it } from 'vitest';
import { ENGINE_IDS } from '../../src/engine/engines/index.ts';
import { SizingReportSchema } from '../../src/engine/report.ts';
import { size } from '../helpers/req.ts';

/** The value after a flag in a command ("--tp 4" -> "4"). */
function flag(cmd: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name.replace(/[-]/g, '\\-')}[ =](\\S+)`).exec(cmd);
  return m?.[1];
}

describe('launch command per engine', () => {
  it('vLLM: TP, replicas as -dp, context, utilization and batch limits come from the report', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4', tp: '2' });
    const c = r.launch.command;
    expect(c.startsWith('vllm serve ')).toBe(true);
    expect(flag(c, '--tensor-parallel-size')).toBe(String(r.layout.tp));
    expect(flag(c, '--data-parallel-size')).toBe(String(r.layout.replicas));
    expect(r.layout.replicas).toBe(4);
    expect(flag(c, '--max-model-len')).toBe(String(r.request.contextTokens));
    expect(flag(c, '--gpu-memory-utilization')).toBe(String(r.request.util));
    expect(flag(c, '--max-num-seqs')).toBe('256'); // the smaller-GPU default the profiling peak assumed
    expect(flag(c, '--kv-cache-dtype')).toBeUndefined();
    const fp8 = size({ model: 'llama-3.1-8b', gpu: 'h100', kv: 'fp8', quant: 'fp8', util: '0.95' });
    expect(flag(fp8.launch.command, '--kv-cache-dtype')).toBe('fp8');
    expect(flag(fp8.launch.command, '--quantization')).toBe('fp8'); // dynamic FP8 of the bf16 checkpoint
    expect(flag(fp8.launch.command, '--gpu-memory-utilization')).toBe('0.95');
    expect(flag(fp8.launch.command, '--max-num-seqs')).toBe('1024');
  });

  it('vLLM: a native FP8 checkpoint needs no --quantization; fp32 and pre-sm80 set --dtype', () => {
    const ds = size({ model: 'deepseek-v3', gpu: 'h200x8' });
    expect(flag(ds.launch.command, '--quantization')).toBeUndefined();
    expect(ds.launch.command).toContain('vllm serve deepseek-ai/DeepSeek-V3');
    expect(flag(size({ model: 'llama-3.1-8b', gpu: 'h100', quant: 'fp32' }).launch.command, '--dtype')).toBe('float32');
    expect(flag(size({ model: 'llama-3.1-8b', gpu: 't4', quant: 'int4' }).launch.command, '--dtype')).toBe('half');
  });

  it('SGLang: --tp, --mem-fraction-static = the fraction the budget used, --context-length, --max-running-requests', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'h100x2', users: '8', context: '8k', engine: 'sglang', kv: 'fp8' });
    const c = r.launch.command;
    expect(c).toMatch(/^python -m sglang\.launch_server --model-path Qwen\/Qwen3-32B/);
    expect(flag(c, '--tp')).toBe(String(r.layout.tp));
    expect(Number(flag(c, '--mem-fraction-static'))).toBe(r.request.util);
    expect(flag(c, '--context-length')).toBe('8192');
    expect(flag(c, '--max-running-requests')).toBe(String(Math.ceil(8 / r.layout.replicas)));
    expect(flag(c, '--kv-cache-dtype')).toBe('fp8_e4m3');
  });

  it('llama.cpp: -c is users x context (one n_ctx shared by -np slots), cache types and the layer split', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'rtx3090x2', users: '4', context: '8k', engine: 'llamacpp', kv: 'q8_0' });
    const c = r.launch.command;
    expect(c.startsWith('llama-server -m ')).toBe(true);
    expect(flag(c, '-c')).toBe(String(4 * 8192));
    expect(flag(c, '-np')).toBe('4');
    expect(flag(c, '-ctk')).toBe('q8_0');
    expect(flag(c, '-ctv')).toBe('q8_0');
    expect(flag(c, '--tensor-split')).toBe('1,1');
  });

  it('Ollama: the settings are environment variables, num_ctx per slot', () => {
    const r = size({ model: 'qwen3-32b', gpu: 'rtx4090', users: '3', context: '4k', engine: 'ollama', kv: 'q8_0' });
    expect(r.launch.env).toEqual({ OLLAMA_NUM_PARALLEL: '3', OLLAMA_CONTEXT_LENGTH: '4096', OLLAMA_FLASH_ATTENTION: '1', OLLAMA_KV_CACHE_TYPE: 'q8_0' });
    expect(r.launch.command).toContain('ollama run qwen3:32b');
  });

  it('TensorRT-LLM and MindIE: their own flag and config names', () => {
    const t = size({ model: 'llama-3.1-70b', gpu: 'h100x4', engine: 'trtllm', quant: 'fp8', users: '50', context: '8k', tp: '4' });
    expect(flag(t.launch.command, '--tp_size')).toBe('4');
    expect(flag(t.launch.command, '--max_seq_len')).toBe('8192');
    expect(flag(t.launch.command, '--kv_cache_free_gpu_memory_fraction')).toBe('0.9');
    const m = size({ model: 'qwen3-32b', gpu: '910b3x4', engine: 'mindie', users: '20', context: '8k' });
    expect(m.launch.env).toEqual({ NPU_MEMORY_FRACTION: '0.8' });
    expect(m.launch.command).toContain('"worldSize":4');
    expect(m.launch.command).toContain('"maxSeqLen":8192');
  });

  it('every engine gives a launch in the JSON contract', () => {
    for (const engine of ENGINE_IDS) {
      const gpu = engine === 'mindie' ? '910b3' : 'h100';
      const quant = engine === 'llamacpp' || engine === 'ollama' ? 'q4_k_m' : 'bf16';
      const r = size({ model: 'qwen3-8b', gpu, engine, quant });
      expect(SizingReportSchema.parse(r).launch.engine).toBe(engine);
      expect(r.launch.command.length).toBeGreaterThan(10);
    }
  });
});
