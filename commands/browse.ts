// /models [filter] and /gpus [filter]: paginated catalog browsing; page state lives in the button custom_id.
import { ApplicationCommandOptionType, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { catalogs } from '../src/catalog/load.ts';
import { parameterCounts } from '../src/engine/architecture.ts';
import { COLOURS, fitEmbed } from '../src/render/embed.ts';
import { paren, params } from '../src/render/format.ts';
import { t } from '../src/render/i18n.ts';
import { loc } from './shared.ts';
import { customIdSchema, enumField, intField, textField } from './custom-id.ts';
import { escapeMarkdown, safeText } from '../src/catalog/user-text.ts';
import { isZh, lang, type Command, type CommandContext, type Locale, type Reply } from './types.ts';

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

/** Row words per language; names, ids and figures stay as they are. */
const ROW_WORDS = {
  en: {
    moe: (total: string, active: string) => `MoE ${total} / ${active} active`,
    dense: (total: string) => `dense ${total}`,
    hybrid: 'hybrid linear',
    local: 'SWA/local',
    ctx: (k: number) => `${k}k ctx`,
    sep: ', ',
    dash: ' — ',
    gpu: (gb: number, gib: number, bw: number) => `${gb} GB (${gib} GiB visible), ${bw} GB/s`,
  },
  'zh-CN': {
    moe: (total: string, active: string) => `MoE ${total}，激活 ${active}`,
    dense: (total: string) => `稠密 ${total}`,
    hybrid: '混合线性注意力',
    local: '滑动窗口/局部注意力',
    ctx: (k: number) => `上下文 ${k}k`,
    sep: '，',
    dash: '——',
    gpu: (gb: number, gib: number, bw: number) => `${gb} GB（可见 ${gib} GiB），带宽 ${bw} GB/s`,
  },
};

function modelRows(locale: Locale): Row[] {
  const cat = catalogs();
  const w = ROW_WORDS[lang(locale)];
  return cat.modelEntries.map((e) => {
    const a = cat.models.get(e.id)!;
    const c = parameterCounts(a);
    const kind = a.moe ? w.moe(params(c.total), params(c.active)) : w.dense(params(c.total));
    const attnKey = a.mla ? 'MLA' : a.linear ? 'hybrid linear' : a.layerSpecs.some((l) => l.attention !== 'full') ? 'SWA/local' : a.kvHeads < a.heads ? `GQA ${a.heads}/${a.kvHeads}` : 'MHA';
    const attn = attnKey === 'hybrid linear' ? w.hybrid : attnKey === 'SWA/local' ? w.local : attnKey;
    return {
      id: e.id,
      line: `\`${e.id}\` ${e.name}${w.dash}${[kind, attn, w.ctx(Math.round(a.maxPosition / 1024))].join(w.sep)}`,
      // Filters match the English words in every language (moe, dense, swa …) and the row's own words.
      haystack: [e.id, e.name, e.family, ...e.hf, ...e.aliases, a.moe ? 'moe' : 'dense', attnKey, attn].join(' ').toLowerCase(),
    };
  });
}

function gpuRows(locale: Locale): Row[] {
  const cat = catalogs();
  const w = ROW_WORDS[lang(locale)];
  return cat.gpuEntries.map((e) => ({
    id: e.id,
    line: `\`${e.id}\` ${e.name}${w.dash}${w.gpu(e.memory.marketingGB, e.memory.visibleGiB, e.bandwidthGBs)}`,
    haystack: [e.id, e.name, e.vendor, e.category, e.arch, ...e.aliases, `${e.memory.marketingGB}g`, `${e.memory.marketingGB}gb`].join(' ').toLowerCase(),
  }));
}

function page(kind: 'models' | 'gpus', rawFilter: string, pageNo: number, ctx: CommandContext): Reply {
  const PAGE_BUTTON = pageButton(kind);
  // Matching and the custom_id use the filter cut to 60 characters; what is shown is also made inert.
  const filter = rawFilter.slice(0, FILTER_MAX).replace(/\|/g, ' ');
  const shown = safeText(filter, FILTER_MAX);
  const rows = (kind === 'models' ? modelRows(ctx.locale) : gpuRows(ctx.locale)).filter((r) => !filter || filter.toLowerCase().split(/\s+/).every((w) => r.haystack.includes(w)));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const p = Math.min(Math.max(0, pageNo), pages - 1);
  const slice = rows.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  const s = t(ctx.locale);
  const zh = isZh(ctx.locale);
  const titleText = `${kind === 'models' ? (zh ? '模型' : 'Models') : zh ? '显卡' : 'GPUs'}${paren(String(rows.length), ctx.locale)}${filter ? ` · “${shown}”` : ''}`;
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
      if (!d.ok) {
        const s = t(ctx.locale);
        const why = d.reason === 'old' ? s.oldButton(`/${kind}`) : s.badButton(`/${kind}`);
        return { embeds: [fitEmbed({ title: s.error, description: why, color: COLOURS.error })], ephemeral: true, text: `Error: ${why}` };
      }
      return page(kind, d.value.filter.trim(), d.value.page, ctx);
    },
  };
}

export const models = browse('models');
export const gpus = browse('gpus');
