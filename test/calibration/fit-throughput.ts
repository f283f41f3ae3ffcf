// How the speed constants in src/engine/speed.ts were fitted: `npx tsx test/calibration/fit-throughput.ts`.
// For each constant group, a coordinate search minimises the mean squared log error over the cases listed in
// its `fittedOn`; the script prints the fitted values, the error on those cases and on every other case of the
// same engine (held out), so a constant is never tuned to one case and the held-out error is visible.
import { loadCatalogs } from '../../src/catalog/load.ts';
import { LLAMACPP_METAL_SPEED, LLAMACPP_SPEED } from '../../src/engine/engines/llamacpp.ts';
import { VLLM_SPEED } from '../../src/engine/engines/vllm.ts';
import { TRTLLM_SPEED } from '../../src/engine/engines/trtllm.ts';
import { HOST_SPEED, type SpeedConstants } from '../../src/engine/speed.ts';
import { loadThroughputCases, median, predictCase, type ThroughputCase } from './throughput-harness.ts';

const cat = loadCatalogs();
const cases = loadThroughputCases().filter((c) => !c.skip);
const byId = new Map(cases.map((c) => [c.id, c]));

type Param = { get: () => number; set: (v: number) => void; min: number; max: number; name: string };

function loss(set: ThroughputCase[]): number {
  let s = 0;
  for (const c of set) {
    const r = Math.log(predictCase(cat, c) / c.measured);
    s += r * r;
  }
  return s / Math.max(1, set.length);
}

function fit(params: Param[], set: ThroughputCase[]): void {
  for (let round = 0; round < 40; round++) {
    let improved = false;
    for (const p of params) {
      const base = loss(set);
      const v = p.get();
      for (const f of [0.9, 0.97, 0.99, 1.01, 1.03, 1.1]) {
        const nv = Math.min(p.max, Math.max(p.min, v * f));
        p.set(nv);
        if (loss(set) < base - 1e-9) {
          improved = true;
          break;
        }
        p.set(v);
      }
    }
    if (!improved) break;
  }
}

const param = (k: SpeedConstants | typeof HOST_SPEED, key: 'memEfficiency' | 'layerSeconds' | 'computeEfficiency', min: number, max: number): Param => ({
  name: key,
  get: () => (k as unknown as Record<string, number>)[key],
  set: (v) => ((k as unknown as Record<string, number>)[key] = v),
  min,
  max,
});

function report(label: string, fitted: ThroughputCase[], heldOut: ThroughputCase[]): void {
  const err = (set: ThroughputCase[]) => set.map((c) => Math.abs(predictCase(cat, c) / c.measured - 1));
  const f = err(fitted);
  const h = err(heldOut);
  console.log(`  fit set: ${fitted.length} cases, median |error| ${(median(f) * 100).toFixed(1)} %`);
  if (h.length) console.log(`  held out (${label}): ${h.length} cases, median |error| ${(median(h) * 100).toFixed(1)} %`);
}

const groups: Array<{ name: string; k: SpeedConstants | typeof HOST_SPEED; params: Param[]; heldOut: (c: ThroughputCase) => boolean }> = [
  {
    name: 'llama.cpp GPU (CUDA/ROCm/Vulkan)',
    k: LLAMACPP_SPEED,
    params: [param(LLAMACPP_SPEED, 'memEfficiency', 0.3, 1), param(LLAMACPP_SPEED, 'layerSeconds', 1e-6, 1e-3), param(LLAMACPP_SPEED, 'computeEfficiency', 0.05, 1)],
    heldOut: (c) => c.engine === 'llamacpp' && c.backend !== 'metal' && c.offload === undefined,
  },
  {
    name: 'llama.cpp Metal',
    k: LLAMACPP_METAL_SPEED,
    params: [param(LLAMACPP_METAL_SPEED, 'memEfficiency', 0.3, 1), param(LLAMACPP_METAL_SPEED, 'layerSeconds', 1e-6, 1e-3), param(LLAMACPP_METAL_SPEED, 'computeEfficiency', 0.05, 1)],
    heldOut: (c) => c.engine === 'llamacpp' && c.backend === 'metal',
  },
  {
    name: 'vLLM (CUDA)',
    k: VLLM_SPEED,
    params: [param(VLLM_SPEED, 'memEfficiency', 0.3, 1), param(VLLM_SPEED, 'layerSeconds', 1e-7, 1e-3), param(VLLM_SPEED, 'computeEfficiency', 0.05, 1)],
    heldOut: (c) => c.engine === 'vllm',
  },
  {
    name: 'TensorRT-LLM (CUDA)',
    k: TRTLLM_SPEED,
    params: [param(TRTLLM_SPEED, 'memEfficiency', 0.3, 1), param(TRTLLM_SPEED, 'computeEfficiency', 0.05, 1)],
    heldOut: (c) => c.engine === 'trtllm',
  },
  {
    name: 'host RAM / CPU (KTransformers experts)',
    k: HOST_SPEED,
    params: [param(HOST_SPEED, 'memEfficiency', 0.05, 1), param(HOST_SPEED, 'computeEfficiency', 0.02, 1)],
    heldOut: (c) => c.offload !== undefined,
  },
];

for (const g of groups) {
  const fitSet = g.k.fittedOn.map((id) => {
    const c = byId.get(id);
    if (!c) throw new Error(`${g.name}: fittedOn names unknown case ${id}`);
    return c;
  });
  fit(g.params, fitSet);
  console.log(`${g.name}: ${g.params.map((p) => `${p.name} = ${p.get().toPrecision(3)}`).join(', ')}`);
  report(g.name, fitSet, cases.filter((c) => g.heldOut(c) && !g.k.fittedOn.includes(c.id)));
}
