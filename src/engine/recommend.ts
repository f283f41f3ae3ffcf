// Search the hardware catalog for layouts that serve a request, ranked: fits, least memory bought, fewest cards,
// then fastest. Pure: the GPU list and engine catalog are passed in.
import type { EngineCatalog } from '../catalog/schema.ts';
import { estimate, EstimateError } from './estimate.ts';
import { engineProfile } from './engines/index.ts';
import type { SizingReport } from './report.ts';
import type { Gpu, SizingRequest } from './types.ts';

export interface Recommendation {
  gpu: Gpu;
  count: number;
  report: SizingReport;
  /** Total memory bought, bytes (count x visible). */
  totalBytes: number;
  why: string;
}

export const COUNTS = [1, 2, 4, 8, 16];

/** Per-user decode speed below which an option is listed after the faster ones (roughly reading speed). */
export const MIN_READABLE_TOKS = 10;

export function recommend(
  base: Omit<SizingRequest, 'gpu' | 'gpuCount' | 'tp' | 'pp'>,
  gpus: Gpu[],
  engines: EngineCatalog,
  limit = 8,
): Recommendation[] {
  const out: Recommendation[] = [];
  const profile = engineProfile(base.engine.id);
  for (const gpu of gpus) {
    // The engine's format x hardware matrix (CUDA-only kernels, FP8 units, Ascend formats).
    if (!profile.supports(base.quant, gpu).ok) continue;
    // Sold only as NVL72 racks; /size still sizes it.
    if (gpu.id === 'gb200') continue;
    for (const count of gpu.unified ? [1] : COUNTS) {
      let report: SizingReport;
      try {
        report = estimate({ ...base, gpu, gpuCount: count }, engines);
      } catch (e) {
        if (e instanceof EstimateError) continue;
        throw e;
      }
      if (!report.fits) continue;
      const p = report.performance;
      out.push({
        gpu,
        count,
        report,
        totalBytes: gpu.visibleBytes * count,
        why: `up to ${report.capacity.maxUsers} users, ~${p.decodeTokensPerSecondPerUser.toFixed(0)} tok/s each`,
      });
      break; // the smallest count of this GPU that fits
    }
  }
  const readable = (r: Recommendation) => (r.report.performance.decodeTokensPerSecondPerUser >= MIN_READABLE_TOKS ? 0 : 1);
  out.sort(
    (a, b) =>
      readable(a) - readable(b) ||
      a.totalBytes - b.totalBytes ||
      a.count - b.count ||
      b.report.performance.decodeTokensPerSecondTotal - a.report.performance.decodeTokensPerSecondTotal,
  );
  // Variants of one card (A100 PCIe vs SXM) add nothing to a short list: keep the first of each.
  const seen = new Set<string>();
  const diverse = out.filter((r) => {
    const key = `${r.count}|${r.gpu.arch}|${Math.round(r.gpu.visibleBytes / 2 ** 30)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return diverse.slice(0, limit);
}

/** The next larger GPU of the same vendor (by visible memory, then bandwidth), for the "next GPU up" what-if. */
export function nextGpuUp(current: Gpu, gpus: Gpu[]): Gpu | undefined {
  const candidates = gpus
    .filter((g) => g.vendor === current.vendor && g.unified === current.unified)
    .filter((g) => g.visibleBytes > current.visibleBytes * 1.05 || (g.visibleBytes >= current.visibleBytes * 0.98 && g.bandwidthGBs > current.bandwidthGBs * 1.2));
  candidates.sort((a, b) => a.visibleBytes - b.visibleBytes || a.bandwidthGBs - b.bandwidthGBs);
  return candidates[0];
}
