// vLLM (V1 engine, per release): budget = util x CUDA-visible total - weights - profiling peak - non-torch memory
// (- CUDA graphs from v0.21); paged KV in 16-token blocks (64 for MLA). ../shared/engines/vllm.md has the mechanics.
import type { EngineCatalog } from '../../catalog/schema.ts';
import { vllmActivation, vllmBatchDefaults, type VllmRelease } from '../activations.ts';
import { F } from '../formulas.ts';
import type { KvSpec } from '../kv.ts';
import type { Step } from '../formulas.ts';
import { vllmCudaGraphs, vllmNonTorch } from '../overhead.ts';
import type { Gpu, QuantFormat, VisionEncoder } from '../types.ts';
import { hasVisionTower } from '../architecture.ts';
import type { Note } from '../report.ts';
import { caveat, ggufCaveat, fmtGiB, hasFp8, isAmd, isApple, isAscend, isNvidia, isSm80Plus, no, OK, pagedWindowRule, GPU_KV } from './common.ts';
import type { EngineProfile, Launch, LaunchInput, ProfileInput, Support, SpeedConstants } from './types.ts';
import { dtypeOverride, nativeFormat, needsQuantizedCheckpoint, nodesOf, quantizedRepo, repoOf, ropeOverrideJson, shell } from './launch.ts';

export function resolveVllmRelease(cat: EngineCatalog['vllm'], version?: string): VllmRelease {
  const sorted = [...cat.releases].sort((a, b) => cmpVersion(a.version, b.version));
  if (!version) return sorted[sorted.length - 1];
  let pick: VllmRelease | undefined;
  for (const r of sorted) if (cmpVersion(r.version, version) <= 0) pick = r;
  if (!pick) throw new RangeError(`vLLM ${version} predates the V1 engine profiles (oldest modelled: ${sorted[0].version})`);
  return pick;
}

