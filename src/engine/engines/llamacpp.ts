// llama.cpp (llama-server): KV allocated up front for n_ctx shared by -np slots, padded to 256 cells; SWA cache;
// compute buffer; token embeddings in host RAM; layers split across GPUs (-sm layer). docs/engines/llamacpp.md.
import { llamacppCompute } from '../activations.ts';
import { F } from '../formulas.ts';
import { cudaContextBytes, llamacppSettings } from '../overhead.ts';
import type { Gpu, QuantFormat } from '../types.ts';
import { OK } from './common.ts';
import type { BudgetInput, BudgetPlan, EngineProfile, Launch, LaunchInput, ProfileInput, Support, SpeedConstants } from './types.ts';
import { ggufFile, repoOf, shell } from './launch.ts';

/** llama.cpp runs every backend (CUDA, ROCm/HIP, Metal, Vulkan, CANN) and loads GGUF; 16-bit and fp8 checkpoints are converted. */
export function llamacppSupports(_quant: QuantFormat, _gpu: Gpu): Support {
  return OK;
}

export function llamaWeightOptions(inp: ProfileInput) {
  return { vocabPad: 1, ropeCacheBytes: 0, embeddingOnHost: true, expertsOnHost: inp.overrides?.expertsOnHost === true, gguf: true, expertPadFactor: 1 };
}

/** llama.cpp cache types (-ctk / -ctv): f16 by default, q8_0 / q4_0 with flash attention. */
export const LLAMA_KV = { dtypes: ['fp16', 'bf16', 'q8_0', 'q4_0'], defaultFor: () => 'fp16', hint: 'q8_0' };

/** The llama.cpp memory plan, shared with Ollama (which runs the same runner with its own defaults). */
export function llamaBudget({ inp, pp, kv, weights, steps: s }: BudgetInput): BudgetPlan {
  const { arch, gpu } = inp;
  const engine = inp.engine === 'ollama' ? 'ollama' : 'llamacpp';
  // docs/engines/llamacpp.md §2: cells = streams x PAD(n_ctx / np, 256); SWA layers keep
  // PAD(min(ctx, window + n_ubatch), 256) per stream (unless swa_full) and stay F16.
  const st = llamacppSettings(engine, inp);
  const perSeq = F.ggmlPad.eval({ nCtx: Math.floor(st.nCtx / st.nParallel), pad: st.pad }, s);
  const cells = perSeq * st.nParallel;
  const swaCells = (w: number) => (st.swaFull ? perSeq : Math.min(perSeq, Math.ceil((w + st.nUbatch) / st.pad) * st.pad));
  let costOptions: BudgetPlan['costOptions'] = {
    blockSize: 1,
    windowRule: (_k, w, ctx) => ({ tokens: Math.min(ctx, Math.ceil((w + st.nUbatch) / st.pad) * st.pad), extraBlocks: 0 }),
  };
  if (st.swaFull) costOptions = { blockSize: 1, windowRule: (_k, _w, ctx) => ({ tokens: ctx, extraBlocks: 0 }) };
  const f16Bytes = 2;
  // KV per stage: each GPU holds the KV of its own layers.
  const kvStageBytes = weights.stageLayers.map((layers) => {
    let b = 0;
    for (const l of kv.layers) {
      if (!layers.includes(l.layer)) continue;
      if (l.kind === 'linear') b += l.stateElems * 4 * st.nParallel; // recurrent state kept in F32
      else if (l.window) b += st.nParallel * swaCells(l.window) * (l.bytesPerToken / inp.kv.bytes) * f16Bytes;
      else b += cells * l.bytesPerToken;
    }
    return b;
  });
  const computeOut = llamacppCompute(arch, st.nUbatch, perSeq, st.flashAttn, true, st.hostExpertMaxBytes, s);
  const computeOther = llamacppCompute(arch, st.nUbatch, perSeq, st.flashAttn, false, 0);
  const ctxBytes = cudaContextBytes(gpu);
  const stageActivation: number[] = [];
  const stageOverhead: number[] = [];
  for (let i = 0; i < pp; i++) {
    stageActivation.push(i === pp - 1 ? computeOut : i === 0 && st.hostExpertMaxBytes ? computeOther + st.hostExpertMaxBytes : computeOther);
    stageOverhead.push(ctxBytes);
  }
  return {
    budget: gpu.visibleBytes,
    utilUsed: 1,
    blockSize: 1,
    costOptions,
    stageActivation,
    stageOverhead,
    poolTokens: () => cells,
    kvStageBytes,
    settings: { nCtx: st.nCtx, nParallel: st.nParallel, nUbatch: st.nUbatch, flashAttn: st.flashAttn, swaFull: st.swaFull, expertsOnHost: st.expertsOnHost },
    notes: [
      {
        code: `engine.${engine}`,
        params: { slots: st.nParallel, cells: perSeq, nCtx: st.nCtx, fa: st.flashAttn ? 'on' : 'off', ubatch: st.nUbatch },
        message:
          `${engine === 'ollama' ? 'Ollama' : 'llama.cpp'} profile: KV allocated up front for ${st.nParallel} slot${st.nParallel > 1 ? 's' : ''} × ${perSeq} cells (n_ctx ${st.nCtx}, padded to 256)` +
          `${kv.layers.some((l) => l.window) ? (st.swaFull ? '; sliding-window layers at full context (swa_full)' : '; sliding-window layers keep window + n_ubatch cells in F16') : ''}; ` +
          `flash attention ${st.flashAttn ? 'on' : 'off'}, n_ubatch ${st.nUbatch}; token embeddings stay in host RAM${st.expertsOnHost ? '; routed experts in host RAM (-ot exps=CPU)' : ''}${pp > 1 ? `; layers split across ${pp} GPUs (-sm layer)` : ''}.`,
      },
    ],
  };
}

