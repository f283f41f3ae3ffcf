// Resolve what people type into catalog ids: exact ids, Hugging Face ids (any case), aliases, loose forms,
// with fuzzy "did you mean" suggestions (fuse.js) when nothing matches.
import Fuse from 'fuse.js';

/** Fuzzy matching reads at most this many characters (fuse's bitap handles 32 per pass; longer names never match anyway). */
export const FUZZY_MAX = 32;
import type { GpuEntry, ModelEntry, QuantEntry } from './schema.ts';

export interface Choice {
  /** What to show. */
  name: string;
  /** Canonical id to use. */
  value: string;
}

/** Lower-case, drop punctuation and spaces: "Llama-3.1-70B" -> "llama3170b". */
export function normalizeModel(s: string): string {
  return s
    .toLowerCase()
    .replace(/^.*\//, '')
    .replace(/^meta-/, '')
    .replace(/[^a-z0-9]/g, '');
}

const MODEL_SUFFIXES = ['instruct', 'it', 'chat', 'base', 'hf', 'thinking'];

/** Quantization hints in Hugging Face repo names ("Qwen3-32B-AWQ", "...-GPTQ-Int4", "...-FP8-dynamic"). */
const QUANT_SUFFIX: Array<[RegExp, string]> = [
  [/[-_]gptq[-_]?int4$/i, 'gptq'],
  [/[-_]gptq[-_]?int8$/i, 'int8'],
  [/[-_]gptq$/i, 'gptq'],
  [/[-_]awq$/i, 'awq'],
  [/[-_]fp8([-_]dynamic)?$/i, 'fp8'],
  [/[-_]w8a8$/i, 'int8'],
  [/[-_]int4$/i, 'int4'],
  [/[-_]bnb[-_]4bit$/i, 'nf4'],
  [/[-_]gguf$/i, 'q4_k_m'],
  [/[-_]mxfp4$/i, 'mxfp4'],
  [/[-_]nvfp4$/i, 'nvfp4'],
];

export interface ModelMatch {
  id: string;
  /** Quantization implied by the name typed (e.g. "-AWQ"). */
  quantHint?: string;
}

export class ModelIndex {
  private readonly keys = new Map<string, string>();
  private readonly fuse: Fuse<{ key: string; id: string; label: string }>;
  readonly choices: Choice[];
  /** Per entry, every form it answers to, normalized and joined (for "all typed words appear" matching). */
  private readonly haystacks = new Map<string, string>();

  constructor(entries: ModelEntry[]) {
    const rows: Array<{ key: string; id: string; label: string }> = [];
    const add = (form: string, id: string, label: string) => {
      const k = normalizeModel(form);
      if (!k) return;
      if (!this.keys.has(k)) this.keys.set(k, id);
      rows.push({ key: form.toLowerCase(), id, label });
    };
    for (const e of entries) {
      add(e.id, e.id, e.name);
      add(e.name, e.id, e.name);
      for (const h of e.hf) {
        add(h, e.id, e.name);
        this.keys.set(h.toLowerCase(), e.id);
      }
      for (const a of e.aliases) add(a, e.id, e.name);
    }
    this.fuse = new Fuse(rows, { keys: ['key', 'label'], threshold: 0.4, ignoreLocation: true, includeScore: true });
    this.choices = entries.map((e) => ({ name: `${e.name} (${e.id})`, value: e.id }));
    for (const e of entries) this.haystacks.set(e.id, [e.id, e.name, ...e.hf, ...e.aliases].map(normalizeModel).join(' '));
  }

  resolve(input: string): ModelMatch | undefined {
    const raw = input.trim();
    if (!raw) return undefined;
    const lower = raw.toLowerCase();
    if (this.keys.has(lower)) return { id: this.keys.get(lower)! };
    let name = raw;
    let quantHint: string | undefined;
    for (const [re, q] of QUANT_SUFFIX) {
      if (re.test(name)) {
        name = name.replace(re, '');
        quantHint = q;
        break;
      }
    }
    const k = normalizeModel(name);
    if (this.keys.has(k)) return { id: this.keys.get(k)!, quantHint };
    for (const suf of MODEL_SUFFIXES) {
      if (k.endsWith(suf) && this.keys.has(k.slice(0, -suf.length))) return { id: this.keys.get(k.slice(0, -suf.length))!, quantHint };
    }
    return undefined;
  }

  /** Up to `limit` suggestions, best first, unique by id: names that start with what was typed, then fuzzy matches. */
  suggest(input: string, limit = 3): Choice[] {
    const q = input.trim().toLowerCase();
    if (!q) return this.choices.slice(0, limit);
    const seen = new Set<string>();
    const out: Choice[] = [];
    const nq = normalizeModel(q);
    const words = q.split(/[^a-z0-9.]+/).map(normalizeModel).filter(Boolean);
    const take = (c: Choice) => {
      if (seen.has(c.value)) return;
      seen.add(c.value);
      out.push(c);
    };
    // 1. ids that start with what was typed; 2. entries containing every typed word; 3. fuzzy.
    if (nq) for (const c of this.choices) if (normalizeModel(c.value).startsWith(nq)) take(c);
    if (words.length) {
      const all = this.choices.filter((c) => words.every((w) => this.haystacks.get(c.value)!.includes(w)));
      all.sort((a, b) => Number(!normalizeModel(a.value).startsWith(words[0])) - Number(!normalizeModel(b.value).startsWith(words[0])));
      for (const c of all) take(c);
    }
    if (out.length >= limit) return out.slice(0, limit);
    for (const r of this.fuse.search(q.slice(0, FUZZY_MAX), { limit: limit * 8 })) {
      if (seen.has(r.item.id)) continue;
      seen.add(r.item.id);
      out.push({ name: `${r.item.label} (${r.item.id})`, value: r.item.id });
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** "NVIDIA GeForce RTX 4090" -> "rtx4090"; "A100 80GB" -> "a10080g". */
export function normalizeGpu(s: string): string {
  return s
    .toLowerCase()
    .replace(/\b(nvidia|geforce|tesla|amd|instinct|radeon|huawei|apple)\b/g, '')
    .replace(/(\d)\s*gb\b/g, '$1g')
    .replace(/(\d)gb/g, '$1g')
    .replace(/[^a-z0-9]/g, '');
}

export interface GpuMatch {
  id: string;
  /** Multiplier from a server entry (Atlas 800I A2 = 8 chips). */
  perUnit: number;
}

export class GpuIndex {
  private readonly keys = new Map<string, GpuMatch>();
  private readonly fuse: Fuse<{ key: string; id: string; label: string }>;
  readonly choices: Choice[];

  constructor(entries: GpuEntry[]) {
    const rows: Array<{ key: string; id: string; label: string }> = [];
    for (const e of entries) {
      const match: GpuMatch = e.server ? { id: e.server.gpu, perUnit: e.server.count } : { id: e.id, perUnit: 1 };
      const forms = [e.id, e.name, ...e.aliases];
      for (const f of forms) {
        const k = normalizeGpu(f);
        if (k && !this.keys.has(k)) this.keys.set(k, match);
        const noRtx = k.replace(/^rtx/, '');
        if (noRtx !== k && noRtx && !this.keys.has(noRtx)) this.keys.set(noRtx, match);
        rows.push({ key: f.toLowerCase(), id: e.id, label: e.name });
      }
    }
    this.fuse = new Fuse(rows, { keys: ['key', 'label'], threshold: 0.4, ignoreLocation: true });
    this.choices = entries.map((e) => ({ name: e.name, value: e.id }));
  }

  resolveName(input: string): GpuMatch | undefined {
    const k = normalizeGpu(input);
    return k ? this.keys.get(k) : undefined;
  }

  /** "a10x8", "8xA10", "8×A10", "h100:4", "2x4090", "h100*4", "4090 x2". */
  resolve(input: string): { id: string; count: number } | undefined {
    const raw = input.trim();
    if (!raw) return undefined;
    const direct = this.resolveName(raw);
    if (direct) return { id: direct.id, count: direct.perUnit };
    const pre = /^(\d{1,4})\s*[x×*]\s*(.+)$/i.exec(raw);
    const post = /^(.+?)\s*[x×*:]\s*(\d{1,4})$/i.exec(raw);
    for (const [name, n] of [pre ? [pre[2], pre[1]] : null, post ? [post[1], post[2]] : null].filter(Boolean) as Array<[string, string]>) {
      const m = this.resolveName(name);
      const count = Number(n);
      if (m && count >= 1) return { id: m.id, count: count * m.perUnit };
    }
    return undefined;
  }

  suggest(input: string, limit = 3): Choice[] {
    const q = input
      .trim()
      .toLowerCase()
      .replace(/^\d+\s*[x×*]\s*/, '')
      .replace(/\s*[x×*:]\s*\d+$/, '');
    if (!q) return this.choices.slice(0, limit);
    const seen = new Set<string>();
    const out: Choice[] = [];
    for (const r of this.fuse.search(q.slice(0, FUZZY_MAX), { limit: limit * 8 })) {
      if (seen.has(r.item.id)) continue;
      seen.add(r.item.id);
      out.push({ name: r.item.label, value: r.item.id });
      if (out.length >= limit) break;
    }
    return out;
  }
}

export function normalizeQuant(s: string): string {
  return s.toLowerCase().replace(/[\s-]/g, '_');
}

export class QuantIndex {
  private readonly keys = new Map<string, string>();
  readonly ids: string[];
  constructor(entries: Array<Pick<QuantEntry, 'id' | 'aliases'>>) {
    for (const e of entries) {
      for (const f of [e.id, ...e.aliases]) {
        const k = normalizeQuant(f);
        if (!this.keys.has(k)) this.keys.set(k, e.id);
      }
    }
    this.ids = entries.map((e) => e.id);
  }
  resolve(input: string): string | undefined {
    return this.keys.get(normalizeQuant(input.trim()));
  }
  suggest(input: string, limit = 3): string[] {
    const fuse = new Fuse([...this.keys.keys()].map((k) => ({ k, id: this.keys.get(k)! })), { keys: ['k'], threshold: 0.5 });
    const out: string[] = [];
    for (const r of fuse.search(normalizeQuant(input.slice(0, FUZZY_MAX)))) {
      if (!out.includes(r.item.id)) out.push(r.item.id);
      if (out.length >= limit) break;
    }
    return out;
  }
}
