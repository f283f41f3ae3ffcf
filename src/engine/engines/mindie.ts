// MindIE (Huawei Ascend): kv_cache = total_memory x memory_fraction - weight - workspace, where the workspace is
// measured by a warm-up forward of the largest batch (maxPrefillTokens / maxBatchSize), and npuMemSize = -1
// (the default since 1.0.RC3) gives the rest to the KV cache in cacheBlockSize-token blocks.
// Sources (catalogs/engines.yaml, docs/engines/mindie.md): MindIE error code MIE05E01000A; MindIE LLM env.py
// (NPU_MEMORY_FRACTION default 0.8); MindIE LLM config.json reference (cacheBlockSize 128, maxPrefillTokens, maxBatchSize).
import { F } from '../formulas.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { cellPoolTokens, fmtGiB, isAscend, no, OK, modelDtypeKv } from './common.ts';
import type { EngineProfile, Launch, LaunchInput, Support } from './types.ts';
import { repoOf } from './launch.ts';
import { VLLM_SPEED } from './vllm.ts';

/** MindIE runs on Ascend NPUs only: bf16/fp16, and msModelSlim W8A8 / W8A16 / W4A16 checkpoints. */
export function mindieSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (!isAscend(gpu)) return no(`MindIE runs on Ascend NPUs only`, gpu.unified ? 'engine:llamacpp' : 'engine:vllm');
  if (['fp8', 'nvfp4', 'mxfp4'].includes(quant.id)) return no(`${gpu.name} has no FP8/FP4 units; MindIE loads msModelSlim W8A8 instead`, 'quant:int8 (W8A8 from msModelSlim, same memory as FP8)');
  if (['awq', 'gptq', 'nf4'].includes(quant.id) || quant.family === 'gguf') return no(`MindIE does not load ${quant.id.toUpperCase()} files; quantize with msModelSlim (W8A8, W4A16)`, 'quant:int8');
  return OK;
}

/** MindIE: config.json fields (ModelDeployConfig / ModelConfig / ScheduleConfig) and NPU_MEMORY_FRACTION, then the daemon. */
export function mindieLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const s = ev.settings;
  const devices = Array.from({ length: ev.tp }, (_, i) => i);
  const cfg = {
    BackendConfig: {
      npuDeviceIds: [devices],
      ModelDeployConfig: {
        maxSeqLen: l.maxModelLen,
        maxInputTokenLen: l.maxModelLen,
        ModelConfig: [{ modelName: repoOf(req.model).split('/').pop(), modelWeightPath: `/data/${repoOf(req.model).split('/').pop()}`, worldSize: ev.tp, npuMemSize: -1 }],
      },
      ScheduleConfig: { cacheBlockSize: s.cacheBlockSize, maxPrefillTokens: s.maxPrefillTokens, maxBatchSize: s.maxBatchSize },
    },
  };
  const env = { NPU_MEMORY_FRACTION: String(s.npuMemoryFraction) };
  const command = `# merge into $MIES_INSTALL_PATH/conf/config.json:\n# ${JSON.stringify(cfg)}\nexport NPU_MEMORY_FRACTION=${s.npuMemoryFraction}\ncd $MIES_INSTALL_PATH && ./bin/mindieservice_daemon`;
  const notes = [`npuMemSize -1 lets MindIE size the KV cache itself (NPU_MEMORY_FRACTION × total − weights − workspace).`];
  if (req.quant.id === 'int8') notes.push(`modelWeightPath must hold W8A8 weights made with msModelSlim from ${repoOf(req.model)}.`);
  if (ev.replicas > 1) notes.push(`Run ${ev.replicas} instances (modelInstanceNumber or separate daemons), each on its own ${ev.tp} NPUs.`);
  return { engine: 'mindie', command, env, notes };
}

export const mindie: EngineProfile = {
  id: 'mindie',
  label: 'MindIE',
  needsCuda: true,
  gguf: false,
  layouts: { layerSplit: false },
  kvCache: { dtypes: ['bf16', 'fp16'], defaultFor: modelDtypeKv, hint: 'bf16' },
  speed: { ...VLLM_SPEED, label: 'MindIE (Ascend)', fittedOn: [], source: 'borrowed from vLLM (CUDA) — not calibrated on Ascend: no MindIE speed case yet' },
  supports: mindieSupports,
  weightOptions() {
    return { vocabPad: 1, ropeCacheBytes: 0, embeddingOnHost: false, expertsOnHost: false, gguf: false, expertPadFactor: 1 };
  },
  budget({ inp, tp, pp, dtypeBytes: d, kv, steps: s }) {
    const { arch, gpu, engines } = inp;
    const cfg = engines.mindie;
    const fraction = inp.util ?? cfg.memoryFraction;
    const budget = F.mindieBudget.eval({ fraction, total: gpu.visibleBytes }, s);
    const inter = arch.intermediate > 0 ? arch.intermediate / tp : (arch.moe?.expertIntermediate ?? 0) / tp;
    // The workspace formula is not documented: modelled as one forward of maxPrefillTokens tokens (the warm-up).
    const workspace = F.warmupForward.eval({ N: cfg.maxPrefillTokens, hidden: arch.hidden, intermediate: inter, d }, s);
    const B = cfg.cacheBlockSize;
    return {
      budget,
      utilUsed: fraction,
      blockSize: B,
      costOptions: { blockSize: B, windowRule: (_k, w, ctx) => ({ tokens: Math.min(w, ctx), extraBlocks: 0 }) },
      stageActivation: Array.from({ length: pp }, () => workspace),
      stageOverhead: Array.from({ length: pp }, () => 0),
      poolTokens: (stages) => Math.floor(cellPoolTokens(kv, stages, (pool, cell) => Math.floor(pool / cell)) / B) * B,
      maxSeqs: cfg.maxBatchSize,
      settings: { npuMemoryFraction: fraction, maxPrefillTokens: cfg.maxPrefillTokens, maxBatchSize: cfg.maxBatchSize, cacheBlockSize: B },
      notes: [
        {
          code: 'engine.mindie',
          params: { fraction, total: fmtGiB(gpu.visibleBytes), prefill: cfg.maxPrefillTokens, batch: cfg.maxBatchSize, block: B },
          message: `MindIE profile: KV = NPU_MEMORY_FRACTION ${fraction} × ${fmtGiB(gpu.visibleBytes)} − weights − warm-up workspace (maxPrefillTokens ${cfg.maxPrefillTokens}, maxBatchSize ${cfg.maxBatchSize}); npuMemSize -1 (automatic); blocks of ${B} tokens. The workspace size is not documented: modelled as one forward pass of maxPrefillTokens tokens.`,
        },
      ],
    };
  },
  launch: mindieLaunch,
};