const LLAMA_KV_FLAG: Record<string, string> = { fp16: 'f16', bf16: 'bf16', q8_0: 'q8_0', q4_0: 'q4_0' };

/** llama-server flags that reproduce the estimate: one n_ctx shared by -np slots, all layers on the GPUs. */
export function llamaServerArgs(l: LaunchInput): string[] {
  const { req, ev } = l;
  const s = ev.settings;
  const kv = LLAMA_KV_FLAG[req.kvDtype.id];
  return [
    `-c ${s.nCtx}`,
    `-np ${s.nParallel}`,
    '-ngl 999',
    `-fa ${s.flashAttn ? 'on' : 'off'}`,
    kv && kv !== 'f16' ? `-ctk ${kv} -ctv ${kv}` : '',
    s.expertsOnHost ? '-ot exps=CPU' : '',
    ev.pp > 1 ? `--tensor-split ${Array.from({ length: ev.pp }, () => '1').join(',')}` : '',
    s.swaFull ? '--swa-full' : '',
    l.rope ? `--rope-scaling yarn --rope-scale ${l.rope.factor} --yarn-orig-ctx ${l.rope.originalMax}` : '',
  ].filter(Boolean);
}

export function llamacppLaunch(l: LaunchInput): Launch {
  const { req } = l;
  const src = req.source;
  if (src?.kind === 'hub' && src.repo && src.file && req.model.stored?.quant === req.quant.id) {
    // The GGUF was read from the Hub: llama.cpp downloads that very file (all of its splits) at that commit.
    const head = `llama-server --hf-repo ${src.repo} --hf-file ${src.file}`;
    const notes = [`The file Headroom read (${src.repo}/${src.file}${src.revision ? ` at ${src.revision.slice(0, 10)}` : ''}); llama.cpp downloads it on first start.`];
    if (!l.fits) notes.push('It does not fit entirely: lower -ngl (layers on the GPU) or add -ot exps=CPU / --n-cpu-moe N to keep MoE experts in host RAM, at CPU speed.');
    return { engine: 'llamacpp', command: shell(head, llamaServerArgs(l)), env: {}, notes };
  }
  const file = ggufFile(req.model, req.quant);
  const notes = [
    `${file} stands for a ${req.quant.id.toUpperCase()} GGUF of ${repoOf(req.model)} (or -hf <user>/<repo>-GGUF:${req.quant.id.toUpperCase()} to download one).`,
    `-c is the total context: ${l.ev.settings.nParallel} slots × ${Math.floor(Number(l.ev.settings.nCtx) / Number(l.ev.settings.nParallel))} tokens; llama.cpp allocates all of it at start-up.`,
  ];
  if (!l.fits) notes.push('It does not fit entirely: lower -ngl (layers on the GPU) or add -ot exps=CPU / --n-cpu-moe N to keep MoE experts in host RAM, at CPU speed.');
  return { engine: 'llamacpp', command: shell(`llama-server -m ${file}`, llamaServerArgs(l)), env: {}, notes };
}

