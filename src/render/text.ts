// SizingReport -> terminal text (the same content the embed shows), and the --explain section.
import { isZh, type Locale } from '../../commands/types.ts';
import { substitute, type Step } from '../engine/formulas.ts';
import type { SizingReport } from '../engine/report.ts';
import { bytesHuman, colon, displayWidth, gib, int, padEndDisplay, paren, rate, seconds, sig, tokens } from './format.ts';
import { costLine, usd, watts } from './cost.ts';
import { altText, fixText, layoutText, noteText, t } from './i18n.ts';

export type Verdict = 'fits' | 'tight' | 'no';

/** Fits with room, fits with little room (<10 % of the budget free or < 25 % more users possible), or not. */
export function verdict(r: SizingReport): Verdict {
  if (!r.fits) return 'no';
  // Memory holds the users but the speed target does not: amber, and the capacity lines say speed binds.
  if (r.capacity.maxUsersAtTarget < r.request.users) return 'tight';
  const freeShare = r.perGpu.freeBytes / Math.max(1, r.perGpu.budgetBytes);
  if (freeShare < 0.1 || r.capacity.maxUsers < Math.ceil(r.request.users * 1.25)) return 'tight';
  return 'fits';
}

export function verdictIcon(v: Verdict): string {
  return v === 'fits' ? '✅' : v === 'tight' ? '🟡' : '❌';
}

export function verdictWord(v: Verdict, locale: Locale): string {
  const s = t(locale);
  return v === 'fits' ? s.verdictFits : v === 'tight' ? s.verdictTight : s.verdictNo;
}

export function engineLabel(r: SizingReport): string {
  return engineName(r.request.engine);
}

/** "vllm@0.19" -> "vLLM 0.19". */
export function engineName(engine: string): string {
  const [id, ver] = engine.split('@');
  const names: Record<string, string> = { vllm: 'vLLM', sglang: 'SGLang', llamacpp: 'llama.cpp', ollama: 'Ollama', tgi: 'TGI', transformers: 'transformers', ktransformers: 'KTransformers', mindie: 'MindIE', trtllm: 'TensorRT-LLM' };
  return `${names[id] ?? id}${ver ? ` ${ver}` : ''}`;
}

export function title(r: SizingReport): string {
  return `${r.model.name} · ${r.request.gpuCount}× ${r.gpu.name} · ${r.request.quant.toUpperCase()} · ${engineLabel(r)}`;
}

/** Where the architecture came from: the catalog, a Hub repo at its commit, or an attached config.json. */
export function sourceText(r: SizingReport, locale: Locale): string {
  const s = t(locale).source;
  const src = r.source;
  if (src.kind === 'hub') return s.hub(`${src.repo ?? ''}${src.file ? `/${src.file}` : ''}${src.revision ? ` @ ${src.revision.slice(0, 10)}` : ''}`);
  return src.kind === 'attachment' ? s.attachment : s.catalog;
}

export function layoutShape(tp: number, pp: number, replicas: number): string {
  return `${replicas > 1 ? `${replicas} × ` : ''}TP${tp}${pp > 1 ? ` × PP${pp}` : ''}`;
}

/** Rows of the per-GPU memory table: [label, value]. */
export function memoryRows(r: SizingReport, locale: Locale): Array<[string, string]> {
  const s = t(locale);
  const g = r.perGpu;
  const rows: Array<[string, string]> = [
    [s.weights, gib(g.weightsBytes)],
    [s.kvFor(String(r.request.users), tokens(r.request.contextTokens)), gib(g.kvRequiredBytes)],
    [s.activations, gib(g.activationBytes)],
    [s.overhead, gib(g.overheadBytes)],
  ];
  if (g.shortfallBytes > 0) rows.push([s.short, gib(g.shortfallBytes)]);
  else rows.push([s.free, gib(g.freeBytes)]);
  rows.push([s.budget(String(r.request.util), gib(g.capacityBytes)), gib(g.budgetBytes)]);
  return rows;
}

/** Label left, value right-aligned at `width` display columns (CJK labels count two columns per character). */
export function table(rows: Array<[string, string]>, width = 38): string {
  return rows.map(([a, b]) => `${padEndDisplay(a, Math.max(width - displayWidth(b), displayWidth(a) + 1))}${b}`).join('\n');
}

/** The notes a reader should see first: corrections and fit problems before assumptions. */
export function orderedNotes(r: SizingReport): SizingReport['notes'] {
  const rank = (c: string) => (c.startsWith('fit.') || c.startsWith('context.') ? 0 : c.startsWith('myth.') || c.startsWith('seed.') ? 1 : c.startsWith('kv.') ? 2 : c.startsWith('capacity') || c.startsWith('layout') ? 3 : c.startsWith('default') ? 5 : 4);
  return [...r.notes].sort((a, b) => rank(a.code) - rank(b.code));
}

