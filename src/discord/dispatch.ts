// Transport-independent interaction handling. The gateway client and the HTTP endpoint both hand the raw
// API interaction here together with a way to send the initial response; everything after that (deferred
// edits, follow-ups) goes through the webhook REST routes. Nothing a handler does can crash the process.
import type {
  APIApplicationCommandInteractionDataOption,
  APIAttachment,
  APIInteraction,
} from 'discord-api-types/v10';
import { lang, replyLocale, type AttachmentRef, type Command, type CommandContext, type Lang, type Reply } from '../../commands/types.ts';
import { LIMIT_TEXT } from '../render/i18n.ts';
import { interactionProblem, optionProblem } from './interaction-schema.ts';
import { AbuseGuard, type AbuseLimits } from './limits.ts';
import type { Logger } from './log.ts';
import { InteractionResponder, type InitialSender, type WebhookApi } from './respond.ts';

export const DEFAULT_DEFER_AFTER_MS = 1200;
export const DEFAULT_HANDLER_TIMEOUT_MS = 60_000;
export const DEFAULT_ATTACHMENT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_ATTACHMENT_TIMEOUT_MS = 5_000;
export const DISCORD_ATTACHMENT_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'];

// Numeric values from the Discord API (discord-api-types InteractionType / ApplicationCommandOptionType).
const enum IT {
  Ping = 1,
  ApplicationCommand = 2,
  MessageComponent = 3,
  Autocomplete = 4,
  ModalSubmit = 5,
}
const enum OT {
  Subcommand = 1,
  SubcommandGroup = 2,
  Attachment = 11,
}

export interface DispatcherOptions {
  commands: Command[];
  webhook: WebhookApi;
  log: Logger;
  /** Defer (type 5) when the handler has not finished after this long. */
  deferAfterMs?: number;
  /** Give up on a handler after this long and apologise (the interaction token lives 15 min). */
  handlerTimeoutMs?: number;
  /**
   * Abuse limits (src/discord/limits.ts): token buckets per user and per guild for commands + clicks and for
   * autocomplete, and a bound on queued work. Set false to disable (tests).
   */
  rateLimit?: Partial<AbuseLimits> | false;
  attachments?: {
    maxBytes?: number;
    timeoutMs?: number;
    /** Hosts attachments may be downloaded from, besides Discord's CDN (http allowed for these: the test stand-in). */
    extraHosts?: string[];
  };
}

/** Acknowledge (defer) on arrival when the handlers queued ahead are expected to take longer than this. */
const QUEUE_DEFER_MS = 600;


/** Autocomplete matches on at most this many characters of what the user typed. */
export const AUTOCOMPLETE_QUERY_MAX = 100;

const MESSAGES: Record<Lang, Record<'apology' | 'unknownCommand' | 'unknownButton' | 'unsupported' | 'timeout' | 'malformed' | 'badOption', string>> = {
  en: {
    malformed: 'That interaction could not be read (it is malformed); please run the command again.',
    badOption: 'That option value cannot be used: {problem}.',
    apology: 'Sorry, something went wrong while answering that. The error was logged; please try again.',
    unknownCommand: 'I do not know that command; the bot may have been updated. Try again in a minute, or ask an admin to run `npm run deploy`.',
    unknownButton: 'That button belongs to an older version of the bot; run the command again.',
    unsupported: 'This kind of interaction is not supported.',
    timeout: 'Sorry, that took too long to answer. Please try again, perhaps with a smaller question.',
  },
  'zh-CN': {
    malformed: '无法读取这个交互（格式不正确），请重新运行命令。',
    badOption: '该选项值无法使用：{problem}。',
    apology: '抱歉，回答时出错了。错误已记录，请重试。',
    unknownCommand: '我不认识这个命令，机器人可能刚更新过。请稍后再试，或请管理员运行 `npm run deploy`。',
    unknownButton: '这个按钮属于旧版本的机器人，请重新运行命令。',
    unsupported: '不支持这种交互。',
    timeout: '抱歉，回答超时了。请重试，或换一个更小的问题。',
  },
};

