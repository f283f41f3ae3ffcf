// Evaluate one TP x PP layout: the model's weights under the engine's loading rules, the engine's memory plan
// (src/engine/engines/<engine>.ts), and the binding stage. Engine-agnostic: every engine rule lives in its module.
import { F, type Step } from './formulas.ts';
import { kvSpec, requestCost } from './kv.ts';
import { engineProfile } from './engines/index.ts';
import type { LayoutEval, ProfileInput, StageEval } from './engines/types.ts';
import type { QuantFormat } from './types.ts';
import { computeWeights } from './weights.ts';
import { draftKvLayer, specPlan } from './speculative.ts';

export type { LayoutEval, ProfileInput, StageEval } from './engines/types.ts';
export { cmpVersion, resolveVllmRelease } from './engines/vllm.ts';
export { fmtGiB } from './engines/common.ts';

/** Bytes per element of the dtype the engine computes in: GPU engines load fp32 checkpoints in 16-bit unless fp32 is asked for. */
export function modelDtypeBytes(quant: QuantFormat): number {
  return quant.id === 'fp32' ? 4 : 2;
}

export function evaluateLayout(inp: ProfileInput, tp: number, pp: number, replicas: number, dp = 1): LayoutEval {
  const { arch, quant } = inp;
  const profile = engineProfile(inp.engine);
  const steps: Step[] = [];
  const s = inp.explain ? steps : undefined;
  const d = modelDtypeBytes(quant);
  // With DP attention the attention (and its KV) is split over tp / dp ranks only: an MLA latent is no longer
  // replicated over the whole TP group, and each rank holds KV only for its own requests.
  const attentionTp = Math.max(1, tp / dp);
  const kv = kvSpec(arch, inp.kv.bytes, attentionTp, inp.explain, { modelDtypeBytes: d, ...profile.kvRules });
  if (inp.explain) steps.push(...kv.steps);

  const weights = computeWeights(arch, quant, { tp, pp, dtypeBits: 8 * d, ...profile.weightOptions(inp, tp, pp, d, s), ...(dp > 1 ? { attentionTp } : {}) }, inp.explain);
  if (inp.explain) steps.push(...weights.steps);

  // Speculative decoding: the draft (MTP layers or an EAGLE-3 head) sits with the last stage, split like the
  // target over TP, and its attention layer caches KV like one more layer of the model.
  const spec = inp.spec ? specPlan(arch, quant, inp.spec, tp, d, kv, s) : undefined;
  if (spec) {
    weights.perStage[pp - 1] += spec.draftBytesPerGpu;
    weights.perGpuBytes = Math.max(...weights.perStage);
    const extra = draftKvLayer(arch, kv, spec);
    if (extra) {
      kv.layers.push(extra);
      weights.stageLayers[pp - 1] = [...weights.stageLayers[pp - 1], extra.layer];
    }
  }

  const plan = profile.budget({ inp, tp, pp, dp, dtypeBytes: d, kv, weights, steps: s });
  const budget = plan.budget;

  const stages: StageEval[] = weights.perStage.map((w, st) => ({
    weightsBytes: w,
    activationBytes: plan.stageActivation[st],
    overheadBytes: plan.stageOverhead[st],
    poolBytes: inp.overrides?.kvPoolBytes ?? budget - w - plan.stageActivation[st] - plan.stageOverhead[st],
    layers: new Set(weights.stageLayers[st]),
  }));

  // The binding stage: least room per request (llama.cpp: the GPU whose fixed KV allocation is largest against its room).
  const kvStageBytes = plan.kvStageBytes;
  let wi = 0;
  const costs = stages.map((st) => requestCost(kv, st.layers, inp.context, plan.costOptions).bytes);
  const room = (i: number) => (kvStageBytes ? stages[i].poolBytes - kvStageBytes[i] : stages[i].poolBytes / Math.max(1, costs[i]));
  for (let i = 1; i < stages.length; i++) if (room(i) < room(wi)) wi = i;
  const worst = stages[wi];
  if (inp.explain) F.kvPool.eval({ budget, weights: worst.weightsBytes, activation: worst.activationBytes, overhead: worst.overheadBytes }, s);
  return {
    tp,
    pp,
    replicas,
    dp,
    utilUsed: plan.utilUsed,
    budgetBytes: budget,
    stage: worst,
    stages,
    weights,
    kv,
    blockSize: plan.blockSize,
    costOptions: plan.costOptions,
    perUserBytes: costs[wi],
    // One replica's pool: every DP attention rank has its own.
    poolTokens: Math.max(0, Math.floor(plan.poolTokens(stages))) * dp,
    maxSeqs: plan.maxSeqs,
    kvAllocatedBytes: kvStageBytes ? kvStageBytes[wi] : undefined,
    kvStageBytes,
    settings: plan.settings,
    speed: profile.speed,
    ...(spec ? { spec } : {}),
    notes: plan.notes,
    steps,
  };
}
