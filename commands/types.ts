// The contract between transports (Discord gateway, HTTP interactions endpoint, terminal) and commands.
// A command is the same code whatever delivered the interaction: parse -> engine -> render.
import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIMessageTopLevelComponent,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

export type Locale = 'en' | 'zh-CN' | 'zh-TW';
/**
 * The language a reply's strings are written in. zh-TW replies are written in zh-CN and converted to Traditional
 * (Taiwan usage) at the reply boundary (src/render/zh-tw.ts), so each Chinese sentence exists once.
 */
export type Lang = 'en' | 'zh-CN';

export function lang(locale: Locale): Lang {
  return locale === 'en' ? 'en' : 'zh-CN';
}

export function isZh(locale: Locale): boolean {
  return locale !== 'en';
}

/** Map a Discord locale (interaction.locale) to a reply language: zh-TW (and zh-HK) read Traditional. */
export function replyLocale(discordLocale: string | undefined): Locale {
  const l = discordLocale?.toLowerCase() ?? '';
  if (l === 'zh-tw' || l === 'zh-hk' || l === 'zh-hant' || l.startsWith('zh-hant')) return 'zh-TW';
  return l.startsWith('zh') ? 'zh-CN' : 'en';
}

export interface AttachmentRef {
  name: string;
  url: string;
  size: number;
  contentType?: string;
}

export interface CommandContext {
  locale: Locale;
  /** Option values as the user typed them (numbers converted to strings). */
  options: Record<string, string | undefined>;
  /** The `config` attachment option, when given. */
  attachment?: AttachmentRef;
  /** Downloads an attachment (the transport decides how; size-limited). */
  fetchAttachment?: (a: AttachmentRef) => Promise<string>;
}

export interface ReplyFile {
  name: string;
  data: Buffer;
  description?: string;
}

export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /**
   * A components-v2 layout (container, text displays, media gallery, buttons). When set, the message is sent
   * with the IS_COMPONENTS_V2 flag and this is its whole body: content, embeds and components are not sent.
   */
  layout?: APIMessageTopLevelComponent[];
  files?: ReplyFile[];
  /** Errors are ephemeral; answers are public. */
  ephemeral?: boolean;
  /** Plain-text rendering of the same answer (terminal). */
  text?: string;
}

export interface AutocompleteChoice {
  name: string;
  value: string;
}

export interface Command {
  /** Discord application command definition (with zh-CN localizations). */
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(ctx: CommandContext): Promise<Reply>;
  /** Suggestions for the focused option (<= 25, fast: no I/O). */
  autocomplete?(focused: { name: string; value: string }, ctx: CommandContext): AutocompleteChoice[] | Promise<AutocompleteChoice[]>;
  /** custom_id prefix this command's buttons use ("size", "models", ...). */
  buttonPrefix?: string;
  /** How a click answers: 'new' posts a new message (what-ifs keep the original), 'update' edits the clicked one (paging). */
  buttonMode?: 'new' | 'update';
  /** Handle a button click whose custom_id starts with `${buttonPrefix}:`. The whole state is in the id. */
  button?(customId: string, ctx: CommandContext): Promise<Reply>;
  /**
   * Load what the first answer needs (catalogs, compiled formulas, the chart worker) before the transport takes
   * traffic, so the first interactions after a start are not held behind a one-second cold start.
   */
  warm?(): Promise<void>;
  /** True when execute may take long enough that the transport should defer first. */
  mayBeSlow?(ctx: CommandContext): boolean;
}