const ATTACHMENT_MESSAGES: Record<Lang, Record<AttachmentErrorCode, (max: number) => string>> = {
  en: {
    too_large: (max) => `The attachment is too large (limit ${Math.round(max / 1024)} KiB). Attach the model's config.json only.`,
    timeout: () => 'Downloading the attachment timed out; please try again.',
    bad_url: () => 'That attachment cannot be downloaded.',
    http: () => 'Discord did not give me the attachment; please try again.',
    not_text: () => 'The attachment is not a UTF-8 text file; attach the model\'s config.json.',
  },
  'zh-CN': {
    too_large: (max) => `附件太大（上限 ${Math.round(max / 1024)} KiB）。请只附上模型的 config.json。`,
    timeout: () => '下载附件超时，请重试。',
    bad_url: () => '无法下载该附件。',
    http: () => '无法从 Discord 获取附件，请重试。',
    not_text: () => '附件不是 UTF-8 文本文件，请附上模型的 config.json。',
  },
};

/** When the API base is overridden (tests: the loopback stand-in), attachments served by that host are allowed too. */
export function attachmentHostsFor(apiBase: string): string[] {
  try {
    const u = new URL(apiBase);
    return u.hostname === 'discord.com' ? [] : [u.host];
  } catch {
    return [];
  }
}

export type AttachmentErrorCode = 'too_large' | 'timeout' | 'bad_url' | 'http' | 'not_text';