/** Fitted on llama-bench tables (test/calibration/throughput/llamacpp-*.json). */
export const LLAMACPP_SPEED: SpeedConstants = {
  label: 'llama.cpp (CUDA / ROCm / Vulkan)',
  memEfficiency: 0.925,
  layerSeconds: 8.9e-5,
  computeEfficiency: 0.43,
  gemmPeak: 'fp16acc',
  fittedOn: [
    'xd-4090-llama3-8b-q4km-tg512',
    'xd-4090-llama3-8b-f16-tg512',
    'xd-3090-llama3-8b-q4km-tg512',
    'xd-3090-llama3-8b-f16-tg512',
    'xd-4080-llama3-8b-q4km-tg512',
    'xd-4080-llama3-8b-f16-tg512',
    'xd-3090x2-llama3-70b-q4km-tg512',
    'xd-4090x2-llama3-70b-q4km-tg512',
    'xd-4090-llama3-8b-q4km-pp512',
    'xd-4090-llama3-8b-f16-pp512',
    'xd-3090-llama3-8b-q4km-pp512',
    'xd-3090-llama3-8b-f16-pp512',
    'xd-4080-llama3-8b-q4km-pp512',
  ],
  source: 'llama-bench on RTX 3090/4080/4090 (CUDA 12.1, May 2024), 8B and 70B, Q4_K_M and F16, one and two GPUs; held out: later CUDA/Vulkan builds, ROCm on an RX 7900 XTX, Dec 2023 datacenter runs',
};

/** Apple unified memory (Metal): fitted on M2 Ultra llama-bench runs, checked on M3 Max. */
export const LLAMACPP_METAL_SPEED: SpeedConstants = {
  label: 'llama.cpp (Metal)',
  memEfficiency: 0.87,
  layerSeconds: 1.9e-4,
  computeEfficiency: 0.61,
  gemmPeak: 'native',
  fittedOn: ['xd-m2ultra-llama3-8b-q4km-tg512', 'xd-m2ultra-llama3-8b-f16-tg512', 'xd-m2ultra-llama3-70b-q4km-tg512', 'xd-m2ultra-llama3-70b-f16-tg512', 'xd-m2ultra-llama3-8b-q4km-pp512', 'xd-m2ultra-llama3-8b-f16-pp512'],
  source: 'llama-bench on an M2 Ultra (76-core GPU), 8B and 70B, Q4_K_M and F16 (May 2024); held out: M3 Max',
};

export const llamacpp: EngineProfile = {
  id: 'llamacpp',
  label: 'llama.cpp',
  needsCuda: false,
  gguf: true,
  layouts: { layerSplit: true },
  kvCache: LLAMA_KV,
  speed: LLAMACPP_SPEED,
  speedOn: { metal: LLAMACPP_METAL_SPEED },
  supports: llamacppSupports,
  weightOptions: llamaWeightOptions,
  budget: llamaBudget,
  launch: llamacppLaunch,
};
