// SizingReport -> the /size answer as a Discord components-v2 card: a verdict heading, two or three lines of key
// numbers, the one note that explains the verdict, the chart, and the actions. Short by design (about 900
// characters of text at most); everything else is behind the Details button (detailsLayout) and in `ask`.
//
// Why components v2 and not an embed: an embed puts its image below every field and its buttons below the
// embed, so on a phone the chart and the actions sat under two screens of text; a container keeps text, chart
// and buttons in one block in reading order, with the verdict colour as its accent bar.
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIButtonComponent, APIComponentInContainer, APIMessageTopLevelComponent, APITextDisplayComponent } from 'discord-api-types/v10';
import { isZh, type Locale } from '../../commands/types.ts';
import { substitute } from '../engine/formulas.ts';
import type { Note, SizingReport } from '../engine/report.ts';
import { COLOURS } from './embed.ts';
import { shortSource } from './cost.ts';
import type { Cost } from '../engine/report.ts';
import { bytesHuman, colon, gib, int, paren, rate, seconds, tokens } from './format.ts';
import { layoutText, noteText, t } from './i18n.ts';
import { engineLabel, keySteps, sourceText, stepLabel, unitValue, layoutShape, memoryRows, orderedNotes, table, verdict, verdictIcon, verdictWord, type Verdict } from './text.ts';

export interface CardActions {
  /** What-ifs (toward a fit when it does not fit), at most 6. */
  whatIf: APIButtonComponent[];
  /** Hardware that would fit instead, each sizing it, at most 4. */
  instead: APIButtonComponent[];
  details?: APIButtonComponent;
}

export interface CardInput {
  report: SizingReport;
  locale: Locale;
  /** The /size line that produced it (shown small at the bottom). */
  request: string;
  /** What changed against the message the click came from (changeLine). */
  change?: string;
  /** Attachment name of the chart PNG, when one is sent. */
  chart?: string;
  actions?: CardActions;
}

const text = (content: string): APITextDisplayComponent => ({ type: ComponentType.TextDisplay, content });

/** A GPU's name without memory figure, brand or remarks, for labels ("NVIDIA A10 (PCIe)" -> "A10", "H100 SXM5 80GB" -> "H100 SXM5"). */
export function shortGpuName(name: string): string {
  return (
    name
      .replace(/\s*\([^)]*\)/g, '')
      .replace(/\s*\b\d+\s?GB\b/gi, '')
      .replace(/^(NVIDIA|GeForce|Tesla|AMD|Instinct|Radeon)\s+/i, '')
      .replace(/\s{2,}/g, ' ')
      .trim() || name
  );
}

export function gpusLabel(count: number, name: string): string {
  return `${count}× ${shortGpuName(name)}`;
}

/** The note that explains the verdict: the binding limit when it does not fit, else the myth it corrects. */
export function keyNote(r: SizingReport): Note | undefined {
  const order = r.fits
    ? ['capacity.maxSeqs', 'context.exceeds', 'seed.correction', 'myth.mla', 'myth.gqa', 'kv.linear', 'kv.window', 'myth.moe', 'myth.headDim', 'myth.weights']
    : ['fit.weights', 'fit.kv', 'context.exceeds', 'hw.unified', 'fit.offload', 'seed.correction', 'myth.mla', 'myth.gqa', 'myth.moe'];
  for (const code of order) {
    const n = r.notes.find((x) => x.code === code);
    if (n) return n;
  }
  return orderedNotes(r)[0];
}

function headline(r: SizingReport, locale: Locale, v: Verdict): string {
  const s = t(locale);
  return `### ${verdictIcon(v)} ${verdictWord(v, locale)}${s.card.dash}${s.usersAt(String(r.request.users), tokens(r.request.contextTokens))}`;
}

function subtitle(r: SizingReport): string {
  return `-# ${r.model.name} · ${gpusLabel(r.request.gpuCount, r.gpu.name)} · ${r.request.quant.toUpperCase()} · KV ${r.request.kvDtype} · ${engineLabel(r)}`;
}