export class AttachmentError extends Error {
  constructor(
    readonly code: AttachmentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

class HandlerTimeout extends Error {
  constructor() {
    super('handler timed out');
    this.name = 'HandlerTimeout';
  }
}

/** Download one attachment Discord gave us, with a size cap and a timeout. */
export async function downloadAttachment(
  ref: AttachmentRef,
  allowed: readonly AttachmentRef[],
  opts: { maxBytes: number; timeoutMs: number; extraHosts: readonly string[] },
): Promise<string> {
  if (!allowed.some((a) => a.url === ref.url)) throw new AttachmentError('bad_url', 'attachment URL was not given by Discord for this interaction');
  let url: URL;
  try {
    url = new URL(ref.url);
  } catch {
    throw new AttachmentError('bad_url', 'attachment URL is not a URL');
  }
  const extra = opts.extraHosts.includes(url.host);
  const ok = (url.protocol === 'https:' && DISCORD_ATTACHMENT_HOSTS.includes(url.hostname)) || (extra && /^https?:$/.test(url.protocol));
  if (!ok) throw new AttachmentError('bad_url', `attachment host ${url.hostname} is not Discord's CDN`);
  if (ref.size > opts.maxBytes) throw new AttachmentError('too_large', `attachment is ${ref.size} bytes, over the ${opts.maxBytes} limit`);

  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'error' });
  } catch (err) {
    if (signal.aborted) throw new AttachmentError('timeout', 'attachment download timed out');
    throw new AttachmentError('http', `attachment download failed: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new AttachmentError('http', `attachment download failed: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > opts.maxBytes) {
    await res.body.cancel().catch(() => {});
    throw new AttachmentError('too_large', `attachment is ${declared} bytes, over the ${opts.maxBytes} limit`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > opts.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new AttachmentError('too_large', `attachment is over the ${opts.maxBytes} limit`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof AttachmentError) throw err;
    if (signal.aborted) throw new AttachmentError('timeout', 'attachment download timed out');
    throw new AttachmentError('http', `attachment download failed: ${(err as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AttachmentError('not_text', 'attachment is not UTF-8 text');
  }
}

interface Extracted {
  options: Record<string, string | undefined>;
  attachments: AttachmentRef[];
  focused?: { name: string; value: string };
}

function toRef(a: APIAttachment): AttachmentRef {
  return { name: a.filename, url: a.url, size: a.size, ...(a.content_type ? { contentType: a.content_type } : {}) };
}

/** Flatten (sub)command options into strings; resolve attachment options; find the focused option. */
export function extractOptions(
  options: APIApplicationCommandInteractionDataOption[] | undefined,
  resolvedAttachments: Record<string, APIAttachment> | undefined,
): Extracted {
  const out: Extracted = { options: {}, attachments: [] };
  const walk = (list: APIApplicationCommandInteractionDataOption[] | undefined) => {
    if (!Array.isArray(list)) return;
    for (const o of list) {
      if (!o || typeof o !== 'object') continue;
      if (o.type === (OT.Subcommand as number) || o.type === (OT.SubcommandGroup as number)) {
        out.options._subcommand = out.options._subcommand ? `${out.options._subcommand} ${o.name}` : o.name;
        walk('options' in o ? (o.options as APIApplicationCommandInteractionDataOption[] | undefined) : undefined);
        continue;
      }
      if (!('value' in o)) continue;
      const value = o.value;
      if (value === null || typeof value === 'object') continue;
      if (o.type === (OT.Attachment as number)) {
        const a = resolvedAttachments?.[String(value)];
        if (a) {
          out.attachments.push(toRef(a));
          out.options[o.name] = a.filename;
        }
        continue;
      }
      out.options[o.name] = String(value);
      // Matching work is bounded by what is read: a 100 000-character partial value is cut first.
      if ('focused' in o && o.focused) out.focused = { name: o.name, value: String(value).slice(0, AUTOCOMPLETE_QUERY_MAX) };
    }
  };
  walk(options);
  return out;
}

/** Errors are ephemeral: only the person who asked sees them. */
function errorReply(text: string): Reply {
  return { content: text, ephemeral: true };
}

function userIdOf(interaction: APIInteraction): string | undefined {
  return interaction.member?.user?.id ?? interaction.user?.id;
}

function guildIdOf(interaction: APIInteraction): string | undefined {
  return 'guild_id' in interaction && typeof interaction.guild_id === 'string' ? interaction.guild_id : undefined;
}

export class Dispatcher {
  readonly commands: Map<string, Command>;
  private readonly byPrefix = new Map<string, Command>();
  private readonly deferAfterMs: number;
  private readonly handlerTimeoutMs: number;
  private readonly attachmentOpts: { maxBytes: number; timeoutMs: number; extraHosts: string[] };
  private readonly guard?: AbuseGuard;
  private readonly maxQueued: number;
  private readonly waiting: Array<() => void> = [];
  private pumping = false;
  /** Moving average of handlers' synchronous time, ms (prior: 50 ms, about a /size with its chart). */
  private cpuMs = 50;

  constructor(private readonly opts: DispatcherOptions) {
    if (opts.rateLimit !== false) this.guard = new AbuseGuard(opts.rateLimit ?? {});
    this.maxQueued = this.guard?.limits.maxQueued ?? Infinity;
    this.commands = new Map(opts.commands.map((c) => [c.definition.name, c]));
    for (const c of opts.commands) if (c.buttonPrefix) this.byPrefix.set(c.buttonPrefix, c);
    this.deferAfterMs = opts.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
    this.handlerTimeoutMs = opts.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
    this.attachmentOpts = {
      maxBytes: opts.attachments?.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES,
      timeoutMs: opts.attachments?.timeoutMs ?? DEFAULT_ATTACHMENT_TIMEOUT_MS,
      extraHosts: opts.attachments?.extraHosts ?? [],
    };
  }

  private draining = false;

  /** Stop taking new work (shutdown): new commands and clicks are told to ask again; in-flight ones finish. */
  drain(): void {
    this.draining = true;
  }

  /** Handle one interaction to the end. Never rejects. */
  async handle(interaction: APIInteraction, initial: InitialSender): Promise<void> {
    const log = this.opts.log.child({ interaction: interaction.id, type: interaction.type });
    const responder = new InteractionResponder(interaction, initial, this.opts.webhook, log);
    const started = Date.now();
    try {
      const problem = interactionProblem(interaction);
      if (problem) {
        log.info({ problem }, 'malformed interaction refused');
        const raw = interaction as { id?: unknown; token?: unknown; type?: unknown };
        if (typeof raw.id !== 'string' || typeof raw.token !== 'string') return;
        if (raw.type === IT.Autocomplete) await responder.autocomplete([]);
        else if (raw.type !== IT.Ping) await responder.reply(errorReply(MESSAGES[lang(replyLocale(typeof (interaction as { locale?: unknown }).locale === 'string' ? (interaction as { locale: string }).locale : undefined))].malformed));
        return;
      }
      if (this.draining && interaction.type !== (IT.Ping as number)) {
        log.info('interaction refused while shutting down');
        if (interaction.type === (IT.Autocomplete as number)) await responder.autocomplete([]);
        else await responder.reply(errorReply(LIMIT_TEXT[lang(replyLocale('locale' in interaction ? interaction.locale : undefined))].restarting));
        return;
      }
      if (this.guard && interaction.type !== (IT.Ping as number)) {
        const auto = interaction.type === (IT.Autocomplete as number);
        const { waitMs, scope } = this.guard.check(auto ? 'autocomplete' : 'work', userIdOf(interaction), guildIdOf(interaction));
        const locale = replyLocale('locale' in interaction ? interaction.locale : undefined);
        if (waitMs > 0) {
          log.info({ user: userIdOf(interaction), guild: guildIdOf(interaction), scope, waitMs }, 'rate limited');
          if (auto) await responder.autocomplete([]);
          else {
            const s = String(Math.max(1, Math.ceil(waitMs / 1000)));
            await responder.reply(errorReply(scope === 'guild' ? LIMIT_TEXT[lang(locale)].guildSlowDown(s) : LIMIT_TEXT[lang(locale)].slowDown(s)));
          }
          return;
        }
        if (!auto && this.waiting.length >= this.maxQueued) {
          log.warn({ queued: this.waiting.length }, 'work queue full; interaction refused');
          await responder.reply(errorReply(LIMIT_TEXT[lang(locale)].busy));
          return;
        }
      }
      switch (interaction.type as number) {
        case IT.Ping:
          await responder.pong();
          break;
        case IT.ApplicationCommand:
          await this.onCommand(interaction, responder, log);
          break;
        case IT.Autocomplete:
          await this.onAutocomplete(interaction, responder, log);
          break;
        case IT.MessageComponent:
          await this.onComponent(interaction, responder, log);
          break;
        default: {
          const locale = replyLocale('locale' in interaction ? interaction.locale : undefined);
          await responder.reply(errorReply(MESSAGES[lang(locale)].unsupported));
        }
      }
      log.debug({ ms: Date.now() - started }, 'interaction answered');
    } catch (err) {
      // The reply itself failed. Nothing more can reach the user.
      if (err instanceof Error && err.name === 'InteractionExpired') log.info({ code: (err as Error & { code?: number }).code, ms: Date.now() - started }, 'interaction expired before it was answered; dropped');
      else log.error({ err, ms: Date.now() - started }, 'could not answer interaction');
    }
  }

  private context(interaction: APIInteraction, ex: Extracted): CommandContext {
    const ctx: CommandContext = { locale: replyLocale('locale' in interaction ? interaction.locale : undefined), options: ex.options };
    const first = ex.attachments[0];
    if (first) ctx.attachment = first;
    if (ex.attachments.length) {
      const allowed = ex.attachments;
      ctx.fetchAttachment = (a: AttachmentRef) => downloadAttachment(a, allowed, this.attachmentOpts);
    }
    return ctx;
  }

  private async onCommand(interaction: APIInteraction, responder: InteractionResponder, log: Logger): Promise<void> {
    if (interaction.type !== (IT.ApplicationCommand as number) || !interaction.data) return;
    const data = interaction.data as { name: string; options?: APIApplicationCommandInteractionDataOption[]; resolved?: { attachments?: Record<string, APIAttachment> } };
    const command = this.commands.get(data.name);
    const locale = replyLocale(interaction.locale);
    if (!command) {
      log.warn({ command: data.name }, 'unknown command');
      await responder.reply(errorReply(MESSAGES[lang(locale)].unknownCommand));
      return;
    }
    for (const o of data.options ?? []) {
      if (o.type === (OT.Subcommand as number) || o.type === (OT.SubcommandGroup as number)) continue;
      const def = command.definition.options?.find((d) => d.name === o.name);
      // Declared options are checked against their definition; anything else is still cut by the command's parser.
      const problem = def ? optionProblem(def, o as Parameters<typeof optionProblem>[1]) : undefined;
      if (problem) {
        log.info({ command: data.name, option: o.name.slice(0, 32), problem }, 'option refused');
        const shown = optionProblem(def, o as Parameters<typeof optionProblem>[1], false, locale) ?? problem;
        await responder.reply(errorReply(MESSAGES[lang(locale)].badOption.replace('{problem}', shown)));
        return;
      }
    }
    const ctx = this.context(interaction, extractOptions(data.options, data.resolved?.attachments));
    let slow = false;
    try {
      slow = !!command.mayBeSlow?.(ctx);
    } catch (err) {
      log.warn({ err }, 'mayBeSlow threw');
    }
    await this.run(responder, ctx, () => command.execute(ctx), slow, log.child({ command: data.name }));
  }

  private async onComponent(interaction: APIInteraction, responder: InteractionResponder, log: Logger): Promise<void> {
    if (interaction.type !== (IT.MessageComponent as number) || !interaction.data) return;
    const customId = (interaction.data as { custom_id: string }).custom_id;
    const locale = replyLocale(interaction.locale);
    const prefix = customId.split(':', 1)[0] ?? '';
    const command = this.byPrefix.get(prefix);
    if (!command?.button) {
      log.warn({ prefix }, 'no handler for button');
      await responder.reply(errorReply(MESSAGES[lang(locale)].unknownButton));
      return;
    }
    const ctx: CommandContext = { locale, options: {} };
    // A what-if click answers with a new public message (type 4) so the original answer stays for comparison;
    // paging buttons edit the clicked message in place (type 7, or 6 then an edit when slow).
    if (command.buttonMode === 'update') responder.setMode('update');
    await this.run(responder, ctx, () => command.button!(customId, ctx), false, log.child({ button: prefix }));
  }

  private async onAutocomplete(interaction: APIInteraction, responder: InteractionResponder, log: Logger): Promise<void> {
    if (interaction.type !== (IT.Autocomplete as number) || !interaction.data) return;
    const data = interaction.data as { name: string; options?: APIApplicationCommandInteractionDataOption[] };
    const command = this.commands.get(data.name);
    const ex = extractOptions(data.options, undefined);
    let choices: { name: string; value: string }[] = [];
    if (command?.autocomplete && ex.focused) {
      try {
        choices = (await command.autocomplete(ex.focused, this.context(interaction, ex))) ?? [];
      } catch (err) {
        log.error({ err, command: data.name }, 'autocomplete failed');
      }
    }
    // Autocomplete cannot be deferred: answer now, whatever happened.
    await responder.autocomplete(choices);
  }

  /**
   * Start handlers one per event-loop turn. Commands compute (and render PNGs) synchronously, so 50 started
   * at once would hold the loop for their whole CPU time and no acknowledgement could leave before Discord's
   * 3 s: between starts the loop runs timers (the defer timer) and I/O (acks going out, new interactions in).
   */
  private inTurn(start: () => void): void {
    this.waiting.push(start);
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(this.pump);
    }
  }

  private readonly pump = (): void => {
    const start = this.waiting.shift();
    try {
      start?.();
    } finally {
      if (this.waiting.length) setImmediate(this.pump);
      else this.pumping = false;
    }
  };

  /** Run a handler; defer when it is known to be slow or has not finished within deferAfterMs. */
  private async run(responder: InteractionResponder, ctx: CommandContext, work: () => Promise<Reply>, slow: boolean, log: Logger): Promise<void> {
    const deferred: Promise<void>[] = [];
    const deferNow = () => {
      if (!responder.acknowledged) {
        deferred.push(
          responder.defer().catch((err: unknown) => {
            log.error({ err }, 'defer failed');
          }),
        );
      }
    };
    // Under load, acknowledge first when the wait for a turn itself may be long.
    if (slow || (this.waiting.length + 1) * this.cpuMs > QUEUE_DEFER_MS) deferNow();

    let timer: NodeJS.Timeout | undefined;
    let hardTimer: NodeJS.Timeout | undefined;
    const outcome = new Promise<{ reply: Reply } | { error: unknown }>((resolve) => {
      hardTimer = setTimeout(() => resolve({ error: new HandlerTimeout() }), this.handlerTimeoutMs);
      this.inTurn(() => {
        Promise.resolve()
          .then(() => {
            // The synchronous part of a handler (up to its first await) is what holds the loop.
            const t0 = performance.now();
            const p = work();
            this.cpuMs = 0.7 * this.cpuMs + 0.3 * (performance.now() - t0);
            return p;
          })
          .then(
            (reply) => resolve({ reply }),
            (error: unknown) => resolve({ error }),
          );
      });
    });
    if (!responder.acknowledged) timer = setTimeout(deferNow, this.deferAfterMs);
    const result = await outcome;
    clearTimeout(timer);
    clearTimeout(hardTimer);
    await Promise.all(deferred);

    let reply: Reply;
    if ('reply' in result && result.reply && typeof result.reply === 'object') {
      reply = result.reply;
    } else {
      const error = 'error' in result ? result.error : new Error('handler returned no reply');
      if (error instanceof AttachmentError) {
        log.info({ code: error.code, detail: error.message }, 'attachment rejected');
        reply = errorReply(ATTACHMENT_MESSAGES[lang(ctx.locale)][error.code](this.attachmentOpts.maxBytes));
      } else if (error instanceof HandlerTimeout) {
        log.error({ ms: this.handlerTimeoutMs }, 'handler timed out');
        reply = errorReply(MESSAGES[lang(ctx.locale)].timeout);
      } else {
        // One structured line: the interaction id is on the child logger; option names only, never values or tokens.
        log.error({ err: error, options: Object.keys(ctx.options) }, 'handler failed');
        reply = errorReply(MESSAGES[lang(ctx.locale)].apology);
      }
    }
    await responder.reply(reply);
  }
}
