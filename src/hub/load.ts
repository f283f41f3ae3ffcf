// Read a model from the Hub without downloading weights: config.json (+ hf_quant_config.json), the safetensors
// headers of every shard (through the index) or a GGUF file's header — via @huggingface/hub and @huggingface/gguf
// over HTTP ranges. Results are cached by commit sha; concurrent questions about one repo share one fetch.
import type { SafetensorsFileHeader } from '@huggingface/hub';
import { hfGguf, hfHub } from './libs.ts';
import { GGML_BITS } from '../engine/gguf.ts';
import type { RawTensor } from '../engine/stored.ts';
import { HubCache, REF_TTL_MS } from './cache.ts';
import { asHubError, HubError, HubSession, hubSettings, type HubSettings } from './client.ts';
import { configFromGguf, quantFromConfigs, quantFromGgufFileType, type QuantInfo } from './formats.ts';
import { fileHasQuant, type HubRef } from './ref.ts';

/** What one Hub checkpoint says about itself: the same architecture + stored-tensor data a catalog entry gives. */
export interface HubModel {
  /** Repo id as the Hub spells it. */
  repo: string;
  /** Revision asked for (branch, tag or sha) and the commit it resolved to. */
  revision: string;
  sha: string;
  /** GGUF file read (the first shard). */
  file?: string;
  container: 'safetensors' | 'gguf' | 'none';
  /** config.json (or the GGUF header's architecture keys as config.json keys). */
  config: Record<string, unknown>;
  quant?: QuantInfo;
  /** Every stored tensor (experts summed per layer), exact bytes. */
  tensors: RawTensor[];
  /** Files read, for the answer's source line. */
  filesRead: number;
  /** Things the user should know (no safetensors, custom code not run). */
  remarks: string[];
}

const MAX_JSON_BYTES = 2 * 2 ** 20;
const MAX_INDEX_BYTES = 64 * 2 ** 20;
const PARALLEL = 8;
const SHA = /^[0-9a-f]{40}$/;

const inflight = new Map<string, Promise<HubModel>>();

