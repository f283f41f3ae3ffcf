// SizingReport -> Discord embed JSON. Stays inside Discord's limits (design.md §6) by construction.
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { isZh, type Locale } from '../../commands/types.ts';
import type { SizingReport } from '../engine/report.ts';
import { bytesHuman, colon, int, rate, seconds, tokens } from './format.ts';
import { layoutText, noteText, t } from './i18n.ts';
import { engineLabel, insteadLines, layoutShape, memoryRows, orderedNotes, sourceText, table, title, verdict, verdictIcon, verdictWord, type InsteadOption } from './text.ts';

export const COLOURS = { fits: 0x2ecc71, tight: 0xf1c40f, no: 0xe74c3c, error: 0x95a5a6, info: 0x5865f2 } as const;

export const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** Total characters Discord counts toward the 6000 limit. */
export function embedLength(e: APIEmbed): number {
  let n = (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length + (e.author?.name ?? '').length;
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Enforce every embed limit (used for all embeds the bot sends). */
export function fitEmbed(e: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...e };
  if (out.title) out.title = clip(out.title, LIMITS.title);
  if (out.description) out.description = clip(out.description, LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: clip(out.footer.text, LIMITS.footer) };
  out.fields = (out.fields ?? []).slice(0, LIMITS.fields).map((f) => ({ ...f, name: clip(f.name, LIMITS.fieldName), value: clip(f.value, LIMITS.fieldValue) || '—' }));
  while (embedLength(out) > LIMITS.total && out.fields.length) out.fields.pop();
  if (embedLength(out) > LIMITS.total && out.description) out.description = clip(out.description, Math.max(0, LIMITS.total - embedLength({ ...out, description: '' })));
  return out;
}

/** Join bullet lines into a field value without cutting a line in half. */
function bullets(lines: string[], max = LIMITS.fieldValue): string {
  const out: string[] = [];
  let len = 0;
  for (const l of lines) {
    const line = `• ${l}`;
    if (len + line.length + 1 > max) {
      if (len + 2 <= max) out.push('…');
      break;
    }
    out.push(line);
    len += line.length + 1;
  }
  return out.join('\n');
}

export function sizeEmbed(r: SizingReport, locale: Locale, request: string, instead: InsteadOption[] = []): APIEmbed {
  const s = t(locale);
  const v = verdict(r);
  const ctx = tokens(r.request.contextTokens);
  const description = [
    `${verdictIcon(v)} **${verdictWord(v, locale)}** — ${s.usersAt(String(r.request.users), ctx)}`,
    s.maxUsers(int(r.capacity.maxUsers, locale), ctx),
    s.maxContext(tokens(r.capacity.maxContextTokens), String(r.request.users)),
    `-# ${sourceText(r, locale)}`,
  ].join('\n');
  const p = r.performance;
  const fields: APIEmbedField[] = [
    {
      name: `${s.perGpu} · ${layoutShape(r.layout.tp, r.layout.pp, r.layout.replicas)}`,
      value: '```\n' + table(memoryRows(r, locale), 34) + '\n```',
    },
    {
      name: s.speed,
      value: `${s.speedLine(rate(p.decodeTokensPerSecondPerUser), rate(p.decodeTokensPerSecondTotal))}\n${s.prefillLine(rate(p.prefillTokensPerSecond), seconds(p.timeToFirstTokenSeconds), ctx)}\n${s.boundBy[p.boundBy]}`,
      inline: false,
    },
    {
      name: s.layout,
      value: clip(
        `${layoutText(r, locale)}${r.layout.alternatives.length ? `\n${s.alternatives}: ${r.layout.alternatives
          .slice(0, 4)
          .map((a) => `${layoutShape(a.tp, a.pp, a.replicas)} ${a.fits ? '✓' : '✗'} (${a.maxUsers})`)
          .join(', ')}` : ''}\n${s.poolTokens(int(r.kv.poolTokens, locale))} · KV ${bytesHuman(r.kv.bytesPerToken)}/token`,
        LIMITS.fieldValue,
      ),
    },
  ];
  if (instead.length) fields.splice(1, 0, { name: s.instead, value: bullets(insteadLines(instead, locale)) });
  const notes = orderedNotes(r);
  const important = notes.filter((n) => !n.code.startsWith('engine.') && !n.code.startsWith('default.') && n.code !== 'perf.assumptions');
  const assumptions = notes.filter((n) => n.code.startsWith('engine.') || n.code.startsWith('default.') || n.code === 'perf.assumptions');
  if (important.length) fields.push({ name: s.notes, value: bullets(important.map((n) => noteText(n, locale))) });
  if (assumptions.length) fields.push({ name: s.assumptions, value: bullets(assumptions.map((n) => noteText(n, locale))) });
  return fitEmbed({
    title: clip(title(r), LIMITS.title),
    description,
    color: COLOURS[v],
    fields,
    footer: { text: clip(`${s.footer} · ${engineLabel(r)} · ${request}`, LIMITS.footer) },
  });
}

export function errorEmbed(locale: Locale, message: string, didYouMean?: string[], hint?: string): APIEmbed {
  const s = t(locale);
  const lines = [message];
  if (didYouMean?.length) lines.push(`${s.didYouMean}${colon(locale)}${didYouMean.slice(0, 5).map((d) => `\`${d}\``).join(isZh(locale) ? '、' : ', ')}${isZh(locale) ? '？' : '?'}`);
  if (hint) lines.push(hint);
  return fitEmbed({ title: s.error, description: lines.join('\n'), color: COLOURS.error });
}
