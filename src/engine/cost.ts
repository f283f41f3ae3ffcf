// What the hardware of an answer costs: cloud rent per hour, or purchase price and power, and USD per million
// output tokens at the load asked. Prices come with the GPU (catalogs/prices.yaml, each with source and date).
import { F, type Step } from './formulas.ts';
import type { Cost } from './report.ts';
import type { Gpu } from './types.ts';

/** Service life a purchase is spread over for $ per million tokens (straight-line, 24/7; power and hosting excluded). */
export const AMORTIZATION_YEARS = 3;

const round = (x: number, d = 2) => (Math.abs(x) < 1e12 ? Math.round(x * 10 ** d) / 10 ** d : x);
const finite = (x: number) => Number.isFinite(x) && x >= 0;

/**
 * Cost of `gpus` cards of `gpu` serving `tokensPerSecond` output tokens in total. Per million tokens uses cloud
 * rent when a cloud price is known (what renting costs), else the purchase price over AMORTIZATION_YEARS.
 */
export function costOf(gpu: Gpu, gpus: number, tokensPerSecond: number, steps?: Step[]): Cost {
  const cost: Cost = { basis: 'none', source: 'no sourced price for this GPU in catalogs/prices.yaml', date: '', sources: [] };
  if (gpu.tdpW) cost.powerW = Math.round(F.costPower.eval({ gpus, tdpW: gpu.tdpW }, steps));
  const p = gpu.price;
  if (p?.purchase) {
    if (p.purchase.usd !== undefined) cost.purchaseUsd = Math.round(F.costPurchase.eval({ gpus, perGpuUsd: p.purchase.usd }, steps));
    if (p.purchase.cny !== undefined) cost.purchaseCny = Math.round(gpus * p.purchase.cny);
    cost.sources.push(`purchase: ${p.purchase.source} (${p.purchase.date})`);
    if (p.purchase.cny !== undefined && p.purchase.cnySource) cost.sources.push(`purchase (CNY): ${p.purchase.cnySource} (${p.purchase.cnyDate ?? p.purchase.date})`);
  }
  if (p?.cloud) {
    cost.perHourUsd = round(F.costPerHour.eval({ gpus, perGpuHourUsd: p.cloud.perHourUsd }, steps));
    cost.provider = p.cloud.provider;
    cost.sources.unshift(`cloud: ${p.cloud.provider}, ${p.cloud.source} (${p.cloud.date})`);
  }
  if (cost.perHourUsd !== undefined) {
    cost.basis = 'cloud';
    cost.source = p!.cloud!.source;
    cost.date = p!.cloud!.date;
    if (tokensPerSecond > 0) {
      const v = F.costPerMillionCloud.eval({ perHourUsd: cost.perHourUsd, tokensPerSecond }, steps);
      if (finite(v)) cost.perMillionOutputTokensUsd = round(v, 3);
    }
  } else if (p?.purchase) {
    cost.basis = 'purchase';
    cost.source = p.purchase.source;
    cost.date = p.purchase.date;
    if (cost.purchaseUsd !== undefined && tokensPerSecond > 0) {
      const v = F.costPerMillionOwned.eval({ purchaseUsd: cost.purchaseUsd, years: AMORTIZATION_YEARS, tokensPerSecond }, steps);
      if (finite(v)) cost.perMillionOutputTokensUsd = round(v, 3);
    }
  }
  return cost;
}
