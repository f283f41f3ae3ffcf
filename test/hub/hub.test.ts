// Models straight from the Hub, against the loopback Hub stand-in (test/fake-hub): weights equal the bytes the
// checkpoint stores, KV follows its config, every failure is one line, the cache answers offline.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runLine } from '../../src/cli/run.ts';
import { SizingReportSchema, type SizingReport } from '../../src/engine/report.ts';
import { HubSession, hubSettings } from '../../src/hub/client.ts';
import { loadHubModel } from '../../src/hub/load.ts';
import { parseHubRef } from '../../src/hub/ref.ts';
import { clearSearchCache } from '../../src/hub/search.ts';
import { autocompleteModelWithHub } from '../../commands/shared.ts';
import { ggufTensorBytes, hfTensors, llamaGguf, tensorBytes } from '../fake-hub/fixtures.ts';
import { readConfig, REPOS, seedRepos, type CheckpointRepo } from '../fake-hub/repos.ts';
import { FakeHub } from '../fake-hub/server.ts';

let hub: FakeHub;
let repos: Record<string, CheckpointRepo>;
const saved = { ...process.env };

function freshCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-hub-'));
  process.env.XDG_CACHE_HOME = dir;
  return dir;
}

beforeAll(async () => {
  hub = await FakeHub.start();
  repos = seedRepos(hub);
  process.env.HF_ENDPOINT = hub.endpoint;
  delete process.env.HF_TOKEN;
  delete process.env.HUGGING_FACE_HUB_TOKEN;
});

afterAll(async () => {
  process.env = saved;
  await hub.close();
});

beforeEach(() => {
  freshCache();
  delete process.env.HF_TOKEN;
  delete process.env.HEADROOM_HUB_TIMEOUT_MS;
  hub.clearLog();
});

async function report(line: string): Promise<SizingReport> {
  const r = await runLine(line, { json: true });
  if (!r.ok) throw new Error(r.output);
  return SizingReportSchema.parse(JSON.parse(r.output));
}

