// Engine-independent speed constants and the lookup of an engine's own (src/engine/engines/<engine>.ts `speed`).
// Host RAM/CPU constants belong to the host, all-reduce latencies to the link.
import { ENGINES } from './engines/index.ts';
import type { Backend, SpeedConstants } from './engines/types.ts';
import type { EngineCatalog } from '../catalog/schema.ts';
import { vllmBatchDefaults } from './activations.ts';
import type { EngineId, Gpu } from './types.ts';

export type { Backend, SpeedConstants };
/** Engines the speed model knows (every engine module). */
export type SpeedEngine = EngineId;

/** CPU reading and multiplying weights kept in host RAM (KTransformers experts, llama.cpp offloaded layers). */
export interface HostSpeedConstants {
  /** Fraction of the host's peak RAM bandwidth a CPU decode step reaches. */
  memEfficiency: number;
  /** Fraction of the CPU's fp32 FMA peak the expert GEMMs of a prefill reach. */
  computeEfficiency: number;
  fittedOn: string[];
  source: string;
}

export const HOST_SPEED: HostSpeedConstants = {
  memEfficiency: 0.36,
  computeEfficiency: 0.45,
  fittedOn: ['kt-v02-dual-8exp-decode', 'kt-v02-single-8exp-decode', 'kt-v02-dual-8exp-prefill', 'kt-v02-single-8exp-prefill'],
  source: 'KTransformers 0.2 on one and two Xeon Gold 6454S sockets (8 x DDR5-4800 each), DeepSeek-V3 Q4_K_M experts on the CPU; held out: KTransformers 0.2.1 at 1k tokens',
};

/**
 * Fixed latency of one all-reduce of a small message, by link: NVLink / Infinity Fabric / HCCS, PCIe with
 * peer-to-peer, and consumer cards without peer-to-peer (the data is staged through host memory). Typical
 * NCCL small-message latencies; not fitted (no TP decode case at batch 1 yet).
 */
export const ALLREDUCE_LATENCY_S = { nvlink: 10e-6, pcie: 25e-6, noP2P: 50e-6 };

/** The backend an engine runs on for a GPU. */
export function backendFor(gpu: Gpu, requested?: Backend): Backend {
  if (requested) return requested;
  if (gpu.unified || gpu.vendor === 'apple') return 'metal';
  if (gpu.vendor === 'amd') return 'rocm';
  return 'cuda';
}

/** An engine's speed constants on a backend (its module's `speed`, or the backend variant it declares). */
export function speedConstants(engine: SpeedEngine, backend: Backend): SpeedConstants {
  const p = ENGINES[engine];
  return p.speedOn?.[backend] ?? p.speed;
}

/** Chunked-prefill token budget per step and the batch ceiling: the engine's own defaults (catalogs/engines.yaml). */
export function batchLimits(engine: SpeedEngine, engines: EngineCatalog, gpu: Gpu): { budget: number; maxBatch: number } {
  switch (engine) {
    case 'trtllm':
      return { budget: engines.trtllm.maxNumTokens, maxBatch: engines.trtllm.maxBatchSize };
    case 'mindie':
      return { budget: engines.mindie.maxPrefillTokens, maxBatch: engines.mindie.maxBatchSize };
    case 'llamacpp':
    case 'ollama':
    case 'ktransformers':
    case 'transformers':
      // One slot per user (n_parallel set to the users served); llama.cpp's n_batch 2048 tokens per step.
      return { budget: 2048, maxBatch: 1_000_000 };
    default: {
      // vLLM's defaults (SGLang and TGI schedule with the same order of budget).
      const d = vllmBatchDefaults(engines.vllm, gpu);
      return { budget: d.maxNumBatchedTokens, maxBatch: d.maxNumSeqs };
    }
  }
}
