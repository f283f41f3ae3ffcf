// Cheap fixes an engineer tries before buying hardware, in order: fp8 KV, a smaller max_num_seqs, utilization 0.95,
// FP8 or int4 weights, a context cap, DP attention. Each is the same estimate with one setting changed; the ones that
// help are reported with their effect. Pure: the formats to try come in as data.
import { engineProfile } from './engines/index.ts';
import type { SizingReport } from './report.ts';
import type { KvDtype, QuantFormat, SizingRequest } from './types.ts';

export interface FixCatalog {
  quants: Map<string, QuantFormat>;
  kvDtypes: Map<string, KvDtype>;
}

export interface Fix {
  code: string;
  /** The option that applies it ("kv:fp8"). */
  change: string;
  effect: string;
  fits: boolean;
  maxUsers: number;
  /** The values behind `effect`, so renderers can phrase it in another language (like notes). */
  params: Record<string, string | number>;
}

interface Attempt {
  code: string;
  change: string;
  req: SizingRequest;
  maxNumSeqs?: number;
  what: string;
  /** The values `what` is made of. */
  params?: Record<string, string | number>;
}

type Run = (req: SizingRequest, maxNumSeqs?: number) => SizingReport | undefined;

export function cheapFixes(req: SizingRequest, report: SizingReport, cat: FixCatalog, run: Run): Fix[] {
  const profile = engineProfile(req.engine.id);
  const attempts: Attempt[] = [];
  const kvs = profile.kvCache.dtypes;
  const kvTo = kvs.includes('fp8') ? 'fp8' : kvs.includes('q8_0') ? 'q8_0' : undefined;
  const kvTarget = kvTo ? cat.kvDtypes.get(kvTo) : undefined;
  if (kvTarget && kvTarget.bytes < req.kvDtype.bytes)
    attempts.push({ code: 'fix.kv', change: `kv:${kvTo}`, req: { ...req, kvDtype: kvTarget }, what: `KV cache in ${kvTo} (${req.kvDtype.bytes} → ${kvTarget.bytes} B per value)`, params: { to: kvTarget.id, fromBytes: req.kvDtype.bytes, toBytes: kvTarget.bytes } });
  const seqs = Number(report.launch.command.match(/--max-num-seqs (\d+)/)?.[1] ?? 0);
  const perReplica = Math.ceil(req.users / Math.max(1, report.layout.replicas * report.layout.dp));
  const smaller = Math.max(8, Math.ceil(perReplica / 8) * 8);
  if (seqs && smaller < seqs) attempts.push({ code: 'fix.seqs', change: `--max-num-seqs ${smaller}`, req, maxNumSeqs: smaller, what: `max_num_seqs ${seqs} → ${smaller}: a smaller sampler peak and fewer CUDA graphs`, params: { from: seqs, to: smaller } });
  if (['vllm', 'sglang', 'mindie', 'trtllm'].includes(req.engine.id) && report.request.util < 0.95 && !(req.engine.id === 'trtllm' && (req.util ?? 0.9) >= 0.95))
  {
    const from = req.engine.id === 'trtllm' ? req.util ?? 0.9 : report.request.util;
    attempts.push({ code: 'fix.util', change: 'util:0.95', req: { ...req, util: 0.95 }, what: `memory fraction ${from} → 0.95 (less headroom for spikes)`, params: { from, to: 0.95 } });
  }
  const bits = req.quant.bitsPerWeight;
  const llama = req.engine.id === 'llamacpp' || req.engine.id === 'ollama';
  const formats = llama ? (bits > 5 ? ['q4_k_m'] : []) : bits >= 16 ? ['fp8', 'int8', 'int4'] : bits >= 8 ? ['int4'] : [];
  let weightFixes = 0;
  for (const id of formats) {
    const q = cat.quants.get(id);
    if (!q || weightFixes >= (bits >= 16 ? 2 : 1)) continue;
    if (id === 'int8' && weightFixes > 0) continue; // int8 only where FP8 does not run (Ascend, pre-Ada without Marlin)
    if (!profile.supports(q, req.gpu).ok) continue;
    weightFixes++;
    attempts.push({ code: `fix.weights.${id}`, change: `quant:${id}`, req: { ...req, quant: q }, what: `weights in ${id.toUpperCase()}`, params: { quant: id.toUpperCase() } });
  }
  const cap = report.capacity.maxContextTokens;
  if (cap >= 1024 && cap < req.contextTokens) {
    const k = Math.floor(cap / 1024) * 1024;
    attempts.push({ code: 'fix.context', change: `context:${k / 1024}k`, req: { ...req, contextTokens: k }, what: `context capped at ${k} tokens per user`, params: { context: k } });
  }
  if (req.model.moe && !profile.layouts.dpAttention && req.gpuCount >= 2) {
    const sg = engineProfile('sglang');
    if (sg.supports(req.quant, req.gpu).ok && sg.kvCache.dtypes.includes(req.kvDtype.id))
      attempts.push({ code: 'fix.dpAttention', change: 'engine:sglang', req: { ...req, engine: { id: 'sglang' } }, what: 'SGLang with DP attention (each GPU keeps the KV of its own users)' });
  }
  const out: Fix[] = [];
  for (const a of attempts) {
    const r = run(a.req, a.maxNumSeqs);
    if (!r) continue;
    if (!r.fits && r.capacity.maxUsers <= report.capacity.maxUsers) continue;
    out.push({
      code: a.code,
      change: a.change,
      effect: `${a.what}: ${report.capacity.maxUsers} → ${r.capacity.maxUsers} users at ${a.req.contextTokens} tokens${r.fits ? ', fits' : ', still short'}`,
      fits: r.fits,
      maxUsers: r.capacity.maxUsers,
      params: { ...a.params, before: report.capacity.maxUsers, after: r.capacity.maxUsers, context: a.req.contextTokens },
    });
  }
  return out;
}