export interface InsteadOption {
  count: number;
  gpuName: string;
  /** Catalog id of the GPU (what a button sizes). */
  gpuId?: string;
  report: SizingReport;
}

export function insteadLines(instead: InsteadOption[], locale: Locale): string[] {
  const s = t(locale);
  return instead.map((o) => {
    const c = o.report.capacity;
    const line = s.insteadLine(String(o.count), o.gpuName, layoutShape(o.report.layout.tp, o.report.layout.pp, o.report.layout.replicas), int(c.maxUsers, locale), rate(o.report.performance.decodeTokensPerSecondPerUser));
    // More of the user's own GPU is offered even below the speed target: say so rather than let "fits" imply it.
    return c.maxUsersAtTarget < o.report.request.users ? line + s.insteadSlow(rate(c.targetTokensPerSecond), int(c.maxUsersAtTarget, locale)) : line;
  });
}

/** The copyable launch block: the command that makes the estimate true, then its notes as shell comments. */
export function launchLines(r: SizingReport, locale: Locale): string[] {
  const l = r.launch;
  const out = [`${isZh(locale) ? '启动命令' : 'Launch'}${paren(engineName(r.request.engine), locale)}${colon(locale).trimEnd()}`];
  for (const line of l.command.split('\n')) out.push(`  ${line}`);
  for (const n of l.notes) out.push(`  # ${n}`);
  return out;
}

export function renderText(r: SizingReport, locale: Locale = 'en', opts: { explain?: boolean; instead?: InsteadOption[] } = {}): string {
  const s = t(locale);
  const v = verdict(r);
  const lines: string[] = [];
  lines.push(title(r));
  lines.push(sourceText(r, locale));
  lines.push(`${verdictIcon(v)} ${verdictWord(v, locale)}${s.card.dash}${s.usersAt(String(r.request.users), tokens(r.request.contextTokens))}`);
  lines.push('');
  lines.push(`${s.capacity}${colon(locale).trimEnd()}`);
  lines.push(`  ${strip(s.maxUsers(int(r.capacity.maxUsers, locale), tokens(r.request.contextTokens)))}`);
  lines.push(`  ${strip(s.maxContext(tokens(r.capacity.maxContextTokens), String(r.request.users)))}`);
  lines.push(`  ${s.poolTokens(int(r.kv.poolTokens, locale))} · KV ${bytesHuman(r.kv.bytesPerToken)}/token`);
  const c = r.capacity;
  lines.push(`  ${s.atTarget(int(c.maxUsersAtTarget, locale), rate(c.targetTokensPerSecond), seconds(c.targetTimeToFirstTokenSeconds), c.bindingLimit)}`);
  if (r.fixes?.length) {
    lines.push('');
    lines.push(`${isZh(locale) ? '购买前可先尝试' : 'Cheap fixes before buying'}${colon(locale).trimEnd()}`);
    for (const f of r.fixes) lines.push(`  ${f.fits ? '✅' : '➕'} ${f.change}${isZh(locale) ? '——' : ' — '}${fixText(f, locale)}`);
  }
  if (opts.instead?.length) {
    lines.push('');
    lines.push(`${s.instead}${colon(locale).trimEnd()}`);
    for (const l of insteadLines(opts.instead, locale)) lines.push(`  ${l}`);
  }
  lines.push('');
  lines.push(`${s.perGpu}${paren(`${layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas)}${r.layout.dp > 1 ? ` + DP attention ×${r.layout.dp}` : ''}`, locale)}${colon(locale).trimEnd()}`);
  lines.push(table(memoryRows(r, locale), 46).replace(/^/gm, '  '));
  lines.push('');
  const p = r.performance;
  lines.push(`${s.speed}${colon(locale)}${s.speedLine(rate(p.decodeTokensPerSecondPerUser), rate(p.decodeTokensPerSecondTotal))}`);
  lines.push(`  ${s.prefillLine(rate(p.prefillTokensPerSecond), seconds(p.timeToFirstTokenSeconds), tokens(r.request.contextTokens))} · ${s.boundBy[p.boundBy]}`);
  lines.push(`  ${s.loadLine(rate(p.singleUserTokensPerSecond), String(r.request.users), tokens(p.promptTokens), seconds(p.timeToFirstTokenAtLoadSeconds), seconds(p.interTokenLatencySeconds))}`);
  const sp = r.speculative;
  if (sp)
    lines.push(
      `  ${s.specLine(sp.method === 'mtp' ? 'MTP' : 'EAGLE-3', String(sp.draftTokens), `${Math.round(sp.acceptanceRate * 100)} %`, sp.acceptanceLength.toFixed(2), rate(p.decodeTokensPerSecondPerUser), rate(sp.withoutTokensPerSecondPerUser), rate(p.singleUserTokensPerSecond), rate(sp.withoutSingleUserTokensPerSecond), bytesHuman(sp.draftWeightsBytesPerGpu), bytesHuman(sp.draftKvBytesPerTokenPerGpu))}`,
    );
  lines.push(costLine(r.cost, locale));
  lines.push('');
  lines.push(`${s.layout}${colon(locale)}${layoutText(r, locale)}`);
  const alts = r.layout.alternatives.slice(0, 6);
  if (alts.length) {
    lines.push(`  ${s.alternatives}${colon(locale)}${alts.map((a) => `${layoutShape(a.tp, a.pp, a.replicas)}${isZh(locale) ? '：' : ' — '}${altText(a, locale)}`).join(isZh(locale) ? '；' : '; ')}`);
  }
  lines.push('');
  lines.push(...launchLines(r, locale));
  lines.push('');
  lines.push(`${s.notes}${colon(locale).trimEnd()}`);
  for (const n of orderedNotes(r)) lines.push(`  • ${noteText(n, locale)}`);
  if (r.explain && !opts.explain) {
    const key = keySteps(r.explain);
    if (key.length) {
      lines.push('');
      lines.push(`${s.howComputed}${colon(locale).trimEnd()}`);
      for (const st of key) lines.push(`  ${stepLabel(st, locale)}${colon(locale)}${st.expr} = ${substitute(st)} = ${unitValue(st, locale)}`);
    }
  }
  if (opts.explain && r.explain) {
    lines.push('');
    lines.push(renderExplain(r.explain, locale));
  }
  return lines.join('\n');
}

