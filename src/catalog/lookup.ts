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
  /** Per entry, every form it answers to, normalized (for exact and prefix matching). */
  private readonly forms = new Map<string, string[]>();
  /** Per entry, every form it answers to, normalized and joined (for "all typed words appear" matching). */
  private readonly haystacks = new Map<string, string>();
  private readonly popular: string[];
  /**
   * Recent rankings by query: the index never changes, autocomplete asks again on every keystroke (and a whole
   * server types the same few prefixes), and a fuzzy pass over every form takes 5-8 ms of the event loop.
   */
  private readonly ranked = new Map<string, { choices: Choice[]; matched: boolean }>();

  constructor(entries: ModelEntry[], popular: string[] = []) {
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
    this.popular = popular.filter((id) => entries.some((e) => e.id === id));
    const all = entries.map((e) => ({ name: `${e.name} (${e.id})`, value: e.id }));
    this.choices = [...this.popular.map((id) => all.find((c) => c.value === id)!), ...all.filter((c) => !this.popular.includes(c.value))];
    for (const e of entries) {
      const forms = [e.id, e.name, ...e.hf, ...e.aliases].map(normalizeModel).filter(Boolean);
      this.forms.set(e.id, [...new Set(forms)]);
      this.haystacks.set(e.id, forms.join(' '));
    }
  }

  resolve(input: string): ModelMatch | undefined {
    const raw = input.trim();
    if (!raw) return undefined;
    const lower = raw.toLowerCase();
    if (this.keys.has(lower)) return { id: this.keys.get(lower)! };
    // An official quantized release that has its own entry (qwen3-32b-fp8, qwen3.6-27b-nvfp4) wins over "base + suffix".
    const whole = this.keys.get(normalizeModel(raw));
    if (whole && this.keys.get(normalizeModel(whole)) === whole && /[-_](fp8|nvfp4|awq|gptq|int4|mxfp4)$/i.test(raw)) return { id: whole };
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

  /**
   * Up to `limit` suggestions, best first, unique by id: the entry the text names exactly, then ids, names and
   * aliases that start with it (popular first), then entries containing every typed word, then fuzzy matches.
   * An empty box lists the popular models.
   */
  suggest(input: string, limit = 3): Choice[] {
    return this.rank(input, limit).choices;
  }

  /** As suggest, and whether anything matched better than fuzzily (for a Hub lookup of unmatched names). */
  rank(input: string, limit = 3): { choices: Choice[]; matched: boolean } {
    const key = `${limit}\0${input}`;
    let r = this.ranked.get(key);
    if (!r) {
      r = this.rankUncached(input, limit);
      if (this.ranked.size >= 1000) this.ranked.delete(this.ranked.keys().next().value!);
      this.ranked.set(key, r);
    }
    return { choices: r.choices.map((c) => ({ ...c })), matched: r.matched };
  }

  private rankUncached(input: string, limit: number): { choices: Choice[]; matched: boolean } {
    const q = input.trim().toLowerCase();
    if (!q) return { choices: this.choices.slice(0, limit), matched: true };
    const nq = normalizeModel(q);
    const words = q.split(/[^a-z0-9.]+/).map(normalizeModel).filter(Boolean);
    const exact = this.resolve(input)?.id;
    const pop = (id: string) => {
      const i = this.popular.indexOf(id);
      return i < 0 ? 1000 : i;
    };
    const scored: Array<{ c: Choice; tier: number; order: number }> = [];
    this.choices.forEach((c, order) => {
      const forms = this.forms.get(c.value)!;
      let tier = 9;
      if (c.value === exact || (nq && forms.includes(nq))) tier = 0;
      else if (nq && normalizeModel(c.value).startsWith(nq)) tier = 1;
      else if (nq && forms.some((f) => f.startsWith(nq))) tier = 2;
      else if (words.length && words.every((w) => this.haystacks.get(c.value)!.includes(w))) tier = words[0] && forms.some((f) => f.startsWith(words[0])) ? 3 : 4;
      if (tier < 9) scored.push({ c, tier, order: pop(c.value) < 1000 ? pop(c.value) : 1000 + order });
    });
    scored.sort((a, b) => a.tier - b.tier || a.order - b.order);
    const out = scored.slice(0, limit).map((s) => s.c);
    const matched = out.length > 0;
    if (out.length < limit) {
      const seen = new Set(out.map((c) => c.value));
      for (const r of this.fuse.search(q.slice(0, FUZZY_MAX), { limit: limit * 8 })) {
        if (seen.has(r.item.id)) continue;
        seen.add(r.item.id);
        out.push({ name: `${r.item.label} (${r.item.id})`, value: r.item.id });
        if (out.length >= limit) break;
      }
    }
    return { choices: out, matched };
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

/** A reading of what was typed in the gpu box: a name and, when clearly separated, a count. */
export interface GpuQuery {
  name: string;
  count?: number;
}

const MAX_TYPED_COUNT = 4096;

/**
 * The ways to read a typed GPU: the whole text as a name first, then a count clearly separated from the name
 * ("8x a10", "8 x a10", "8×A10", "x8 h100", "a10x8", "h100 x 8", "h100:4", "h100 * 4"). An "x" separates only
 * when a digit or a space stands before it, so the x of "rtx 4090" never turns 4090 into a count.
 */
export function readGpuQuery(input: string): GpuQuery[] {
  const raw = input.trim().replace(/\s+/g, ' ');
  if (!raw) return [];
  const out: GpuQuery[] = [{ name: raw }];
  const add = (name: string, n: string) => {
    const count = Number(n);
    // A name is a name: it has a letter or at least three digits ("4090x2" is not "2" 4090 times).
    const plausible = /[a-z]/i.test(name) || /\d{3}/.test(name);
    if (plausible && count >= 1 && count <= MAX_TYPED_COUNT) out.push({ name: name.trim(), count });
  };
  const pre = /^(\d{1,4}) ?[x×*] ?(.+)$/i.exec(raw) ?? /^[x×] ?(\d{1,4}) (.+)$/i.exec(raw);
  if (pre) add(pre[2], pre[1]);
  const post = /^(.+?)(?: ?[×*:] ?| x ?|(?<=\d)x ?)(\d{1,4})$/i.exec(raw);
  if (post) add(post[1], post[2]);
  return out;
}

/** What to search for while someone is still typing: the name without a count or a dangling separator. */
export function typedGpuName(input: string): GpuQuery {
  const reads = readGpuQuery(input);
  const counted = reads.find((r) => r.count !== undefined);
  const base = counted ?? reads[0] ?? { name: '' };
  // "h100 x", "a10x", "h100:" — a separator still waiting for its number.
  const name = base.name.replace(/(?: [x×*:]|(?<=\d)[x×]|[×*:])$/i, '').trim();
  return { name, count: base.count };
}

interface GpuRow {
  id: string;
  label: string;
  forms: string[];
  haystack: string;
  order: number;
}

export class GpuIndex {
  private readonly keys = new Map<string, GpuMatch>();
  private readonly fuse: Fuse<{ key: string; id: string; label: string }>;
  private readonly rows: GpuRow[] = [];
  private readonly popular: string[];
  readonly choices: Choice[];

  constructor(entries: GpuEntry[], popular: string[] = []) {
    const fuseRows: Array<{ key: string; id: string; label: string }> = [];
    entries.forEach((e, order) => {
      const match: GpuMatch = e.server ? { id: e.server.gpu, perUnit: e.server.count } : { id: e.id, perUnit: 1 };
      const forms = new Set<string>();
      for (const f of [e.id, e.name, ...e.aliases]) {
        const k = normalizeGpu(f);
        if (k && !this.keys.has(k)) this.keys.set(k, match);
        if (k) forms.add(k);
        const noRtx = k.replace(/^rtx/, '');
        if (noRtx !== k && noRtx && !this.keys.has(noRtx)) this.keys.set(noRtx, match);
        if (noRtx) forms.add(noRtx);
        fuseRows.push({ key: f.toLowerCase(), id: e.id, label: e.name });
      }
      this.rows.push({ id: e.id, label: e.name, forms: [...forms], haystack: [e.id, e.name, e.vendor, e.category, e.arch, ...e.aliases].join(' ').toLowerCase(), order });
    });
    this.fuse = new Fuse(fuseRows, { keys: ['key', 'label'], threshold: 0.4, ignoreLocation: true, includeScore: true });
    this.popular = popular.filter((id) => this.rows.some((r) => r.id === id));
    const byId = new Map(this.rows.map((r) => [r.id, r]));
    const first = this.popular.map((id) => byId.get(id)!);
    this.choices = [...first, ...this.rows.filter((r) => !this.popular.includes(r.id))].map((r) => ({ name: r.label, value: r.id }));
  }

  resolveName(input: string): GpuMatch | undefined {
    const k = normalizeGpu(input);
    return k ? this.keys.get(k) : undefined;
  }

  /** "a10x8", "8xA10", "8×A10", "h100:4", "2x4090", "h100*4", "4090 x2", "rtx 4090" (no count). */
  resolve(input: string): { id: string; count: number } | undefined {
    for (const q of readGpuQuery(input)) {
      const m = this.resolveName(q.name);
      if (m) return { id: m.id, count: (q.count ?? 1) * m.perUnit };
    }
    // "h100-sxmx8", "m3-ultrax2": an id glued to its count, as the autocomplete values and buttons write them.
    const glued = /^(.+?)x(\d{1,4})$/i.exec(input.trim());
    const m = glued ? this.resolveName(glued[1]) : undefined;
    if (glued && m && Number(glued[2]) >= 1) return { id: m.id, count: Number(glued[2]) * m.perUnit };
    return undefined;
  }

  /**
   * Up to `limit` catalog entries for a typed name (a count in it is ignored; see typedGpuName), best first:
   * exact id/name/alias, then names starting with what was typed (closest first), then entries containing every
   * typed word, then fuzzy matches. Popular entries lead within a tier; an empty box lists the popular ones.
   */
  suggest(input: string, limit = 3): Choice[] {
    const name = typedGpuName(input).name;
    const nq = normalizeGpu(name);
    if (!nq) return this.choices.slice(0, limit);
    const words = name.toLowerCase().split(/[^a-z0-9.]+/).filter(Boolean);
    const scored: Array<{ row: GpuRow; tier: number; gap: number }> = [];
    for (const row of this.rows) {
      let tier = 9;
      let gap = 0;
      if (row.forms.includes(nq)) tier = 0;
      else {
        const pre = row.forms.filter((f) => f.startsWith(nq));
        if (pre.length) {
          tier = 1;
          gap = Math.min(...pre.map((f) => f.length - nq.length));
        } else if (words.length && words.every((w) => row.haystack.includes(w))) tier = 2;
        else if (row.forms.some((f) => f.includes(nq))) tier = 2;
      }
      if (tier < 9) scored.push({ row, tier, gap });
    }
    const pop = (id: string) => {
      const i = this.popular.indexOf(id);
      return i < 0 ? 1000 : i;
    };
    scored.sort((a, b) => a.tier - b.tier || pop(a.row.id) - pop(b.row.id) || a.gap - b.gap || a.row.order - b.row.order);
    const out: Choice[] = scored.slice(0, limit).map((s) => ({ name: s.row.label, value: s.row.id }));
    if (out.length >= limit) return out;
    const seen = new Set(out.map((c) => c.value));
    for (const r of this.fuse.search(name.toLowerCase().slice(0, FUZZY_MAX), { limit: limit * 8 })) {
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
