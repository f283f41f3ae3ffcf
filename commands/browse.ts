// /models [filter] and /gpus [filter]: paginated catalog browsing; page state lives in the button custom_id.
import { ApplicationCommandOptionType, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { catalogs } from '../src/catalog/load.ts';
import { parameterCounts } from '../src/engine/architecture.ts';
import { COLOURS, fitEmbed } from '../src/render/embed.ts';
import { params } from '../src/render/format.ts';
import { t } from '../src/render/i18n.ts';
import { loc } from './shared.ts';
import { customIdSchema, enumField, intField, textField } from './custom-id.ts';
import { escapeMarkdown, safeText } from '../src/catalog/user-text.ts';
import { isZh, type Command, type CommandContext, type Reply } from './types.ts';

export const PAGE_SIZE = 10;
export const FILTER_MAX = 60;

/** <kind>:1:<kind>|<page>|<filter>|<tag>; tag keeps the three buttons' ids distinct. */
const pageFields = (kind: 'models' | 'gpus') => ({
  kind: enumField([kind] as const),
  page: intField(0, 999),
  filter: textField(FILTER_MAX),
  tag: enumField(['prev', 'noop', 'next'] as const),
});
const PAGE_BUTTONS = { models: customIdSchema('models', 1, pageFields('models')), gpus: customIdSchema('gpus', 1, pageFields('gpus')) };
const pageButton = (kind: 'models' | 'gpus') => PAGE_BUTTONS[kind];

interface Row {
  id: string;
  line: string;
  haystack: string;
}

function modelRows(): Row[] {
  const cat = catalogs();
  return cat.modelEntries.map((e) => {
    const a = cat.models.get(e.id)!;
    const c = parameterCounts(a);
    const kind = a.moe ? `MoE ${params(c.total)} / ${params(c.active)} active` : `dense ${params(c.total)}`;
    const attn = a.mla ? 'MLA' : a.linear ? 'hybrid linear' : a.layerSpecs.some((l) => l.attention !== 'full') ? 'SWA/local' : a.kvHeads < a.heads ? `GQA ${a.heads}/${a.kvHeads}` : 'MHA';
    return {
      id: e.id,
      line: `\`${e.id}\` ${e.name} — ${kind}, ${attn}, ${Math.round(a.maxPosition / 1024)}k ctx`,
      haystack: [e.id, e.name, e.family, ...e.hf, ...e.aliases, a.moe ? 'moe' : 'dense', attn].join(' ').toLowerCase(),
    };
  });
}

function gpuRows(): Row[] {
  const cat = catalogs();
  return cat.gpuEntries.map((e) => ({
    id: e.id,
    line: `\`${e.id}\` ${e.name} — ${e.memory.marketingGB} GB (${e.memory.visibleGiB} GiB visible), ${e.bandwidthGBs} GB/s`,
    haystack: [e.id, e.name, e.vendor, e.category, e.arch, ...e.aliases, `${e.memory.marketingGB}g`, `${e.memory.marketingGB}gb`].join(' ').toLowerCase(),
  }));
}

function page(kind: 'models' | 'gpus', rawFilter: string, pageNo: number, ctx: CommandContext): Reply {
  const PAGE_BUTTON = pageButton(kind);
  // Matching and the custom_id use the filter cut to 60 characters; what is shown is also made inert.
  const filter = rawFilter.slice(0, FILTER_MAX).replace(/\|/g, ' ');
  const shown = safeText(filter, FILTER_MAX);
  const rows = (kind === 'models' ? modelRows() : gpuRows()).filter((r) => !filter || filter.toLowerCase().split(/\s+/).every((w) => r.haystack.includes(w)));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const p = Math.min(Math.max(0, pageNo), pages - 1);
  const slice = rows.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  const s = t(ctx.locale);
  const zh = isZh(ctx.locale);
  const titleText = `${kind === 'models' ? (zh ? '模型' : 'Models') : zh ? '显卡' : 'GPUs'} (${rows.length})${filter ? ` · “${shown}”` : ''}`;
  const body = slice.length ? slice.map((r) => r.line).join('\n') : zh ? `没有匹配“${escapeMarkdown(shown)}”的条目。` : `Nothing matches “${escapeMarkdown(shown)}”.`;
  const id = (n: number, tag: 'prev' | 'noop' | 'next') => PAGE_BUTTON.encode({ kind, page: Math.max(0, n), filter, tag }) ?? `${kind}:${PAGE_BUTTON.version}:${kind}|0||${tag}`;
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] =
    pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '◀', custom_id: id(p - 1, 'prev'), disabled: p === 0 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: s.page(String(p + 1), String(pages)), custom_id: id(p, 'noop'), disabled: true },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '▶', custom_id: id(p + 1, 'next'), disabled: p >= pages - 1 },
            ],
          },
        ]
      : [];
  return {
    embeds: [fitEmbed({ title: titleText, description: body, color: COLOURS.info, footer: { text: s.page(String(p + 1), String(pages)) } })],
    components,
    text: `${titleText}\n${body.replace(/`/g, '')}\n${s.page(String(p + 1), String(pages))}`,
  };
}

function browse(kind: 'models' | 'gpus'): Command {
  return {
    definition: {
      name: kind,
      ...loc(kind),
      options: [{ type: ApplicationCommandOptionType.String, name: 'filter', ...loc(`${kind}.filter`), max_length: 60 }],
    },
    buttonPrefix: kind,
    buttonMode: 'update',
    async execute(ctx) {
      return page(kind, (ctx.options.filter ?? '').trim(), 0, ctx);
    },
    async button(customId, ctx) {
      const d = pageButton(kind).decode(customId);
      if (!d.ok) return { embeds: [fitEmbed({ title: 'Error', description: d.reason === 'old' ? `This button is from an older version of Headroom; run /${kind} again.` : `This button could not be read; run /${kind} again.`, color: COLOURS.error })], ephemeral: true, text: `Error: run /${kind} again` };
      return page(kind, d.value.filter.trim(), d.value.page, ctx);
    },
  };
}

export const models = browse('models');
export const gpus = browse('gpus');
