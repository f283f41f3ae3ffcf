// Autocomplete reads what people type: a count only when clearly separated, exact and prefix matches before
// fuzzy ones, the GPUs and models teams ask about most in an empty box, choice names that carry memory.
import { describe, expect, it } from 'vitest';
import { autocompleteContext, autocompleteGpu, autocompleteModel, ENGINE_CHOICES, gpuChoiceName } from '../../commands/shared.ts';
import { size } from '../../commands/size.ts';
import { catalogs } from '../../src/catalog/load.ts';
import { readGpuQuery, typedGpuName } from '../../src/catalog/lookup.ts';
import { indexes } from '../../src/catalog/parse.ts';

const values = (q: string) => autocompleteGpu(q).map((c) => c.value);
const names = (q: string) => autocompleteGpu(q).map((c) => c.name);

describe('gpu autocomplete', () => {
  it('"rtx 4090" is the RTX 4090, never 4090 of something', () => {
    const c = autocompleteGpu('rtx 4090');
    expect(c[0]).toEqual({ name: 'GeForce RTX 4090 · 24 GB', value: 'rtx4090' });
    expect(c.filter((x) => /^\d+×/.test(x.name))).toEqual([]);
    expect(c.every((x) => catalogs().gpuEntries.some((g) => g.id === x.value))).toBe(true);
  });

  it('"RTX 3090": the 3090, then the 3090 Ti', () => {
    expect(values('RTX 3090').slice(0, 2)).toEqual(['rtx3090', 'rtx3090ti']);
  });

  it('"4090x2" and "2x4090": two RTX 4090s first', () => {
    for (const q of ['4090x2', '2x4090', '2 x 4090', '4090 ×2']) {
      expect(autocompleteGpu(q)[0], q).toEqual({ name: '2× GeForce RTX 4090 · 2 × 24 GB', value: 'rtx4090x2' });
      expect(values(q).every((v) => v.endsWith('x2')), q).toBe(true);
    }
  });

  it('"h100 x 8", "a10x8", "8xA10", "h100:4", "h100 * 4" keep the count', () => {
    expect(values('h100 x 8')[0]).toBe('h100-sxmx8');
    expect(names('h100 x 8')[0]).toBe('8× H100 SXM5 · 8 × 80 GB');
    expect(values('a10x8')[0]).toBe('a10x8');
    expect(values('8xA10')[0]).toBe('a10x8');
    expect(values('x8 h100')[0]).toBe('h100-sxmx8');
    expect(values('h100:4')[0]).toBe('h100-sxmx4');
    expect(values('h100 * 4')[0]).toBe('h100-sxmx4');
  });

  it('every value it offers resolves back to the GPU and count it names', () => {
    const ix = indexes(catalogs()).gpus;
    for (const q of ['h100 x 8', 'a10x8', 'mac', '', 'm3 ultra x2', 'rtx pro 6000 x4', 'atlas']) {
      for (const c of autocompleteGpu(q)) {
        const r = ix.resolve(c.value);
        expect(r, `${q} -> ${c.value}`).toBeDefined();
        const n = /^(\d+)×/.exec(c.name)?.[1];
        if (n && !c.value.startsWith('atlas')) expect(r!.count, c.value).toBe(Number(n));
      }
    }
  });

  it('"mac" offers Apple unified memory first', () => {
    expect(values('mac').slice(0, 4).every((v) => /^m\d/.test(v))).toBe(true);
  });

  it('empty box: the GPUs teams ask about most, H100 first', () => {
    const v = values('');
    expect(v.slice(0, 6)).toEqual(['h100-sxm', 'h200', 'b200', 'l40s', 'a100-80gb', 'rtx4090']);
    expect(v).toContain('rtx-pro-6000');
    expect(v.indexOf('rtx3060-12gb')).toBe(-1);
    expect(v.length).toBe(25);
  });

  it('choice names carry memory and no memory figure twice', () => {
    expect(gpuChoiceName('h100-sxm')).toBe('H100 SXM5 · 80 GB');
    expect(gpuChoiceName('a100-40gb')).toBe('A100 SXM4 · 40 GB');
    expect(gpuChoiceName('rtx-pro-6000')).toMatch(/^RTX PRO 6000 Blackwell[^·]* · 96 GB$/);
    for (const e of catalogs().gpuEntries) expect(gpuChoiceName(e.id).match(/\d\s?GB\b/g)?.length, e.id).toBe(1);
  });
});

