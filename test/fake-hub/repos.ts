// The repos the Hub stand-in serves: real config.json files (test/fake-hub/configs, copied verbatim from the
// reference set, see README there) under names no catalog has, with checkpoint headers built from them, plus
// repos that fail the ways the real Hub fails.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hfTensors, llamaGguf, safetensorsFile, splitGguf, shardedSafetensors, tensorBytes, type TensorSpec } from './fixtures.ts';
import { blobFile, jsonFile, textFile, type FakeFile, type FakeHub } from './server.ts';

export const CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), 'configs');

type Cfg = Record<string, unknown>;

/** Python's json writes Infinity / NaN; read them as null (the file is still served verbatim). */
export const lenientJson = (text: string): Cfg => JSON.parse(text.replace(/([:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1null')) as Cfg;

export function configText(stem: string): string {
  return readFileSync(join(CONFIG_DIR, `${stem}_config.json`), 'utf8');
}

export function readConfig(stem: string): Cfg {
  return lenientJson(configText(stem));
}

export function readHfQuant(stem: string): Cfg | undefined {
  try {
    return lenientJson(readFileSync(join(CONFIG_DIR, `${stem}_hf_quant_config.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Stems of every config.json fixture (`Qwen--Qwen3-8B`). */
export function configStems(): string[] {
  return readdirSync(CONFIG_DIR)
    .filter((f) => f.endsWith('_config.json') && !f.endsWith('_hf_quant_config.json'))
    .map((f) => f.replace(/_config\.json$/, ''))
    .sort();
}

export interface CheckpointRepo {
  id: string;
  tensors: TensorSpec[];
  /** Sum of every tensor's bytes in the headers (what the checkpoint stores). */
  storedBytes: number;
}

/** A safetensors repo: config.json (+ hf_quant_config.json), headers in `shards` files (an index when > 1). */
export function addCheckpoint(hub: FakeHub, id: string, config: Cfg, opts: Parameters<typeof hfTensors>[1] & { shards?: number; hfQuant?: Cfg; downloads?: number; configText?: string } = {}): CheckpointRepo {
  // A config that declares block FP8 (DeepSeek-V3, GLM-5-FP8 …) gets FP8 tensors with their block scales.
  const q = (config.quantization_config ?? (config.text_config as Cfg | undefined)?.quantization_config) as Cfg | undefined;
  const quant = opts.quant ?? (q?.quant_method === 'fp8' ? 'fp8-block' : undefined);
  const tensors = hfTensors(config, { ...opts, quant });
  const files: Record<string, FakeFile> = { 'config.json': opts.configText ? textFile(opts.configText) : jsonFile(config), 'README.md': jsonFile('fixture') };
  if (opts.hfQuant) files['hf_quant_config.json'] = jsonFile(opts.hfQuant);
  const n = opts.shards ?? 1;
  if (n === 1) files['model.safetensors'] = blobFile(safetensorsFile(tensors));
  else {
    const sh = shardedSafetensors(tensors, n);
    files['model.safetensors.index.json'] = jsonFile(sh.index);
    for (const [name, f] of Object.entries(sh.files)) files[name] = blobFile(f);
  }
  hub.addRepo({ id, files, downloads: opts.downloads });
  return { id, tensors, storedBytes: tensors.reduce((a, t) => a + tensorBytes(t), 0) };
}

export const REPOS = {
  llama: 'acme-labs/Llama-3.1-8B-Hub-Test',
  awq: 'acme-labs/Qwen3-8B-Hub-Test-AWQ',
  vl: 'acme-labs/Qwen3-VL-8B-Hub-Test',
  mtp: 'acme-labs/DeepSeek-V3-Hub-Test',
  gguf: 'acme-labs/Llama-3.1-8B-Hub-Test-GGUF',
  gated: 'acme-labs/Gated-Model',
  limited: 'acme-labs/Rate-Limited',
  slow: 'acme-labs/Slow-Model',
  noConfig: 'acme-labs/No-Config',
  broken: 'acme-labs/Broken-Config',
  binOnly: 'acme-labs/Bin-Only',
} as const;

/** The standard set used by the tests and by serve.ts. */
export function seedRepos(hub: FakeHub): Record<string, CheckpointRepo> {
  const llamaCfg = readConfig('meta-llama--Meta-Llama-3.1-8B');
  const qwenCfg = readConfig('Qwen--Qwen3-8B');
  const out: Record<string, CheckpointRepo> = {};
  out.llama = addCheckpoint(hub, REPOS.llama, llamaCfg, { shards: 4, downloads: 900 });
  out.awq = addCheckpoint(hub, REPOS.awq, { ...qwenCfg, quantization_config: { quant_method: 'awq', bits: 4, group_size: 128, version: 'gemm', zero_point: true, modules_to_not_convert: null } }, { quant: 'awq', dtype: 'F16' });
  out.vl = addCheckpoint(hub, REPOS.vl, readConfig('Qwen--Qwen3-VL-8B-Instruct'), { shards: 2, vision: 24 });
  out.mtp = addCheckpoint(hub, REPOS.mtp, readConfig('deepseek-ai--DeepSeek-V3'), { shards: 8, mtpLayers: 1 });
  const g = llamaGguf(llamaCfg);
  const q6 = llamaGguf(llamaCfg, 18 /* MOSTLY_Q6_K */);
  const [s1, s2] = splitGguf(q6.kv, q6.tensors, 2);
  hub.addRepo({
    id: REPOS.gguf,
    files: {
      'README.md': jsonFile('gguf'),
      'Llama-3.1-8B-Hub-Test-Q4_K_M.gguf': blobFile(g),
      'Llama-3.1-8B-Hub-Test-Q8_0.gguf': blobFile(llamaGguf(llamaCfg, 7)),
      'Q6_K/Llama-3.1-8B-Hub-Test-Q6_K-00001-of-00002.gguf': blobFile(s1),
      'Q6_K/Llama-3.1-8B-Hub-Test-Q6_K-00002-of-00002.gguf': blobFile(s2),
      'mmproj-Llama-3.1-8B-Hub-Test-F16.gguf': { head: Buffer.alloc(0), size: 6e8, lfs: true },
    },
    downloads: 500,
  });
  out.gguf = { id: REPOS.gguf, tensors: [], storedBytes: 0 };
  hub.addRepo({ id: REPOS.gated, gated: true, files: { 'config.json': jsonFile(llamaCfg), 'model.safetensors': blobFile(safetensorsFile(hfTensors(llamaCfg))) } });
  hub.addRepo({ id: REPOS.limited, rateLimited: true, files: { 'config.json': jsonFile(llamaCfg) } });
  hub.addRepo({ id: REPOS.slow, slowMs: 3000, files: { 'config.json': jsonFile(llamaCfg) } });
  hub.addRepo({ id: REPOS.noConfig, files: { 'README.md': jsonFile('nothing here') } });
  hub.addRepo({ id: REPOS.broken, files: { 'config.json': jsonFile({ model_type: 'mystery', num_hidden_layers: 4 }) } });
  hub.addRepo({ id: REPOS.binOnly, files: { 'config.json': jsonFile(qwenCfg), 'pytorch_model.bin': { head: Buffer.alloc(0), size: 16e9, lfs: true } } });
  return out;
}

/** Hub repo names cannot contain "--": `Qwen--Qwen3-8B` is served as `fixtures/Qwen__Qwen3-8B`. */
export const fixtureRepo = (stem: string) => `fixtures/${stem.replace('--', '__')}`;

/** Every config fixture as `fixtures/<org>__<name>` (with its hf_quant_config.json when there is one). */
export function seedFixtureRepos(hub: FakeHub): Array<{ id: string; stem: string; storedBytes: number }> {
  const out: Array<{ id: string; stem: string; storedBytes: number }> = [];
  for (const stem of configStems()) {
    const cfg = readConfig(stem);
    let r: CheckpointRepo;
    try {
      r = addCheckpoint(hub, fixtureRepo(stem), cfg, { hfQuant: readHfQuant(stem), configText: configText(stem) });
    } catch {
      // A config the header builder cannot lay out: serve the config alone (Headroom must still answer or explain).
      hub.addRepo({ id: fixtureRepo(stem), files: { 'config.json': textFile(configText(stem)) } });
      r = { id: fixtureRepo(stem), tensors: [], storedBytes: 0 };
    }
    out.push({ id: r.id, stem, storedBytes: r.storedBytes });
  }
  return out;
}
