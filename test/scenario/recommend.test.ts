// What to buy, from the seed questions and real deployments. Every expectation is checked against the engine's own
// answer for that hardware (a direct /size), not against hard-coded figures.
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/engine/estimate.ts';
import { recommend, type RecommendOption, type RecommendOptions } from '../../src/engine/recommend.ts';
import type { SizeOptions } from '../../src/catalog/parse.ts';
import { cat, request } from '../helpers/req.ts';

const search = { gpus: [...cat.gpus.values()], engines: cat.engines, quants: cat.quants };
const gpu = (id: string) => cat.gpus.get(id)!;

function ask(o: SizeOptions, ro: RecommendOptions = {}) {
  const req = request({ gpu: 'h100', ...o });
  return { req, res: recommend(req, search, ro) };
}

/** The engine's own answer for n cards of a GPU (best layout, or the one given). */
function direct(req: ReturnType<typeof request>, id: string, n: number, layout?: { tp: number; pp: number }) {
  return estimate({ ...req, gpu: gpu(id), gpuCount: n, tp: layout?.tp, pp: layout?.pp }, cat.engines);
}

const label = (o: RecommendOption) => `${o.count}× ${o.gpu.id}`;

describe('Gemma-2-27B 4-bit for 10 users at 4K (seed 000: a 4090 serves one user; 48 GB or 80 GB for 10–20)', () => {
  const { req, res } = ask({ model: 'gemma-2-27b', users: '10', context: '4k', quant: 'int4' }, { have: { gpu: gpu('rtx4090'), count: 1 } });
  const singles = res.options.filter((o) => o.count === 1 && o.tier !== 'have');

  it('no single card up to 32 GB serves it, and the engine agrees for each of them', () => {
    expect(res.tiers.some((t) => t.id === 'consumer')).toBe(false);
    for (const g of search.gpus.filter((x) => x.marketingGB <= 32 && !x.unified && x.vendor !== 'huawei')) expect(direct(req, g.id, 1).fits, g.id).toBe(false);
  });

  it('the smallest single card offered is in the 40–48 GB class', () => {
    const smallest = Math.min(...singles.map((o) => o.gpu.marketingGB));
    expect(smallest).toBeGreaterThan(32);
    expect(smallest).toBeLessThanOrEqual(48);
  });

  it('an 80 GB card gives every user 8K or more', () => {
    for (const id of ['a100-80gb', 'h100-sxm']) expect(direct(req, id, 1).capacity.maxContextTokens).toBeGreaterThanOrEqual(8192);
    for (const o of singles.filter((x) => x.gpu.marketingGB >= 80)) expect(o.report.capacity.maxContextTokens).toBeGreaterThanOrEqual(8192);
  });

  it('more of what you have: the fewest 4090s that fit, with every layout the engine says fits at that count', () => {
    const have = res.tiers.find((t) => t.id === 'have')!.options;
    expect(have.length).toBeGreaterThan(0);
    const n = have[0].count;
    expect(direct(req, 'rtx4090', n).fits).toBe(true);
    for (const fewer of [1, 2, 4].filter((x) => x < n)) expect(direct(req, 'rtx4090', fewer).fits).toBe(false);
    const atN = direct(req, 'rtx4090', n);
    const fitting = [atN.layout, ...atN.layout.alternatives.filter((a) => a.fits)].map((l) => `${l.tp}x${l.pp}x${l.replicas}`);
    expect(have.map((o) => `${o.report.layout.tp}x${o.report.layout.pp}x${o.report.layout.replicas}`).sort()).toEqual(fitting.sort());
    // one replica per card is offered exactly when the engine says one card holds its share of the users
    const replicas = direct(req, 'rtx4090', n, { tp: 1, pp: 1 });
    expect(have.some((o) => o.report.layout.replicas === n)).toBe(replicas.fits);
  });
});

describe('Qwen3-32B INT4 on 8× A10 (seed 002)', () => {
  const { req, res } = ask({ model: 'qwen3-32b', users: '20', context: '4k', quant: 'int4' }, { have: { gpu: gpu('a10'), count: 8 } });
  const have = res.tiers.find((t) => t.id === 'have')!.options;

  it('lists tensor-parallel and replica layouts of the 8 cards, each with its speed as a direct /size gives it', () => {
    expect(have.length).toBeGreaterThanOrEqual(2);
    expect(have.some((o) => o.report.layout.replicas > 1)).toBe(true);
    expect(have.some((o) => o.report.layout.tp === 8)).toBe(true);
    for (const o of have) {
      expect(o.count).toBe(8);
      const d = direct(req, 'a10', 8, { tp: o.report.layout.tp, pp: o.report.layout.pp });
      expect(o.report.performance.decodeTokensPerSecondPerUser).toBeCloseTo(d.performance.decodeTokensPerSecondPerUser, 6);
      expect(o.report.capacity.maxUsers).toBe(d.capacity.maxUsers);
      expect(o.cannot.map((c) => c.message).join(' ')).toMatch(/PCIe/);
    }
  });

  it('bf16 for 20 users at 8K: the first pick is not Ascend', () => {
    const r = ask({ model: 'qwen3-32b', users: '20', context: '8k' }).res;
    expect(r.options[0].gpu.vendor).not.toBe('huawei');
  });
});