describe('reading a typed GPU', () => {
  it('separates a count only with x after a digit or space, ×, *, :', () => {
    expect(readGpuQuery('rtx 4090')).toEqual([{ name: 'rtx 4090' }]);
    expect(readGpuQuery('rtx4090')).toEqual([{ name: 'rtx4090' }]);
    expect(readGpuQuery('a10x8')).toContainEqual({ name: 'a10', count: 8 });
    expect(readGpuQuery('8 x a10')).toContainEqual({ name: 'a10', count: 8 });
    expect(readGpuQuery('4090x2')).not.toContainEqual({ name: '2', count: 4090 });
    expect(typedGpuName('h100 x')).toEqual({ name: 'h100', count: undefined });
    expect(typedGpuName('rtx')).toEqual({ name: 'rtx', count: undefined });
  });
});

describe('model autocomplete', () => {
  it('"glm": the GLM models before anything fuzzy', () => {
    const v = autocompleteModel('glm').map((c) => c.value);
    const glm = catalogs().modelEntries.filter((e) => e.id.startsWith('glm')).map((e) => e.id);
    expect(v.slice(0, glm.length).sort()).toEqual([...glm].sort());
  });

  it('empty box: current flagship models from catalogs/popular.yaml, in its order', () => {
    const v = autocompleteModel('').map((c) => c.value);
    expect(v.slice(0, 3)).toEqual(catalogs().popular.models.slice(0, 3));
    expect(v.length).toBe(25);
  });

  it('exact Hugging Face id first; names carry the size', () => {
    const c = autocompleteModel('Qwen/Qwen3-32B');
    expect(c[0]!.value).toBe('qwen3-32b');
    expect(c[0]!.name).toBe('Qwen3 32B · 32.8B (qwen3-32b)');
    expect(autocompleteModel('deepseek-r1')[0]!.name).toMatch(/671B MoE, 37B active/);
  });

  it('unmatched names go to the Hub hook, matched ones never do', () => {
    const calls: string[] = [];
    const hub = (q: string) => {
      calls.push(q);
      return [{ name: `${q} (Hugging Face)`, value: q }];
    };
    expect(autocompleteModel('someorg/brand-new-model', hub)[0]!.value).toBe('someorg/brand-new-model');
    autocompleteModel('qwen3', hub);
    expect(calls).toEqual(['someorg/brand-new-model']);
  });
});

describe('popular list', () => {
  it('names only catalog entries', () => {
    const cat = catalogs();
    for (const id of cat.popular.gpus) expect(cat.gpuEntries.some((g) => g.id === id), id).toBe(true);
    for (const id of cat.popular.models) expect(cat.models.has(id), id).toBe(true);
  });
});

describe('engine and context', () => {
  it('engine is a fixed list of choices every value of which parses', () => {
    const opt = size.definition.options!.find((o) => o.name === 'engine') as { choices?: { value: string }[]; autocomplete?: boolean };
    expect(opt.autocomplete).toBeUndefined();
    expect(opt.choices!.map((c) => c.value)).toEqual(ENGINE_CHOICES.map((e) => e.value));
  });

  it('context suggests 4k, 8k, 32k, 128k and reads what was typed', () => {
    const v = autocompleteContext('').map((c) => c.value);
    for (const k of ['4k', '8k', '32k', '128k']) expect(v).toContain(k);
    expect(autocompleteContext('32')[0]!.value).toBe('32k');
    expect(autocompleteContext('20000')[0]).toEqual({ name: '20000 (20,000 tokens)', value: '20000' });
  });
});