/** Load (or answer from the cache) one Hub model. Throws HubError with one clear line. */
export function loadHubModel(ref: HubRef, settings: HubSettings = hubSettings()): Promise<HubModel> {
  const key = [settings.endpoint, ref.repo.toLowerCase(), ref.revision ?? '', ref.file ?? '', ref.ggufQuant ?? ''].join('|');
  let p = inflight.get(key);
  if (!p) {
    p = load(ref, settings).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

function variantOf(ref: HubRef): string {
  return ref.file ? `gguf-file-${ref.file}` : ref.ggufQuant ? `gguf-${ref.ggufQuant}` : 'safetensors';
}

async function load(ref: HubRef, settings: HubSettings): Promise<HubModel> {
  const cache = new HubCache(settings.cacheDir, settings.cacheMaxBytes);
  const s = new HubSession(settings, ref.repo);
  const revision = ref.revision ?? 'main';
  const variant = variantOf(ref);
  try {
    let sha = SHA.test(revision) ? revision : undefined;
    let info: RepoInfo | undefined;
    if (!sha) {
      const known = await cache.getRef(ref.repo, revision);
      if (known && known.ageMs < REF_TTL_MS) sha = known.sha;
      else {
        try {
          info = await repoInfo(s, ref.repo, revision);
          sha = info.sha;
          await cache.putRef(ref.repo, revision, sha);
        } catch (e) {
          const he = asHubError(e, s);
          // A cached repo answers offline: an older revision -> sha mapping beats no answer.
          if (known && ['network', 'timeout', 'rate_limited', 'http'].includes(he.code)) sha = known.sha;
          else throw he;
        }
      }
    }
    const hit = await cache.getContent<HubModel>(ref.repo, sha, variant);
    if (hit && hit.sha === sha) return { ...hit, revision };
    info ??= await repoInfo(s, ref.repo, sha);
    const model = ref.file || ref.ggufQuant ? await readGguf(s, ref, info) : await readSafetensors(s, info);
    model.revision = revision;
    await cache.putContent(ref.repo, sha, variant, model);
    return model;
  } catch (e) {
    throw asHubError(e, s);
  } finally {
    s.close();
  }
}

interface RepoInfo {
  repo: string;
  sha: string;
  files: string[];
}

async function repoInfo(s: HubSession, repo: string, revision: string): Promise<RepoInfo> {
  const { modelInfo } = await hfHub();
  const m = await modelInfo({ name: repo, revision, hubUrl: s.settings.endpoint, fetch: s.fetch, additionalFields: ['sha', 'filePaths'] });
  if (typeof m.sha !== 'string' || !SHA.test(m.sha)) throw new HubError('http', `the Hub gave no commit sha for ${repo}@${revision}`);
  const files = Array.isArray(m.filePaths) ? m.filePaths : [];
  if (files.length > s.settings.maxFiles) throw new HubError('too_large', `${repo} lists ${files.length} files; Headroom reads repos of at most ${s.settings.maxFiles}`);
  return { repo: typeof m.name === 'string' && m.name ? m.name : repo, sha: m.sha, files };
}

async function readJson(s: HubSession, repo: string, sha: string, path: string, max = MAX_JSON_BYTES): Promise<Record<string, unknown>> {
  const { downloadFile } = await hfHub();
  const blob = await downloadFile({ repo, path, revision: sha, hubUrl: s.settings.endpoint, fetch: s.fetch });
  if (!blob) throw new HubError('file_not_found', `${repo} has no ${path}`);
  if (blob.size > max) throw new HubError('too_large', `${repo}'s ${path} is ${(blob.size / 2 ** 20).toFixed(1)} MiB; Headroom reads at most ${max / 2 ** 20} MiB`);
  const text = await blob.text();
  try {
    // Python's json.dump writes Infinity / NaN (some configs carry them): read those as null.
    const v = JSON.parse(text.replace(/([:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1null')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HubError('bad_header', `${repo}'s ${path} is not a JSON object`);
  }
}

/** `model.layers.3.mlp.experts.17.down_proj.weight` -> `model.layers.3.mlp.experts.*.down_proj.weight`. */
const expertKey = (name: string) => name.replace(/\.experts\.\d+\./, '.experts.*.');

function addTensor(rows: Map<string, RawTensor>, name: string, dtype: string, elements: number, bytes: number): void {
  const key = expertKey(name);
  const r = rows.get(key);
  if (r && r.dtype === dtype) {
    r.elements += elements;
    r.bytes += bytes;
    r.count = (r.count ?? 1) + 1;
  } else rows.set(r ? `${key}#${dtype}` : key, { name: key, dtype, elements, bytes });
}

async function readSafetensors(s: HubSession, info: RepoInfo): Promise<HubModel> {
  const [{ parseSafetensorsMetadata }, { parseGGUFQuantLabel }] = await Promise.all([hfHub(), hfGguf()]);
  const { repo, sha, files } = info;
  const has = (p: string) => files.includes(p);
  if (!has('config.json')) {
    const ggufs = files.filter((f) => /\.gguf$/i.test(f) && !/mmproj/i.test(f));
    if (ggufs.length) {
      const tags = [...new Set(ggufs.map((f) => parseGGUFQuantLabel(f.split('/').pop()!)).filter((x): x is string => Boolean(x)))];
      throw new HubError('no_gguf', `${repo} holds GGUF files, not a config.json: name the quant (${repo}:${tags[0] ?? 'Q4_K_M'}) or a file (${repo}/${ggufs[0]})`, tags.slice(0, 5).map((t) => `${repo}:${t}`));
    }
    throw new HubError('no_config', `${repo} has no config.json, so its architecture is unknown; attach the model's config.json with config:`);
  }
  const remarks: string[] = [];
  const config = await readJson(s, repo, sha, 'config.json');
  let filesRead = 1;
  let hfQuant: Record<string, unknown> | undefined;
  if (has('hf_quant_config.json')) {
    hfQuant = await readJson(s, repo, sha, 'hf_quant_config.json');
    filesRead++;
  }
  if (config.auto_map || (config.text_config as Record<string, unknown> | undefined)?.auto_map) remarks.push('the repo ships custom modelling code (trust_remote_code); Headroom read its config only and ran nothing');
  const quant = quantFromConfigs(config, hfQuant);
  if (quant) remarks.push(`quantization: ${quant.detail}`);

  const rows = new Map<string, RawTensor>();
  const addHeader = (h: SafetensorsFileHeader) => {
    for (const [name, t] of Object.entries(h)) {
      if (name === '__metadata__') continue;
      const ti = t as { dtype: string; shape: number[]; data_offsets: [number, number] };
      addTensor(rows, name, ti.dtype, ti.shape.reduce((a, b) => a * b, 1), ti.data_offsets[1] - ti.data_offsets[0]);
      if (rows.size > s.settings.maxTensors) throw new HubError('too_large', `${repo} has more than ${s.settings.maxTensors} tensors`);
    }
  };
  let container: HubModel['container'] = 'safetensors';
  const opts = { repo, revision: sha, hubUrl: s.settings.endpoint, fetch: s.fetch };
  if (has('model.safetensors.index.json')) {
    const index = await readJson(s, repo, sha, 'model.safetensors.index.json', MAX_INDEX_BYTES);
    filesRead++;
    const map = index.weight_map as Record<string, string> | undefined;
    const shards = [...new Set(Object.values(map ?? {}).map(String))];
    if (!shards.length) throw new HubError('bad_header', `${repo}'s model.safetensors.index.json has no weight_map`);
    if (shards.length > s.settings.maxShards) throw new HubError('too_large', `${repo} has ${shards.length} safetensors shards; Headroom reads at most ${s.settings.maxShards}`);
    const headers = await inPool(shards, PARALLEL, async (shard) => {
      const r = await parseSafetensorsMetadata({ ...opts, path: shard });
      if (r.sharded) throw new HubError('bad_header', `${repo}'s shard ${shard} is itself an index`);
      return r.header;
    });
    for (const h of headers) addHeader(h);
    filesRead += shards.length;
  } else if (has('model.safetensors')) {
    const r = await parseSafetensorsMetadata({ ...opts, path: 'model.safetensors' });
    if (r.sharded) throw new HubError('bad_header', `${repo}'s model.safetensors is not a safetensors file`);
    addHeader(r.header);
    filesRead++;
  } else {
    container = 'none';
    remarks.push('no safetensors weights in the repo: weights follow the architecture formula');
  }
  return { repo, revision: sha, sha, container, config, quant, tensors: [...rows.values()], filesRead, remarks };
}

async function readGguf(s: HubSession, ref: HubRef, info: RepoInfo): Promise<HubModel> {
  const [{ listFiles }, { gguf, GGMLFileQuantizationType, GGMLQuantizationType, parseGGUFQuantLabel, parseGgufShardFilename }] = await Promise.all([hfHub(), hfGguf()]);
  const { repo, sha } = info;
  const paths: string[] = [];
  for await (const f of listFiles({ repo, revision: sha, recursive: true, hubUrl: s.settings.endpoint, fetch: s.fetch })) {
    if (f.type === 'file') paths.push(f.path);
    if (paths.length > s.settings.maxFiles) throw new HubError('too_large', `${repo} lists more than ${s.settings.maxFiles} files`);
  }
  const ggufs = paths.filter((p) => /\.gguf$/i.test(p) && !/(^|\/)mmproj/i.test(p));
  const tagOf = (p: string) => parseGGUFQuantLabel(p.split('/').pop()!);
  const tags = [...new Set(ggufs.map(tagOf).filter((x): x is string => Boolean(x)))];
  if (!ggufs.length) throw new HubError('no_gguf', `${repo} has no .gguf files${paths.includes('config.json') ? `; ask for ${repo} without a quant tag` : ''}`, paths.includes('config.json') ? [repo] : []);
  let chosen: string;
  if (ref.file) {
    if (!ggufs.includes(ref.file)) throw new HubError('file_not_found', `${repo} has no file ${ref.file}`, ggufs.slice(0, 3).map((g) => `${repo}/${g}`));
    chosen = ref.file;
  } else {
    const q = ref.ggufQuant!;
    const exact = ggufs.filter((p) => tagOf(p)?.toUpperCase() === q);
    const loose = ggufs.filter((p) => fileHasQuant(p, q));
    const pick = (exact.length ? exact : loose).sort((a, b) => a.length - b.length || a.localeCompare(b));
    if (!pick.length) throw new HubError('no_gguf', `${repo} has no GGUF file for ${q}`, tags.slice(0, 5).map((t) => `${repo}:${t}`));
    chosen = pick[0];
  }
  // A split GGUF (name-00001-of-00003.gguf): read every shard's header.
  const shard = parseGgufShardFilename(chosen);
  const shardPaths = shard
    ? Array.from({ length: Number(shard.total) }, (_, i) => `${shard.prefix}-${String(i + 1).padStart(5, '0')}-of-${shard.total}.gguf`)
    : [chosen];
  if (shardPaths.length > s.settings.maxShards) throw new HubError('too_large', `${chosen} is split into ${shardPaths.length} files; Headroom reads at most ${s.settings.maxShards}`);
  for (const p of shardPaths) if (!ggufs.includes(p)) throw new HubError('file_not_found', `${repo} is missing ${p} of the split GGUF`);
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const parsed = await inPool(shardPaths, PARALLEL, async (p) => {
    const url = `${s.settings.endpoint}/${repo}/resolve/${sha}/${enc(p)}`;
    return gguf(url, { fetch: s.fetch });
  });
  const meta = parsed[0].metadata as unknown as Record<string, unknown>;
  const rows = new Map<string, RawTensor>();
  const names: string[] = [];
  for (const g of parsed) {
    for (const t of g.tensorInfos) {
      const type = GGMLQuantizationType[t.dtype] ?? String(t.dtype);
      const bits = GGML_BITS[type];
      if (bits === undefined) throw new HubError('unsupported', `${chosen}: tensor ${t.name} has ggml type ${type}, which Headroom cannot size yet`);
      const elements = t.shape.reduce((a, b) => a * Number(b), 1);
      names.push(t.name);
      addTensor(rows, t.name, type, elements, (elements * bits) / 8);
    }
  }
  let config: Record<string, unknown>;
  try {
    config = configFromGguf(meta, names);
  } catch (e) {
    throw new HubError('unsupported', `${repo}/${chosen}: ${(e as Error).message}`);
  }
  const ftNum = meta['general.file_type'];
  const ftName = typeof ftNum === 'number' || typeof ftNum === 'bigint' ? GGMLFileQuantizationType[Number(ftNum)] : undefined;
  const label = ftName ?? tagOf(chosen) ?? 'Q4_K_M';
  const quant = quantFromGgufFileType(label);
  const remarks = [`GGUF ${label}${shardPaths.length > 1 ? ` in ${shardPaths.length} files` : ''}; architecture from its ${String(meta['general.architecture'])}.* keys`];
  return { repo, revision: sha, sha, file: chosen, container: 'gguf', config, quant, tensors: [...rows.values()], filesRead: shardPaths.length, remarks };
}

async function inPool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
