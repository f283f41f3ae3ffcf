// Speed-target and host options: tps (per-user decode floor), ttft (first-token ceiling) and host (RAM and CPU
// for weights kept in host memory). Every path returns a Result: bad input gets one line and suggestions.
import type { Host } from '../engine/types.ts';
import type { LoadedCatalogs } from './load.ts';
import type { Result } from './parse.ts';
import { clip, fail, ok } from './result.ts';


/** "20", "20 tok/s", "20tps" -> tokens per second per user (0.1 to 10,000). */
export function parseTps(input: string): Result<number> {
  const s = input.trim().toLowerCase().replace(/\s*(tok(en)?s?\/s|tps|t\/s)$/, '');
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) return fail('tps', `tps "${clip(input)}" must be tokens per second per user, like 20`, ['10', '20', '50']);
  if (v < 0.1 || v > 10_000) return fail('tps', 'tps must be from 0.1 to 10000 tokens per second per user', ['20']);
  return ok(v);
}

/** "10", "10s", "500ms", "2 min" -> seconds (0.01 to 3600). */
export function parseTtft(input: string): Result<number> {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?)?$/.exec(input.trim().toLowerCase());
  if (!m) return fail('ttft', `ttft "${clip(input)}" must be a time to first token like 10s or 500ms`, ['2s', '10s']);
  const unit = m[2] ?? 's';
  const v = Number(m[1]) * (unit === 'ms' ? 0.001 : unit.startsWith('m') ? 60 : 1);
  if (!(v >= 0.01 && v <= 3600)) return fail('ttft', 'ttft must be from 10 ms to 1 hour', ['10s']);
  return ok(v);
}

/** A host preset id or alias (ddr5x8, epyc-9004), or a RAM bandwidth in GB/s ("400", "400GB/s"). */
export function parseHost(input: string, cat: LoadedCatalogs, fallback: Host): Result<Host> {
  const s = input.trim().toLowerCase();
  const gbs = /^(\d+(?:\.\d+)?)\s*(gb\/s|gbs|gb)?$/.exec(s);
  if (gbs) {
    const v = Number(gbs[1]);
    if (!(v >= 1 && v <= 20_000)) return fail('host', 'host bandwidth must be from 1 to 20000 GB/s', ['ddr5x2', 'ddr5x8', '400']);
    return ok({ id: `${v}gbs`, name: `${v} GB/s host RAM (CPU as ${fallback.name})`, bandwidthGBs: v, cpuTflops: fallback.cpuTflops });
  }
  for (const e of cat.hostEntries) if (e.id === s || e.aliases.some((a) => a.toLowerCase() === s)) return ok(cat.hosts.get(e.id)!);
  const ids = cat.hostEntries.map((e) => e.id);
  const near = ids.filter((id) => id.startsWith(s.slice(0, 3)));
  return fail('host', `unknown host "${clip(input)}": a preset or a RAM bandwidth in GB/s`, (near.length ? near : ids).slice(0, 5));
}

/** The host an engine assumes when none is given: a server socket for KTransformers, a desktop otherwise. */
export function defaultHostId(engine: string): string {
  return engine === 'ktransformers' ? 'xeon-6454s-1s' : 'ddr5x2';
}