/** The two or three lines with the numbers that decide. */
export function keyLines(r: SizingReport, locale: Locale): string[] {
  const s = t(locale).card;
  const ctx = tokens(r.request.contextTokens);
  const users = String(r.request.users);
  const p = r.performance;
  const shape = layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas);
  const gpus = gpusLabel(r.request.gpuCount, r.gpu.name);
  if (r.fits) {
    return [
      s.fitLine(int(r.capacity.maxUsers, locale), ctx, tokens(r.capacity.maxContextTokens), users),
      s.speedLine(rate(p.decodeTokensPerSecondPerUser), `${rate(p.decodeTokensPerSecondTotal)} tok/s`, seconds(p.timeToFirstTokenSeconds)) +
        (r.speculative ? s.specSuffix(r.speculative.method === 'mtp' ? 'MTP' : 'EAGLE-3', rate(r.speculative.withoutTokensPerSecondPerUser), bytesHuman(r.speculative.draftWeightsBytesPerGpu)) : ''),
      s.layoutLine(shape, gpus),
    ];
  }
  // When not even one user fits, "0 tokens each" says nothing: the note (weights alone exceed the budget) does.
  const hold = s.holdLine(int(r.capacity.maxUsers, locale), ctx, users, tokens(r.capacity.maxContextTokens));
  return [
    r.capacity.maxContextTokens > 0 ? hold : hold.replace(/ ?· [^·]*$/, ''),
    `${s.shortLine(gib(r.perGpu.shortfallBytes, 1))} · ${s.layoutLine(shape, gpus)}`,
  ];
}

/** "20 → 40 users: still fits, 27.6 tok/s each (was 34.7)". */
export function changeLine(prev: SizingReport, next: SizingReport, locale: Locale): string {
  const c = t(locale).card.change;
  const a = prev.request;
  const b = next.request;
  const parts: string[] = [];
  if (a.gpu !== b.gpu || a.gpuCount !== b.gpuCount) parts.push(c.gpu(gpusLabel(a.gpuCount, prev.gpu.name), gpusLabel(b.gpuCount, next.gpu.name)));
  if (a.users !== b.users) parts.push(c.users(String(a.users), String(b.users)));
  if (a.contextTokens !== b.contextTokens) parts.push(c.context(tokens(a.contextTokens), tokens(b.contextTokens)));
  if (a.quant !== b.quant) parts.push(c.quant(a.quant.toUpperCase(), b.quant.toUpperCase()));
  if (a.kvDtype !== b.kvDtype) parts.push(c.kv(a.kvDtype, b.kvDtype));
  const what = parts.join(c.join) || engineLabel(next);
  const tps = (r: SizingReport) => rate(r.performance.decodeTokensPerSecondPerUser);
  const short = (r: SizingReport) => gib(r.perGpu.shortfallBytes, 1);
  let outcome: string;
  if (prev.fits && next.fits) outcome = c.stillFits(tps(next), tps(prev));
  else if (next.fits) outcome = c.nowFits(int(next.capacity.maxUsers, locale), tps(next));
  else if (prev.fits) outcome = c.noLonger(int(next.capacity.maxUsers, locale), short(next));
  else outcome = c.stillNo(short(next), short(prev));
  return `${what}${colon(locale)}${outcome}`;
}

/** Shorten a note for the card at a sentence end (full text stays in Details). */
function shortNote(s: string, max = 300): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('。'), cut.lastIndexOf('；'), cut.lastIndexOf('; '));
  return end > max / 3 ? cut.slice(0, end + 1) : `${cut.slice(0, max - 1)}…`;
}

function row(buttons: APIButtonComponent[]): APIComponentInContainer[] {
  const out: APIComponentInContainer[] = [];
  for (let i = 0; i < buttons.length; i += 5) out.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return out;
}

