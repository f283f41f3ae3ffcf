// Capacity: users that fit at the requested context, context that fits at the requested users, and fits?
import { F, type Step } from './formulas.ts';
import { requestCost, stageKv } from './kv.ts';
import type { LayoutEval } from './engines/types.ts';

export interface CapacityResult {
  /** Across all replicas. */
  maxUsers: number;
  maxContextTokens: number;
  /** Users each replica serves for the request (ceil(users / replicas)). */
  usersPerReplica: number;
  kvRequiredBytes: number;
  fits: boolean;
  /** What limits maxUsers: memory or the engine's sequence cap. */
  usersLimitedBy: 'memory' | 'maxSeqs';
}

export function computeCapacity(ev: LayoutEval, users: number, context: number, maxPosition: number, steps?: Step[]): CapacityResult {
  const st = ev.stage;
  const pool = Math.max(0, st.poolBytes);
  const usersPerReplica = Math.ceil(users / ev.replicas);
  // DP attention: each of the dp ranks of a replica holds KV only for its own share of the requests.
  const dp = ev.dp ?? 1;
  const usersPerRank = Math.ceil(usersPerReplica / dp);
  const perUser = ev.perUserBytes;
  let perReplica = perUser > 0 ? F.maxUsers.eval({ pool, perUser }, steps) * dp : Number.MAX_SAFE_INTEGER;
  let usersLimitedBy: CapacityResult['usersLimitedBy'] = 'memory';
  if (ev.maxSeqs !== undefined && perReplica > ev.maxSeqs * dp) {
    perReplica = ev.maxSeqs * dp; // vLLM: each DP engine has its own max_num_seqs
    usersLimitedBy = 'maxSeqs';
  }
  if (context > maxPosition) perReplica = 0;
  const maxUsers = Math.max(0, Math.min(perReplica * ev.replicas, 1e9));

  // Largest context (<= model maximum) whose cost for usersPerReplica requests fits the pool.
  const sk = stageKv(ev.kv, st.layers);
  const fitsAt = (ctx: number) => usersPerRank * requestCost(ev.kv, st.layers, ctx, ev.costOptions).bytes <= pool;
  let maxContextTokens = 0;
  if (st.poolBytes > 0 && fitsAt(1)) {
    if (sk.windows.length === 0 && sk.fullBytesPerToken > 0) {
      // Full attention only: cost is linear in whole blocks, so solve directly.
      const B = ev.blockSize;
      const blocks = Math.floor((pool / usersPerRank - sk.stateBytes) / (B * sk.fullBytesPerToken));
      maxContextTokens = Math.min(maxPosition, blocks * B);
    } else {
      let lo = 1;
      let hi = maxPosition;
      if (fitsAt(hi)) lo = hi;
      else {
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (fitsAt(mid)) lo = mid;
          else hi = mid;
        }
      }
      maxContextTokens = lo;
      if (ev.blockSize > 1) maxContextTokens = Math.floor(maxContextTokens / ev.blockSize) * ev.blockSize || lo;
    }
  }
  const kvRequiredBytes = ev.kvAllocatedBytes ?? usersPerRank * perUser;
  const fits = st.poolBytes > 0 && context <= maxPosition && maxUsers >= users && (ev.kvAllocatedBytes === undefined || ev.kvAllocatedBytes <= pool);
  return { maxUsers, maxContextTokens, usersPerReplica, kvRequiredBytes, fits, usersLimitedBy };
}