/** The few steps a reader needs to check the answer: KV per token, the budget, the KV pool, users. */
export function keySteps(steps: Step[]): Step[] {
  const want = ['kv.full', 'kv.mla', 'kv.perToken', 'vllm.budget', 'sglang.budget', 'kv.pool', 'capacity.users'];
  const out: Step[] = [];
  for (const id of want) {
    const st = steps.find((x) => x.id === id);
    if (st) out.push(st);
  }
  return out;
}

function strip(md: string): string {
  return md.replace(/\*\*/g, '');
}

/** Chinese labels of the key steps (keySteps); other steps keep the formula's own label. */
const ZH_STEP: Record<string, string> = {
  'kv.full': '每 token 的 KV 字节数（一个全注意力层）',
  'kv.mla': '每 token 的 KV 字节数（一个 MLA 层：压缩潜向量 + rope key）',
  'kv.perToken': '每 token 的 KV 字节数（所有注意力层：全上下文层 + 窗口内的滑动窗口层）',
  'vllm.budget': 'vLLM 预算 = gpu_memory_utilization × CUDA 可见显存',
  'sglang.budget': 'SGLang 静态部分 = mem_fraction_static × 启动后的空闲显存',
  'kv.pool': '每张 GPU 上留给 KV 缓存的显存 = 预算 − 权重 − 激活 − 运行时开销',
  'capacity.users': '在所问上下文下能容纳的用户数',
};

export function stepLabel(step: Step, locale: Locale): string {
  return (isZh(locale) && ZH_STEP[step.id]) || step.label;
}

export function unitValue(step: Step, locale: Locale = 'en'): string {
  switch (step.unit) {
    case 'bytes':
      return `${int(Math.round(step.value))} B${paren(bytesHuman(step.value), locale)}`;
    case 'tokens':
      return `${int(step.value)} tokens`;
    case 'users':
      return isZh(locale) ? `${int(step.value)} 个用户` : `${int(step.value)} users`;
    case 's':
      return seconds(step.value);
    case 'tok/s':
      return `${rate(step.value)} tok/s`;
    case 'usd':
      return usd(step.value);
    case 'W':
      return watts(step.value);
    default:
      return sig(step.value);
  }
}

/** Each step: label, the formula, the formula with the model's values, the result. */
export function renderExplain(steps: Step[], locale: Locale = 'en'): string {
  const out = [`${t(locale).explain}${colon(locale).trimEnd()}`];
  for (const st of steps) {
    out.push(`  ${st.label}`);
    out.push(`    ${st.expr}`);
    out.push(`    = ${substitute(st)}`);
    out.push(`    = ${unitValue(st)}`);
  }
  return out.join('\n');
}
