// Roofline estimate of decode and prefill speed. Decode is memory-bound at small batch (bytes read per step =
// weights each GPU holds, only the experts the batch touches, plus the KV it attends to) and compute-bound at
// large batch; prefill is compute-bound. Efficiency factors are stated in the reply.
import { F, type Step } from './formulas.ts';
import type { LayoutEval } from './engines/types.ts';
import type { Architecture, Gpu, QuantFormat } from './types.ts';

/** Fixed latency of one all-reduce (NVLink ~10 us, PCIe ~25 us). */
const ALLREDUCE_LATENCY_S = { nvlink: 10e-6, other: 25e-6 };

export interface Performance {
  decodeTokensPerSecondPerUser: number;
  decodeTokensPerSecondTotal: number;
  prefillTokensPerSecond: number;
  timeToFirstTokenSeconds: number;
  boundBy: 'memory' | 'compute' | 'interconnect';
}

/** Peak dense TFLOPS for the format the matmuls run in. */
function peakTflops(gpu: Gpu, quant: QuantFormat): number {
  if ((quant.id === 'fp8' || quant.id === 'nvfp4' || quant.id === 'mxfp4') && gpu.tflopsFp8) return gpu.tflopsFp8;
  if (quant.id === 'int8' && gpu.tflopsInt8) return gpu.tflopsInt8;
  return gpu.tflopsBf16;
}

export function estimatePerformance(
  ev: LayoutEval,
  arch: Architecture,
  gpu: Gpu,
  quant: QuantFormat,
  activeParams: number,
  usersPerReplica: number,
  context: number,
  steps?: Step[],
  users = usersPerReplica,
): Performance {
  // Efficiencies are the engine's speed constants (src/engine/engines/<engine>.ts).
  const memEff = ev.speed.memEfficiency;
  const computeEff = ev.speed.computeEfficiency;
  const b = Math.max(1, usersPerReplica);
  const tp = ev.tp;
  const pp = ev.pp;
  // Weights read per step on one GPU: MoE layers read only the experts the batch routes to.
  let weightBytes = ev.stage.weightsBytes;
  if (arch.moe && ev.weights.expertBytes > 0) {
    const touched = 1 - Math.pow(1 - arch.moe.topK / arch.moe.experts, b);
    const expertPerGpu = ev.weights.expertBytes / (tp * pp);
    weightBytes = weightBytes - expertPerGpu + expertPerGpu * touched;
  }
  const kvRead = Math.ceil(b / (ev.dp ?? 1)) * ev.perUserBytes; // every user attends to its whole context (DP attention: a rank reads its own users' KV)
  const bytesRead = weightBytes + kvRead;
  const flopsPerToken = 2 * activeParams + 4 * arch.layers * context * arch.heads * (arch.mla ? arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim : arch.headDim);
  const flopsPerStep = (b * flopsPerToken) / (tp * pp);
  const peak = peakTflops(gpu, quant) * 1e12;
  const nvlink = gpu.interconnect === 'nvlink' || gpu.interconnect === 'infinity-fabric' || gpu.interconnect === 'hccs';
  const linkBytesPerS = (gpu.interconnectGBs / 2) * 1e9;
  const commSeconds =
    tp > 1
      ? 2 * arch.layers * ((b * arch.hidden * 2 * 2 * (tp - 1)) / tp / linkBytesPerS + (nvlink ? ALLREDUCE_LATENCY_S.nvlink : ALLREDUCE_LATENCY_S.other))
      : 0;
  const memSeconds = bytesRead / (gpu.bandwidthGBs * 1e9 * memEff);
  const computeSeconds = flopsPerStep / (peak * computeEff);
  const stageStep = F.decodeStep.eval(
    { bytesRead, bandwidth: gpu.bandwidthGBs * 1e9, memEff, flopsPerStep, peakFlops: peak, computeEff, commSeconds },
    steps,
  );
  const step = stageStep * pp; // a token passes every stage in turn
  const perUser = 1 / step;
  const prefill = F.prefillRate.eval({ peakFlops: peak * tp * pp, computeEff, flopsPerToken: 2 * activeParams + 2 * arch.layers * context * arch.heads * arch.headDim }, steps);
  const boundBy = commSeconds > Math.max(memSeconds, computeSeconds) ? 'interconnect' : computeSeconds > memSeconds ? 'compute' : 'memory';
  return {
    decodeTokensPerSecondPerUser: perUser,
    decodeTokensPerSecondTotal: perUser * Math.max(1, users),
    prefillTokensPerSecond: prefill * ev.replicas,
    timeToFirstTokenSeconds: context / prefill,
    boundBy,
  };
}