/** The short card. */
export function sizeCard(input: CardInput): APIMessageTopLevelComponent[] {
  const { report: r, locale } = input;
  const s = t(locale).card;
  const v = verdict(r);
  const parts: APIComponentInContainer[] = [];
  const head = [headline(r, locale, v), subtitle(r)];
  if (input.change) head.push(`**↪ ${input.change}**`);
  parts.push(text(head.join('\n')));
  parts.push(text(keyLines(r, locale).join('\n')));
  const note = keyNote(r);
  if (note) parts.push(text(`> ${shortNote(noteText(note, locale))}`));
  if (input.chart) parts.push({ type: ComponentType.MediaGallery, items: [{ media: { url: `attachment://${input.chart}` }, description: s.chartAlt(verdictWord(v, locale)) }] });
  const a = input.actions;
  if (a) {
    const whatIf = [...a.whatIf];
    if (whatIf.length) {
      parts.push(text(`-# ${r.fits ? s.whatIfHead : s.towardHead}`));
      parts.push(...row(whatIf));
    }
    if (a.instead.length) {
      parts.push(text(`-# ${s.insteadHead}`));
      parts.push(...row(a.instead));
    }
    if (a.details) parts.push(...row([a.details]));
  }
  // Where the architecture came from, when it is not the catalog (a Hub repo at its commit, an attachment).
  parts.push(text(`-# ${input.request}${r.source && r.source.kind !== 'catalog' ? `\n-# ${sourceText(r, locale)}` : ''}`));
  return [{ type: ComponentType.Container, accent_color: COLOURS[v], components: parts }];
}

/** Characters of text a layout shows (text displays only). */
export function cardTextLength(layout: readonly APIMessageTopLevelComponent[]): number {
  let n = 0;
  const walk = (xs: readonly unknown[]) => {
    for (const x of xs as Array<{ type: number; content?: string; components?: unknown[] }>) {
      if (x.type === ComponentType.TextDisplay && x.content) n += x.content.length;
      if (x.components) walk(x.components);
    }
  };
  walk(layout);
  return n;
}

/** Optional report sections other helpers add (launch command, cost); rendered when present. */
interface Extras {
  launch?: { engine?: string; command?: string; env?: Record<string, string> | string[]; notes?: string[] };
  cost?: { perHourUsd?: number; purchaseUsd?: number; powerW?: number; perMillionOutputTokensUsd?: number; source?: string; date?: string };
}

/** The speculative-decoding line of the Details speed section (empty without spec:). */
function specDetail(r: SizingReport, locale: Locale): string {
  const sp = r.speculative;
  if (!sp) return '';
  const p = r.performance;
  const s = t(locale);
  return `\n${s.specLine(sp.method === 'mtp' ? 'MTP' : 'EAGLE-3', String(sp.draftTokens), `${Math.round(sp.acceptanceRate * 100)} %`, sp.acceptanceLength.toFixed(2), rate(p.decodeTokensPerSecondPerUser), rate(sp.withoutTokensPerSecondPerUser), rate(p.singleUserTokensPerSecond), rate(sp.withoutSingleUserTokensPerSecond), bytesHuman(sp.draftWeightsBytesPerGpu), bytesHuman(sp.draftKvBytesPerTokenPerGpu))}`;
}

/** Everything the card leaves out, for the ephemeral Details answer: memory table, speed, layout, all notes, formulas, launch. */
export function detailsSections(r: SizingReport, locale: Locale): Array<{ title: string; body: string }> {
  const s = t(locale);
  const sections: Array<{ title: string; body: string }> = [];
  const shape = layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas);
  // Chinese rows lead with the figure: Discord's code font draws a CJK character about 1.7 columns wide, not 2,
  // so figures after padded CJK labels zigzag; right-aligned ASCII figures first line up on every client.
  const rows = memoryRows(r, locale);
  const figW = Math.max(...rows.map(([, b]) => b.length));
  const memTable = isZh(locale) ? rows.map(([a, b]) => `${b.padStart(figW)}  ${a}`).join('\n') : table(rows, 30);
  sections.push({ title: `${s.card.memory} · ${shape}`, body: '```\n' + memTable + '\n```' });
  const p = r.performance;
  sections.push({
    title: s.speed,
    body: `${s.speedLine(rate(p.decodeTokensPerSecondPerUser), rate(p.decodeTokensPerSecondTotal))}\n${s.prefillLine(rate(p.prefillTokensPerSecond), seconds(p.timeToFirstTokenSeconds), tokens(r.request.contextTokens))} · ${s.boundBy[p.boundBy]}${specDetail(r, locale)}`,
  });
  const alts = r.layout.alternatives.slice(0, 4).map((x) => `${layoutShape(x.tp, x.pp, x.replicas)} ${x.fits ? '✓' : '✗'}${paren(String(x.maxUsers), locale)}`);
  sections.push({
    title: s.layout,
    body: `${layoutText(r, locale)}${alts.length ? `\n${s.alternatives}${colon(locale)}${alts.join(isZh(locale) ? '，' : ', ')}` : ''}\n${s.poolTokens(int(r.kv.poolTokens, locale))} · KV ${bytesHuman(r.kv.bytesPerToken)}/token`,
  });
  const x = r as SizingReport & Extras;
  if (x.launch?.command) {
    const env = Array.isArray(x.launch.env) ? x.launch.env : Object.entries(x.launch.env ?? {}).map(([k, v]) => `${k}=${v}`);
    sections.push({ title: s.card.launch, body: '```sh\n' + [...env.map((e) => `export ${e}`), x.launch.command].join('\n') + '\n```' });
  }
  if (x.cost && (x.cost.perHourUsd !== undefined || x.cost.purchaseUsd !== undefined)) {
    const c = x.cost;
    const bits = [
      c.perHourUsd !== undefined ? `$${c.perHourUsd.toFixed(2)}/h` : '',
      c.purchaseUsd !== undefined ? `$${int(c.purchaseUsd)}` : '',
      c.perMillionOutputTokensUsd !== undefined ? (isZh(locale) ? `每百万输出 token $${c.perMillionOutputTokensUsd.toFixed(2)}` : `$${c.perMillionOutputTokensUsd.toFixed(2)} / 1M output tokens`) : '',
    ].filter(Boolean);
    // The source, short (who and when; the full quote and URL are in `--json`): a phone shows it in two lines, not ten.
    sections.push({ title: s.card.cost, body: `${bits.join(' · ')}${c.source ? `\n-# ${shortSource(c as Cost).replace(/\s*\([^)]*\)/g, '')}${c.date ? `, ${c.date}` : ''}` : ''}` });
  }
  const notes = orderedNotes(r);
  if (notes.length) sections.push({ title: s.card.allNotes, body: [...notes.map((n) => `• ${noteText(n, locale)}`), `• ${sourceText(r, locale)}`].join('\n') });
  if (r.explain) {
    const steps = keySteps(r.explain);
    if (steps.length) sections.push({ title: s.card.computed, body: '```\n' + steps.map((st) => `${stepLabel(st, locale)}${colon(locale).trimEnd()}\n  ${st.expr}\n  = ${substitute(st)}\n  = ${unitValue(st, locale)}`).join('\n') + '\n```' });
  }
  return sections;
}

/** The Details answer (ephemeral), as a v2 layout within Discord's 4000-character text limit. */
export function detailsLayout(r: SizingReport, locale: Locale): APIMessageTopLevelComponent[] {
  const s = t(locale);
  const v = verdict(r);
  const budget = 3900;
  const parts: APIComponentInContainer[] = [text(`### ${s.card.detailsTitle} · ${r.model.name} · ${gpusLabel(r.request.gpuCount, r.gpu.name)}`)];
  let used = (parts[0] as APITextDisplayComponent).content.length;
  for (const sec of detailsSections(r, locale)) {
    let body = `**${sec.title}**\n${sec.body}`;
    if (used + body.length > budget) {
      // Cut whole lines; a cut code block is closed again.
      const room = budget - used - 6;
      const lines: string[] = [];
      let n = 0;
      for (const l of body.split('\n')) {
        if (n + l.length + 1 > room) break;
        lines.push(l);
        n += l.length + 1;
      }
      if (lines.length < 2) break;
      body = lines.join('\n');
      if ((body.match(/```/g) ?? []).length % 2) body += '\n```';
    }
    parts.push(text(body));
    used += body.length;
  }
  return [{ type: ComponentType.Container, accent_color: COLOURS[v], components: parts }];
}

/** A secondary button (helper for the command module). */
export function button(label: string, customId: string, style: ButtonStyle = ButtonStyle.Secondary): APIButtonComponent {
  return { type: ComponentType.Button, style, label, custom_id: customId } as APIButtonComponent;
}