describe('BentoML table (seed 001)', () => {
  it('Llama-3-8B FP16: one 24 GB card (L4 class) and nothing smaller', () => {
    const { req, res } = ask({ model: 'llama-3-8b', users: '4', context: '4k', quant: 'fp16' });
    const small = res.tiers.find((t) => t.id === 'consumer')!.options;
    expect(small.some((o) => o.gpu.marketingGB === 24)).toBe(true);
    expect(res.options.filter((o) => o.count === 1).every((o) => o.gpu.marketingGB >= 24)).toBe(true);
    expect(direct(req, 'l4', 1).fits).toBe(true);
    expect(direct(req, 't4', 1).fits).toBe(false);
  });

  it('Llama-3-8B INT4: a 16 GB T4 does', () => {
    const { req, res } = ask({ model: 'llama-3-8b', users: '4', context: '4k', quant: 'int4' });
    expect(direct(req, 't4', 1).fits).toBe(true);
    expect(res.options.some((o) => o.count === 1 && o.gpu.marketingGB <= 16)).toBe(true);
  });

  it('70B INT4: one 80 GB card; 70B FP16: four of them (two do not fit)', () => {
    const int4 = ask({ model: 'llama-3.1-70b', users: '10', context: '4k', quant: 'int4' });
    expect(direct(int4.req, 'a100-80gb', 1).fits).toBe(true);
    expect(int4.res.options.some((o) => o.count === 1 && o.gpu.marketingGB >= 80)).toBe(true);
    // "4× A100 80GB or 8× L40": an A100 owner is told four; any 80 GB card offered is offered as four
    const fp16 = ask({ model: 'llama-3.1-70b', users: '10', context: '4k', quant: 'fp16' }, { have: { gpu: gpu('a100-80gb'), count: 1 } });
    expect(direct(fp16.req, 'a100-80gb', 2).fits).toBe(false);
    expect(direct(fp16.req, 'a100-80gb', 4).fits).toBe(true);
    expect(direct(fp16.req, 'l40', 8).fits).toBe(true);
    expect(fp16.res.tiers.find((t) => t.id === 'have')!.options.every((o) => o.count === 4)).toBe(true);
    for (const o of fp16.res.options.filter((x) => x.gpu.marketingGB === 80)) expect(o.count).toBe(4);
  });
});

describe('Qwen3-235B-A22B FP8 on 96 GB cards (seed 003: "4× RTX Pro 6000, a whole server under ¥400k")', () => {
  it('four 96 GB cards serve it, two do not, and a 96 GB owner is told to have four', () => {
    const { req, res } = ask({ model: 'qwen3-235b-a22b', users: '10', context: '8k', quant: 'fp8' }, { have: { gpu: gpu('rtx-pro-6000'), count: 1 } });
    expect(direct(req, 'rtx-pro-6000', 2).fits).toBe(false);
    expect(direct(req, 'rtx-pro-6000', 4).fits).toBe(true);
    const have = res.tiers.find((t) => t.id === 'have')!.options;
    expect(have.map((o) => o.count)).toContain(4);
    expect(have.every((o) => o.count === 4 && o.gpu.marketingGB === 96)).toBe(true);
  });
});

describe('DeepSeek-R1 for 50 users at 8K', () => {
  it('8× H200 is among the first picks', () => {
    const { res } = ask({ model: 'deepseek-r1', users: '50', context: '8k' });
    const i = res.options.findIndex((o) => o.gpu.id === 'h200' && o.count === 8);
    expect(i, res.options.map(label).join(', ')).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(5);
  });
});

describe('Ascend options never name a CUDA-only kernel', () => {
  const cudaOnly = /marlin|flashinfer|cutlass|exllama|machete|triton|awq|gptq|\bfp8\b/i;
  for (const o of [
    { model: 'qwen3-32b', users: '20', context: '8k' },
    { model: 'qwen3-32b', users: '20', context: '4k', quant: 'int4' },
    { model: 'deepseek-r1-distill-llama-70b', users: '10', context: '8k', quant: 'fp8' },
  ]) {
    it(`${o.model} ${o.quant ?? ''}`, () => {
      const ascend = ask(o).res.options.filter((x) => x.gpu.vendor === 'huawei');
      for (const x of ascend) {
        expect(['fp8', 'awq', 'gptq', 'int4', 'nvfp4', 'mxfp4']).not.toContain(x.quant.id);
        expect(x.reason.message).not.toMatch(cudaOnly);
        expect(x.cannot.filter((c) => c.code !== 'rec.format').map((c) => c.message).join(' ')).not.toMatch(/marlin|flashinfer|cutlass|exllama|machete/i);
        expect(x.report.notes.map((n) => n.message).join(' ')).not.toMatch(/marlin|flashinfer|cutlass|exllama|machete/i);
      }
    });
  }
});