export function cmpVersion(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Attention block size of a hybrid attention + Mamba / linear model: vLLM raises it until one attention page holds at
 * least one layer's recurrent state ("Setting attention block size to N tokens to ensure that attention page size is
 * >= mamba page size"): align x ceil(statePage / (align x attention bytes per token per layer)). Logged checks:
 * Qwen3.6-35B-A3B fp8 KV -> 2096, Qwen3.6-27B fp8 KV -> 1568 (cases-v021.json).
 */
export function vllmHybridBlockSize(spec: KvSpec, align: number, s?: Step[]): number {
  let state = 0;
  let attn = 0;
  for (const l of spec.layers) {
    if (l.kind === 'linear') state = Math.max(state, l.stateBytes);
    else if (l.bytesPerToken > attn) attn = l.bytesPerToken;
  }
  if (state === 0 || attn === 0) return align;
  return F.vllmHybridBlock.eval({ statePage: state, attnBytesPerToken: attn, align }, s);
}

/**
 * vLLM's "GPU KV cache size" (tokens). Layers are grouped (group size = the smallest count of one kind; each kind forms
 * ceil(count / groupSize) groups) and share pages of blockSize x the largest per-token bytes; num_blocks = pool /
 * (page x groupSize). Up to v0.20 the log prints num_blocks // groups x block_size (vllm.md §6; checked on v0.20.0
 * Qwen3.6-35B-A3B: 79,648). From v0.22 it prints max_concurrency x max_model_len, where one request needs
 * ceil(context / B) blocks per full group, its window per sliding group and 2 blocks per Mamba group (prefix-caching
 * 'align' mode; checked on v0.23 Qwen3.6-27B: 1,505,068). v0.21 is not covered by a log: it is given the later form.
 */
function vllmPoolTokens(spec: KvSpec, layers: Set<number>, pool: number, B: number, newForm: boolean, context: number, windowTokens: (w: number) => number): number {
  const counts = new Map<string, { n: number; window?: number; bytes: number }>();
  let perTokenRank = 0;
  for (const l of spec.layers) {
    if (!layers.has(l.layer) || l.kind === 'none') continue;
    const k = l.kind === 'mla' ? 'full' : l.window ? `${l.kind}/${l.window}/${l.bytesPerToken}` : `${l.kind}/${l.bytesPerToken}`;
    const c = counts.get(k) ?? { n: 0, window: l.window, bytes: l.bytesPerToken };
    c.n++;
    counts.set(k, c);
    if (l.bytesPerToken > perTokenRank) perTokenRank = l.bytesPerToken;
  }
  if (perTokenRank === 0 || pool <= 0) return 0;
  if (counts.size <= 1 && !newForm) {
    const blocks = F.pagedBlocks.eval({ pool, blockSize: B, bytesPerTokenPerRank: perTokenRank * layers.size });
    return F.pagedTokens.eval({ blocks, blockSize: B });
  }
  const groupSize = Math.min(...[...counts.values()].map((c) => c.n));
  let groups = 0;
  let perRequest = 0;
  for (const [k, c] of counts) {
    const g = Math.ceil(c.n / groupSize);
    groups += g;
    if (k.startsWith('linear')) {
      perRequest += g * 2;
      continue;
    }
    // Pages have one size: a layer with fewer bytes per token holds proportionally more tokens per block.
    const tokensPerBlock = (B * perTokenRank) / c.bytes;
    const full = Math.ceil(context / tokensPerBlock);
    perRequest += g * (c.window ? Math.min(full, Math.ceil(windowTokens(c.window) / tokensPerBlock) + 1) : full);
  }
  const blocks = Math.floor(pool / (B * perTokenRank * groupSize));
  if (!newForm) return Math.floor(blocks / groups) * B;
  return Math.floor((blocks / perRequest) * context);
}

/**
 * The multimodal encoder in vLLM's start-up profile (v1 gpu_model_runner.py profile_run): unless multimodal profiling
 * is skipped, it runs the encoder on `items` dummy images of the maximum size in one batch and keeps the outputs in
 * the encoder cache while the language-model dummy run and the sampler run, so the peak is the larger of the encoder
 * pass and the language-model peak plus those outputs. The encoder runs on the first pipeline stage; its linear
 * layers are tensor-parallel (mm_encoder_tp_mode "weights"), so fc1 is intermediate / tp wide on each rank.
 */
export function vllmEncoderProfile(enc: VisionEncoder, N: number, tp: number, d: number, lmPeak: number, s?: Step[]): { peak: number; items: number; cache: number; encoderPeak: number; note: Note } {
  const items = F.vllmEncoderItems.eval({ N, tokensPerItem: enc.tokensPerItem }, s);
  const cache = F.vllmEncoderCache.eval({ items, tokensPerItem: enc.tokensPerItem, outHidden: enc.outHidden, outputs: enc.outputs, d }, s);
  const encoderPeak = F.vllmEncoderPeak.eval(
    { items, tokensPerItem: enc.tokensPerItem, mergeUnit: enc.mergeUnit, patchInput: enc.patchInput, hidden: enc.hidden, intermediate: enc.intermediate / tp, d },
    s,
  );
  const peak = F.vllmMmPeak.eval({ lmPeak, encoderCache: cache, encoderPeak }, s);
  const budget = Math.max(N, enc.tokensPerItem);
  return {
    peak,
    items,
    cache,
    encoderPeak,
    note: {
      code: 'engine.vllm.encoder',
      params: { items, tokens: enc.tokensPerItem, budget, cache: fmtGiB(cache), encoder: fmtGiB(encoderPeak), added: fmtGiB(peak - lmPeak) },
      message: `vLLM also profiles the vision encoder at start-up: ${items} dummy image${items === 1 ? '' : 's'} of ${enc.tokensPerItem.toLocaleString('en-US')} tokens (encoder budget ${budget.toLocaleString('en-US')} tokens); its outputs (${fmtGiB(cache)}) stay cached through the language-model pass and the encoder pass itself peaks at ${fmtGiB(encoderPeak)}, adding ${fmtGiB(peak - lmPeak)} to the profiling peak. textonly:true (vLLM --language-model-only) skips it and the tower's weights.`,
    },
  };
}

/**
 * vLLM's text-only switch for a vision-language model. --language-model-only (documented in 0.19.1 deployments and the
 * multimodal docs: "prevents loading multimodal modules, freeing up GPU memory for KV cache") loads no encoder and
 * profiles none. Before it, --limit-mm-per-prompt with every modality at 0 (vllm-project/vllm#22299, Aug 2025) made the
 * encoder budget 0, so profile_run skips the encoder, but the tower is still loaded.
 */
export function vllmTextOnly(version: string): { flag: string; dropsWeights: boolean } {
  return cmpVersion(version, '0.19') >= 0
    ? { flag: '--language-model-only', dropsWeights: true }
    : { flag: `--limit-mm-per-prompt '{"image":0,"video":0}'`, dropsWeights: false };
}

/** MXFP4 MoE kernels pad expert shapes: Triton on SM90-SM100 (Hopper, datacenter Blackwell), Marlin elsewhere. */
function mxfp4Triton(rel: VllmRelease, gpu: Gpu): boolean {
  return rel.mxfp4Backend === 'triton' && (gpu.arch === 'hopper' || (gpu.arch === 'blackwell' && gpu.category === 'datacenter'));
}

/**
 * Formats x hardware (vLLM quantization docs' hardware table; marlin_utils_fp8 / marlin_utils_fp4
 * is_fp8/fp4_marlin_supported = compute capability >= 8.0; vllm-ascend quantization guide: ModelSlim W8A8 / W4A8).
 */
export function vllmSupports(quant: QuantFormat, gpu: Gpu): Support {
  if (isApple(gpu)) return no(`vLLM needs CUDA, ROCm or an Ascend NPU; ${gpu.name} has none`, 'engine:llamacpp (Metal)');
  if (quant.family === 'gguf') return ggufCaveat(quant.name, 'vllm');
  if (isAscend(gpu)) {
    // vllm-ascend: bf16/fp16 and ModelSlim-quantized W8A8 / W4A8 (--quantization ascend); no FP8/FP4 units or kernels.
    if (['fp8', 'nvfp4', 'mxfp4'].includes(quant.id))
      return no(`${gpu.name} has no FP8/FP4 units and vllm-ascend has no ${quant.id.toUpperCase()} kernels (Marlin and the FP8 GEMMs are CUDA-only)`, 'quant:int8 (W8A8 from msModelSlim, same memory as FP8)');
    if (['int4', 'awq', 'gptq', 'nf4'].includes(quant.id)) return no(`vllm-ascend does not load ${quant.id.toUpperCase()} checkpoints (AWQ/GPTQ kernels are CUDA-only)`, 'quant:int8 (W8A8 from msModelSlim)');
    return OK;
  }
  if (isAmd(gpu)) {
    if ((quant.id === 'fp8' || quant.id === 'mxfp4') && !hasFp8(gpu)) return no(`${gpu.name} has no FP8 units and ROCm vLLM has no weight-only FP8 fallback`, 'quant:int4 or bf16');
    if (quant.id === 'nvfp4') return no('NVFP4 kernels are NVIDIA-only', 'quant:fp8');
    if (quant.id === 'nf4') return no('bitsandbytes NF4 is CUDA-only in vLLM', 'quant:int4');
    return OK;
  }
  if (!isNvidia(gpu)) return no(`vLLM does not run on ${gpu.name}`);
  const sm80 = isSm80Plus(gpu);
  if (!sm80 && (quant.id === 'bf16')) return caveat('hw.bf16', `${gpu.name} has no bf16 (before sm80): vLLM runs the model in fp16 (--dtype half), same memory`, { gpu: gpu.name, engine: 'vLLM' });
  if (quant.id === 'fp8' && !hasFp8(gpu))
    return sm80 ? caveat('hw.fp8', `${gpu.name} has no FP8 tensor cores: vLLM runs FP8 weights as weight-only (Marlin), same memory, 16-bit compute.`, { gpu: gpu.name }) : no(`${gpu.name} (before sm80) runs no FP8 kernel, not even Marlin`, 'quant:int4 (AWQ/GPTQ)');
  if (quant.id === 'nvfp4' && gpu.tflopsFp4 === null)
    return sm80 ? caveat('hw.fp4', `${gpu.name} has no FP4 tensor cores: vLLM runs NVFP4 weights as weight-only (FP4 Marlin), same memory, 16-bit compute.`, { gpu: gpu.name }) : no(`${gpu.name} (before sm80) runs no FP4 kernel`, 'quant:int4');
  if (quant.id === 'mxfp4' && !sm80) return no(`${gpu.name} (before sm80) runs no MXFP4 MoE kernel (Triton needs SM90+, Marlin SM80+)`, 'quant:int4');
  return OK;
}

/** vllm serve with every setting the estimate assumed (flag names: vLLM engine args). */
/** vLLM's --speculative-config JSON (SpeculativeConfig: method, model, num_speculative_tokens). */
export function vllmSpeculativeConfig(sp: NonNullable<LaunchInput['ev']['spec']>): string {
  return JSON.stringify(sp.method === 'mtp' ? { method: 'mtp', num_speculative_tokens: sp.tokens } : { method: 'eagle3', model: sp.repo, num_speculative_tokens: sp.tokens });
}

export function vllmLaunch(l: LaunchInput): Launch {
  const { req, ev } = l;
  const { model, quant, gpu } = req;
  const repo = repoOf(model);
  const notes: string[] = [];
  const quantized = needsQuantizedCheckpoint(model, quant);
  let target = quantized ? quantizedRepo(repo, quant) : repo;
  let quantFlag: string | undefined;
  if (quant.family === 'gguf') {
    target = `./${repo.split('/').pop()}-${quant.id.toUpperCase()}.gguf`;
    notes.push(`GGUF in vLLM is experimental; --tokenizer ${repo} gives it the original tokenizer.`);
  } else if (quant.id === 'fp8' && nativeFormat(model) !== 'fp8') quantFlag = 'fp8'; // dynamic FP8 of a 16-bit checkpoint
  else if (quant.id === 'nf4') quantFlag = 'bitsandbytes';
  else if (gpu.vendor === 'huawei' && quant.id === 'int8') quantFlag = 'ascend';
  if (quantized && quant.family !== 'gguf')
    notes.push(`Serve the ${quant.id.toUpperCase()} checkpoint of ${repo} (${target} stands for it; publishers name them differently): vLLM reads the format from its config.`);
  const release = ev.settings.release;
  // DP attention + EP: vLLM runs tp / dp tensor-parallel ranks per DP engine, dp engines per replica.
  const tp = ev.tp / ev.dp;
  const dp = ev.replicas * ev.dp;
  const gpus = ev.tp * ev.pp * ev.replicas;
  const rope = ropeOverrideJson(l);
  const kvFlag = req.kvDtype.id === 'fp8' ? 'fp8' : req.kvDtype.id === 'fp32' ? 'float32' : undefined;
  const dtype = dtypeOverride(l);
  const textOnly = req.textOnly && hasVisionTower(model) ? vllmTextOnly(req.engine.version ?? String(release)) : undefined;
  const command = shell(`vllm serve ${target}`, [
    quant.family === 'gguf' && `--tokenizer ${repo}`,
    // A checkpoint read from the Hub: pin the commit Headroom read.
    req.source?.kind === 'hub' && req.source.revision && !quantized && quant.family !== 'gguf' && `--revision ${req.source.revision}`,
    `--tensor-parallel-size ${tp}`,
    ev.pp > 1 && `--pipeline-parallel-size ${ev.pp}`,
    dp > 1 && `--data-parallel-size ${dp}`,
    ev.dp > 1 && '--enable-expert-parallel',
    `--max-model-len ${l.maxModelLen}`,
    `--max-num-seqs ${ev.settings.maxNumSeqs}`,
    `--max-num-batched-tokens ${ev.settings.maxNumBatchedTokens}`,
    `--gpu-memory-utilization ${ev.utilUsed}`,
    kvFlag && `--kv-cache-dtype ${kvFlag}`,
    dtype && `--dtype ${dtype}`,
    quantFlag && `--quantization ${quantFlag}`,
    rope && `--hf-overrides '${rope}'`,
    ev.spec && `--speculative-config '${vllmSpeculativeConfig(ev.spec)}'`,
    textOnly && textOnly.flag,
  ]);
  if (textOnly)
    notes.push(
      textOnly.dropsWeights
        ? `${textOnly.flag}: text only; the vision tower is neither loaded nor profiled and image requests are refused.`
        : `${textOnly.flag}: text only; the encoder is not profiled, but this release still loads the vision tower (--language-model-only, which skips it, came later).`,
    );
  if (ev.spec)
    notes.push(
      ev.spec.method === 'mtp'
        ? `--speculative-config method mtp drafts ${ev.spec.tokens} token${ev.spec.tokens > 1 ? 's' : ''} per step with the checkpoint's own MTP layer (older releases call it deepseek_mtp).`
        : `--speculative-config method eagle3 loads the draft head ${ev.spec.repo}; it must match the target's tokenizer.`,
    );
  notes.push(`Memory rules of vLLM ${req.engine.version ?? `${release}+`}${req.engine.version ? '' : ` (pip install 'vllm>=${release}')`}.`);
  if (gpu.vendor === 'huawei') notes.push('On Ascend this is vllm-ascend (pip install vllm-ascend) with msModelSlim weights for INT8 (W8A8).');
  if (ev.dp > 1) notes.push(`-dp ${dp} with --enable-expert-parallel: attention runs data-parallel (each rank keeps the KV of its own requests) and the experts are spread over all ${gpus} GPUs; --max-num-seqs applies per DP rank.`);
  else if (dp > 1) notes.push(`--data-parallel-size ${dp} runs ${dp} copies of the model (TP${ev.tp} each) behind one endpoint; separate servers behind a load balancer size the same.`);
  if (nodesOf(gpus) > 1) notes.push(`${gpus} GPUs span ${nodesOf(gpus)} nodes: start a Ray cluster first (ray start --head on one node, ray start --address on the others); TP stays inside a node.`);
  return { engine: 'vllm', command, env: {}, notes };
}

/** Fitted on vLLM serving benchmarks (test/calibration/throughput/vllm-community.json). */
export const VLLM_SPEED: SpeedConstants = {
  label: 'vLLM (CUDA)',
  memEfficiency: 0.835,
  layerSeconds: 2.1e-5,
  computeEfficiency: 0.51,
  gemmPeak: 'native',
  fittedOn: ['yobitel-h100-llama31-8b-c1', 'musgrave-a100-40gb-llama31-8b-c1', 'mushfiq-4090-mistral7b-c4-total', 'mushfiq-4090-mistral7b-c16-total'],
  source: 'vLLM 0.21-0.23 single-user decode on H100 and A100 and a Mistral-7B concurrency sweep on an RTX 4090; held out: the 4090 sweep at 8 and 32 users and four A40 bursts',
};

export const vllm: EngineProfile = {
  id: 'vllm',
  label: 'vLLM',
  needsCuda: true,
  gguf: false,
  layouts: { layerSplit: false, dpAttention: true },
  kvCache: GPU_KV,
  speed: VLLM_SPEED,
  // Conv state in the model dtype, SSM state in the checkpoint's mamba_ssm dtype: vLLM's Qwen3_5ForConditionalGenerationConfig
  // and NemotronH config hooks copy mamba_ssm_dtype / mamba_ssm_cache_dtype into cache_config.mamba_ssm_cache_dtype.
  // Gemma 4 K = V global layers: no source read shows a single-tensor cache, so K and V are both counted (engines.yaml).
  kvRules: { honourSsmDtype: true, kEqVOnce: false },
  supports: vllmSupports,
  weightOptions(inp: ProfileInput, tp, _pp, d, s) {
    const { arch, gpu, quant, engines } = inp;
    const rel = resolveVllmRelease(engines.vllm, inp.engineVersion);
    let expertPadFactor = 1;
    if (arch.moe && quant.id === 'mxfp4') {
      const pad = mxfp4Triton(rel, gpu) ? engines.vllm.mxfp4Padding.triton : engines.vllm.mxfp4Padding.marlin;
      const up = (x: number, m: number) => Math.ceil(x / m) * m;
      const iRank = arch.moe.expertIntermediate / tp;
      expertPadFactor = (up(arch.hidden, pad.hidden) / arch.hidden) * (up(iRank, pad.intermediate) / iRank);
    }
    return {
      vocabPad: engines.vllm.vocabPad,
      ropeCacheBytes: F.ropeCache.eval({ maxPosition: arch.maxPosition, rotaryDim: arch.ropeCacheDims ?? arch.rotaryDim, dtypeBytes: d }, s),
      // Gemma 4 K = V global layers: QKVParallelLinear still allocates the V slot and loads K into it (gemma4.py).
      // Other K = V designs (DeepSeek-V4's shared vector) have their own modules: the rule is Gemma 4's only.
      kEqVSlot: arch.modelType === 'gemma4',
      noVision: !!inp.textOnly && vllmTextOnly(inp.engineVersion ?? rel.version).dropsWeights,
      embeddingOnHost: false,
      expertsOnHost: false,
      gguf: false,
      expertPadFactor,
    };
  },
  budget({ inp, tp, pp, dtypeBytes: d, kv, steps: s }) {
    const { arch, gpu, quant, engines } = inp;
    const rel = resolveVllmRelease(engines.vllm, inp.engineVersion);
    const total = gpu.visibleBytes;
    const utilUsed = inp.util ?? rel.utilDefault;
    const budget = F.vllmBudget.eval({ util: utilUsed, total }, s);
    const batch = vllmBatchDefaults(engines.vllm, gpu);
    if (inp.overrides?.maxNumBatchedTokens) batch.maxNumBatchedTokens = inp.overrides.maxNumBatchedTokens;
    if (inp.overrides?.maxNumSeqs) batch.maxNumSeqs = inp.overrides.maxNumSeqs;
    const act = vllmActivation(engines.vllm, rel, arch, gpu, tp, batch, d, quant.id === 'mxfp4' && arch.modelType === 'gpt_oss', s);
    const nonTorch = vllmNonTorch(engines.vllm, tp, pp);
    const graphs = vllmCudaGraphs(engines.vllm, tp, batch.maxNumSeqs);
    const stageActivation: number[] = [];
    const stageOverhead: number[] = [];
    for (let st = 0; st < pp; st++) {
      stageActivation.push(st === pp - 1 ? act.last : act.other);
      stageOverhead.push(nonTorch + (rel.cudaGraphsInBudget ? graphs : 0));
    }
    const mm = arch.encoder && !inp.textOnly ? vllmEncoderProfile(arch.encoder, batch.maxNumBatchedTokens, tp, d, stageActivation[0], s) : undefined;
    if (mm) stageActivation[0] = mm.peak;
    const base = arch.mla ? engines.vllm.mlaBlockSize : engines.vllm.blockSize;
    const blockSize = arch.linear ? vllmHybridBlockSize(kv, base, s) : base;
    const newForm = cmpVersion(inp.engineVersion ?? rel.version, '0.21') >= 0;
    const chunk = batch.maxNumBatchedTokens;
    // vllm-ascend captures ACL graphs where CUDA builds capture CUDA graphs (same budget rule, CUDA-measured size).
    const graphWord = isAscend(gpu) ? 'ACL graphs (vllm-ascend; size as measured for CUDA graphs)' : 'CUDA graphs';
    return {
      budget,
      utilUsed,
      blockSize,
      costOptions: { blockSize, windowRule: pagedWindowRule(batch.maxNumBatchedTokens) },
      stageActivation,
      stageOverhead,
      poolTokens: (stages) => Math.min(...stages.map((x) => vllmPoolTokens(kv, x.layers, x.poolBytes, blockSize, newForm, inp.context, (w) => w - 1 + chunk))),
      maxSeqs: batch.maxNumSeqs,
      settings: { maxNumBatchedTokens: batch.maxNumBatchedTokens, maxNumSeqs: batch.maxNumSeqs, release: rel.version },
      notes: [
        {
          code: 'engine.vllm',
          params: {
            version: inp.engineVersion ?? `${rel.version}+`,
            util: utilUsed,
            total: fmtGiB(total),
            tokens: batch.maxNumBatchedTokens,
            seqs: batch.maxNumSeqs,
            nonTorch: fmtGiB(nonTorch),
            graphs: fmtGiB(graphs),
            inBudget: rel.cudaGraphsInBudget ? 1 : 0,
          },
          message: `vLLM ${inp.engineVersion ?? rel.version + '+'} profile: budget = ${utilUsed} × ${fmtGiB(total)} visible; profiling peak with max_num_batched_tokens=${batch.maxNumBatchedTokens}, max_num_seqs=${batch.maxNumSeqs} (${batch.large ? 'H100-class' : 'smaller-GPU'} defaults); non-torch ${fmtGiB(nonTorch)}${rel.cudaGraphsInBudget ? `; ${graphWord} ${fmtGiB(graphs)} inside the budget` : `; ${graphWord} (~${fmtGiB(graphs)}) are captured after the KV pool, in the ${Math.round((1 - utilUsed) * 100)} % headroom`}.`,
        },
        ...(mm ? [mm.note] : []),
      ],
    };
  },
  launch: vllmLaunch,
  // vLLM --speculative-config method mtp / eagle3; SGLang --speculative-algorithm EAGLE (MTP through the NextN layer) / EAGLE3.
  speculative: ['mtp', 'eagle3'],
  textOnly: (version, engines) => vllmTextOnly(version ?? resolveVllmRelease(engines.vllm).version),
};
