// llama.cpp / Ollama keep running when VRAM runs out by leaving whole layers (weights and their KV) in host RAM
// (-ngl N; Ollama picks N itself). How many repeating layers fit on the GPUs, and how many bytes stay behind:
// the memory note reports it, and the speed model reads those bytes at host bandwidth every decode step.
import type { LayoutEval } from './profiles.ts';
import type { Architecture } from './types.ts';

export interface LayerSpill {
  /** Repeating layers that stay on the GPUs. */
  onGpu: number;
  /** Bytes of layers (weights and KV) left in host RAM. */
  hostBytes: number;
}

export function layerSpill(ev: LayoutEval, arch: Architecture): LayerSpill {
  const gpus = ev.stages.length;
  let onGpu = 0;
  let hostBytes = 0;
  ev.stages.forEach((st, i) => {
    const n = st.layers.size;
    const kv = ev.kvStageBytes?.[i] ?? 0;
    const output = i === gpus - 1 ? ev.weights.byKind.lmHead ?? (arch.tiedEmbeddings ? ev.weights.byKind.embedding ?? 0 : 0) : 0;
    const perLayer = Math.max(0, st.weightsBytes - output + kv) / Math.max(1, n);
    const room = ev.budgetBytes - st.activationBytes - st.overheadBytes - output;
    const fit = perLayer > 0 ? Math.max(0, Math.min(n, Math.floor(room / perLayer))) : n;
    onGpu += fit;
    hostBytes += (n - fit) * perLayer;
  });
  return { onGpu, hostBytes: Math.max(0, hostBytes) };
}