async function error(line: string): Promise<string> {
  const r = await runLine(line);
  expect(r.ok).toBe(false);
  expect(r.output.split('\n')).toHaveLength(1);
  expect(r.output).toMatch(/^Error: /);
  expect(r.output).not.toMatch(/ at .*\.ts:\d+|undefined|NaN|Infinity|\[object/);
  return r.output;
}

describe('a safetensors repo no catalog has', () => {
  it('answers with weights equal to the stored bytes and KV from its config', async () => {
    const r = await report(`/size model:${REPOS.llama} gpu:h100`);
    const cfg = readConfig('meta-llama--Meta-Llama-3.1-8B');
    // Every tensor of the four shards' headers, summed by the fixture builder: 16,060,522,496 B, the size of the
    // real Llama-3.1-8B bf16 checkpoint.
    expect(repos.llama.storedBytes).toBe(16_060_522_496);
    expect(r.weights.totalBytes).toBe(repos.llama.storedBytes);
    // KV per token from config.json: 2 (K and V) × 32 layers × 8 KV heads × head_dim 128 × 2 bytes (bf16).
    expect(cfg.num_hidden_layers).toBe(32);
    expect(r.kv.bytesPerToken).toBe(2 * 32 * 8 * 128 * 2);
    expect(r.source).toEqual({ kind: 'hub', repo: REPOS.llama, revision: hub.repo(REPOS.llama)!.sha });
    expect(r.request.quant).toBe('bf16');
    expect(r.notes.some((n) => n.code === 'source.stored')).toBe(true);
    // vLLM serves the same commit.
    expect(r.launch.command).toContain(`vllm serve ${REPOS.llama} \\\n  --revision ${hub.repo(REPOS.llama)!.sha}`);
  });

  it('reads headers only: a few kilobytes per shard over ranged requests, never the weights', async () => {
    await report(`/size model:${REPOS.llama} gpu:h100`);
    expect(hub.bytesServed()).toBeLessThan(1_000_000);
    const cdn = hub.log.filter((l) => l.url.startsWith('/cdn/') && l.method === 'GET');
    expect(cdn.length).toBeGreaterThan(0);
    for (const l of cdn) expect(l.range).toMatch(/^bytes=\d+-\d+$/);
    // Every Hub request went to the stand-in's endpoint (resolve redirected to its CDN), using the public routes.
    for (const l of hub.log.filter((x) => !x.url.startsWith('/cdn/'))) expect(l.url).toMatch(/^\/(api\/models\/[^/]+\/[^/]+\/(revision|tree|paths-info)\/|api\/models\?|[^/]+\/[^/]+\/(resolve|raw)\/)/);
  });

  it('shows where the architecture came from in the text', async () => {
    const r = await runLine(`/size model:${REPOS.llama} gpu:h100`);
    expect(r.output.split('\n')[1]).toBe(`Architecture: Hugging Face Hub ${REPOS.llama} @ ${hub.repo(REPOS.llama)!.sha.slice(0, 10)}`);
  });

  it('keeps TP sharding per tensor kind: 8 GPUs hold an eighth of the layers plus their vocab shards', async () => {
    const one = await report(`/size model:${REPOS.llama} gpu:h100 tp:1`);
    const eight = await report(`/size model:${REPOS.llama} gpu:h100x8 tp:8`);
    expect(eight.weights.totalBytes).toBe(one.weights.totalBytes);
    // K and V (8 KV heads) split 8 ways like the rest: per-GPU weights are one eighth, give or take the replicated norms.
    expect(eight.perGpu.weightsBytes).toBeGreaterThan(one.perGpu.weightsBytes / 8);
    expect(eight.perGpu.weightsBytes).toBeLessThan(one.perGpu.weightsBytes / 8 + 2 ** 20 * 40);
  });

  it('an AWQ checkpoint: the packed qweight, qzeros and scales as stored', async () => {
    const r = await report(`/size model:${REPOS.awq} gpu:a10`);
    expect(r.request.quant).toBe('awq');
    expect(r.weights.totalBytes).toBe(repos.awq.storedBytes);
    expect(r.notes.some((n) => /AWQ 4-bit, group 128/.test(n.message))).toBe(true);
  });

  it('a multimodal repo: the language model from text_config, the vision tower counted as stored', async () => {
    const r = await report(`/size model:${REPOS.vl} gpu:h100`);
    const vision = repos.vl.tensors.filter((t) => t.name.startsWith('model.visual.')).reduce((a, t) => a + tensorBytes(t), 0);
    expect(r.weights.byKind.vision).toBe(vision);
    expect(r.weights.totalBytes).toBe(repos.vl.storedBytes);
    const text = (readConfig('Qwen--Qwen3-VL-8B-Instruct').text_config ?? {}) as Record<string, number>;
    expect(r.kv.bytesPerToken).toBe(2 * text.num_hidden_layers * text.num_key_value_heads * text.head_dim * 2);
  });

  it('MTP layers stored past the decoder are not loaded (engines load them only for speculative decoding)', async () => {
    const r = await report(`/size model:${REPOS.mtp} gpu:h100x16`);
    const mtp = repos.mtp.tensors.filter((t) => t.name.startsWith('model.layers.61.')).reduce((a, t) => a + tensorBytes(t), 0);
    expect(mtp).toBeGreaterThan(0);
    expect(r.weights.totalBytes).toBe(repos.mtp.storedBytes - mtp);
    expect(r.request.quant).toBe('fp8');
    expect(r.notes.find((n) => n.code === 'source.stored')!.message).toMatch(/MTP .* not counted/);
    // MLA: (kv_lora_rank 512 + qk_rope_head_dim 64) × 2 bytes × 61 layers.
    expect(r.kv.bytesPerToken).toBe((512 + 64) * 2 * 61);
  });

  it('a different quant than the checkpoint stores is estimated from the architecture, and says so', async () => {
    const r = await report(`/size model:${REPOS.llama} gpu:h100 quant:int4`);
    expect(r.weights.totalBytes).not.toBe(repos.llama.storedBytes);
    expect(r.notes.find((n) => n.code === 'source.storedOther')!.message).toMatch(/stores bf16 weights; quant:int4 is estimated/);
  });

  it('accepts the URL and hf.co forms and a revision', async () => {
    const sha = hub.repo(REPOS.llama)!.sha;
    for (const form of [`https://huggingface.co/${REPOS.llama}`, `hf.co/${REPOS.llama}`, `${REPOS.llama}@main`, `${REPOS.llama}@${sha}`, `https://huggingface.co/${REPOS.llama}/tree/main`]) {
      const r = await report(`/size model:${form} gpu:h100`);
      expect(r.weights.totalBytes, form).toBe(repos.llama.storedBytes);
      expect(r.source.revision).toBe(sha);
    }
  });
});

describe('a GGUF file named the llama.cpp -hf way', () => {
  const expected = () => {
    const g = llamaGguf(readConfig('meta-llama--Meta-Llama-3.1-8B'));
    return g.tensors.reduce((a, t) => a + ggufTensorBytes(t), 0);
  };

  it('org/name-GGUF:Q4_K_M reads the file carrying that quant: weights from its header, KV from its llama.* keys', async () => {
    const r = await report(`/size model:${REPOS.gguf}:Q4_K_M gpu:rtx4090`);
    expect(r.request.engine).toBe('llamacpp');
    expect(r.request.quant).toBe('q4_k_m');
    expect(r.weights.totalBytes).toBe(expected());
    // llama.block_count 32 × head_count_kv 8 × key_length (rope dims) 128 × 2 (K, V) × 2 bytes (f16 cache).
    expect(r.kv.bytesPerToken).toBe(2 * 32 * 8 * 128 * 2);
    expect(r.source.file).toBe('Llama-3.1-8B-Hub-Test-Q4_K_M.gguf');
    // The launch downloads the very file that was read.
    expect(r.launch.command).toMatch(/^llama-server --hf-repo acme-labs\/Llama-3.1-8B-Hub-Test-GGUF --hf-file Llama-3.1-8B-Hub-Test-Q4_K_M.gguf/);
    // Only the header's first 2 MB chunk was read, not the 4.9 GB file.
    expect(hub.bytesServed()).toBeLessThan(5_000_000);
  });

  it('org/name-GGUF/file.gguf names the file directly', async () => {
    const r = await report(`/size model:${REPOS.gguf}/Llama-3.1-8B-Hub-Test-Q4_K_M.gguf gpu:rtx4090`);
    expect(r.weights.totalBytes).toBe(expected());
  });

  it('a split GGUF in a subfolder: every shard header is read', async () => {
    const r = await report(`/size model:${REPOS.gguf}:Q6_K gpu:rtx4090`);
    expect(r.request.quant).toBe('q6_k');
    expect(r.weights.totalBytes).toBe(expected());
    expect(r.source.file).toBe('Q6_K/Llama-3.1-8B-Hub-Test-Q6_K-00001-of-00002.gguf');
  });

  it('a quant the repo lacks lists the ones it has', async () => {
    const e = await error(`/size model:${REPOS.gguf}:Q2_K gpu:rtx4090`);
    expect(e).toMatch(/has no GGUF file for Q2_K — did you mean .*:Q4_K_M, .*:Q8_0, .*:Q6_K\?/);
  });
});

describe('each failure is one clear line', () => {
  it('401 on a gated repo without a token: set HF_TOKEN', async () => {
    expect(await error(`/size model:${REPOS.gated} gpu:h100`)).toBe(`Error: ${REPOS.gated} is gated or private (HTTP 401); set HF_TOKEN to a token with access to it`);
  });

  it('403 with a token that has no access; the right token works', async () => {
    process.env.HF_TOKEN = 'hf_someone_else';
    expect(await error(`/size model:${REPOS.gated} gpu:h100`)).toMatch(/HF_TOKEN has no access to it \(HTTP 403\)/);
    process.env.HF_TOKEN = hub.token;
    const r = await report(`/size model:${REPOS.gated} gpu:h100`);
    expect(r.source.kind).toBe('hub');
  });

  it('404: no such repo, with did-you-mean from the Hub search', async () => {
    const e = await error('/size model:acme-labs/Llama-3.1-8B-Hub-Tset gpu:h100');
    expect(e).toMatch(/^Error: no model repo acme-labs\/Llama-3.1-8B-Hub-Tset on http:\/\/127\.0\.0\.1:\d+ — did you mean .*acme-labs\/Llama-3.1-8B-Hub-Test/);
  });

  it('429: wait and say so', async () => {
    expect(await error(`/size model:${REPOS.limited} gpu:h100`)).toMatch(/rate-limiting requests \(HTTP 429\); wait 7 s and ask again/);
  });

  it('a slow Hub: the whole lookup is bounded', async () => {
    process.env.HEADROOM_HUB_TIMEOUT_MS = '400';
    const t0 = Date.now();
    expect(await error(`/size model:${REPOS.slow} gpu:h100`)).toMatch(/did not answer for acme-labs\/Slow-Model within 0.4 s; try again/);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('no config.json, an architecture the engine cannot express, a missing revision', async () => {
    expect(await error(`/size model:${REPOS.noConfig} gpu:h100`)).toMatch(/has no config\.json, so its architecture is unknown/);
    expect(await error(`/size model:${REPOS.broken} gpu:h100`)).toMatch(/Broken-Config: config\.json has no usable hidden size/);
    expect(await error(`/size model:${REPOS.llama}@v9 gpu:h100`)).toMatch(/has no revision v9 — did you mean main\?/);
  });

  it('an unreachable Hub', async () => {
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9';
    try {
      expect(await error('/size model:acme-labs/Anything gpu:h100')).toMatch(/cannot reach the Hub at http:\/\/127\.0\.0\.1:9/);
    } finally {
      process.env.HF_ENDPOINT = hub.endpoint;
    }
  });

  it('the guarded fetch refuses any origin but HF_ENDPOINT (nothing falls back to huggingface.co)', async () => {
    const s = new HubSession(hubSettings(), 'x/y');
    await expect(s.fetch('https://huggingface.co/api/models/x/y/revision/main')).rejects.toThrow(/outside HF_ENDPOINT/);
    s.close();
  });
});

describe('cache', () => {
  it('a second lookup is answered from disk, with no request at all; concurrent lookups share one fetch', async () => {
    const dir = freshCache();
    const ref = parseHubRef(REPOS.llama)!;
    const [a, b] = await Promise.all([loadHubModel(ref), loadHubModel(ref)]);
    expect(a).toBe(b);
    expect(hub.log.filter((l) => l.url.includes('/revision/')).length).toBe(1);
    hub.clearLog();
    const again = await loadHubModel(ref);
    expect(hub.log).toEqual([]);
    expect(again.tensors.reduce((x, t) => x + t.bytes, 0)).toBe(repos.llama.storedBytes);
    expect(readdirSync(join(dir, 'headroom', 'hub'))).toEqual(expect.arrayContaining(['refs', 'sha']));
  });

  it('a cached repo answers offline, even after its revision -> sha entry expired', async () => {
    const dir = freshCache();
    await report(`/size model:${REPOS.llama} gpu:h100`);
    // Age the revision -> sha entry past its day.
    const refsDir = join(dir, 'headroom', 'hub', 'refs');
    for (const d of readdirSync(refsDir)) {
      for (const f of readdirSync(join(refsDir, d))) {
        const p = join(refsDir, d, f);
        const v = JSON.parse(readFileSync(p, 'utf8'));
        writeFileSync(p, JSON.stringify({ ...v, at: Date.now() - 3 * 24 * 3600 * 1000 }));
      }
    }
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9';
    try {
      const r = await report(`/size model:${REPOS.llama} gpu:h100`);
      expect(r.weights.totalBytes).toBe(repos.llama.storedBytes);
    } finally {
      process.env.HF_ENDPOINT = hub.endpoint;
    }
  });

  it('stays within its size bound', async () => {
    freshCache();
    process.env.HEADROOM_CACHE_MAX_MB = '0.01';
    try {
      await loadHubModel(parseHubRef(REPOS.awq)!);
      const dir = join(process.env.XDG_CACHE_HOME!, 'headroom', 'hub', 'sha');
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(join(d, e.name)) : files.push(e.name));
      };
      walk(dir);
      expect(files).toEqual([]);
    } finally {
      delete process.env.HEADROOM_CACHE_MAX_MB;
    }
  });
});

describe('autocomplete', () => {
  it('offers Hub repos for what the catalog does not match, the typed reference first', async () => {
    clearSearchCache();
    const c = await autocompleteModelWithHub('acme-labs/Llama');
    expect(c[0]).toEqual({ name: 'acme-labs/Llama (Hugging Face)', value: 'acme-labs/Llama' });
    expect(c.map((x) => x.value)).toEqual(expect.arrayContaining([REPOS.llama, REPOS.gguf]));
    expect(c.length).toBeLessThanOrEqual(25);
    // Free text: the catalog leads, the Hub fills in.
    const q = await autocompleteModelWithHub('Hub-Test');
    expect(q.map((x) => x.value)).toContain(REPOS.llama);
  });

  it('a catalog name asks nothing of the Hub; repeated queries come from the cache', async () => {
    clearSearchCache();
    hub.clearLog();
    await autocompleteModelWithHub('qwen3-32b');
    expect(hub.log).toEqual([]);
    await autocompleteModelWithHub('acme-labs/Qwen');
    const n = hub.log.length;
    await autocompleteModelWithHub('acme-labs/Qwen');
    expect(hub.log.length).toBe(n);
  });

  it('a slow Hub search does not hold the answer past its budget', async () => {
    clearSearchCache();
    hub.searchDelayMs = 3000;
    try {
      const t0 = Date.now();
      const c = await autocompleteModelWithHub('acme-labs/Slow', 300);
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(c[0]?.value).toBe('acme-labs/Slow');
    } finally {
      hub.searchDelayMs = 0;
    }
  });
});

describe('fixtures', () => {
  it('the header builder matches the published Llama-3.1-8B parameter count (8.03B)', () => {
    const t = hfTensors(readConfig('meta-llama--Meta-Llama-3.1-8B'));
    const params = t.reduce((a, x) => a + x.shape.reduce((p, d) => p * d, 1), 0);
    expect(params).toBe(8_030_261_248);
  });
});
