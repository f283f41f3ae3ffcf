// The one respond helper. Every message the bot sends (initial callback, deferred edit, follow-up) goes
// through `toMessage`, which always sets `allowed_mentions: { parse: [] }`, marks errors ephemeral, trims to
// Discord's limits and turns Reply.files into multipart attachments. `InteractionResponder` sends it:
// it knows whether the interaction was already acknowledged and picks the callback / webhook route.
import type {
  APIActionRowComponent,
  APIApplicationCommandOptionChoice,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIInteraction,
  APIInteractionResponse,
  APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { replyLocale, type AutocompleteChoice, type Locale, type Reply, type ReplyFile } from '../../commands/types.ts';
import { localizeChoices, localizeReply } from '../render/zh-tw.ts';
import type { Logger } from './log.ts';

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  componentsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  files: 10,
} as const;

export const EPHEMERAL = 1 << 6;
/** MessageFlags.IsComponentsV2: the message is a components layout (no content, no embeds). */
export const IS_COMPONENTS_V2 = 1 << 15;
/** Discord's limits for a components-v2 message. */
export const V2_LIMITS = { components: 40, text: 4000 } as const;
const ELLIPSIS = '…';

/** Raw file for multipart: field name `files[i]`, matching `attachments[i].id`. */
export interface OutgoingFile {
  name: string;
  data: Buffer;
  contentType?: string;
}

export type MessageBody = APIInteractionResponseCallbackData & {
  allowed_mentions: { parse: [] };
  attachments?: { id: string; filename: string; description?: string }[];
};

export interface OutgoingMessage {
  body: MessageBody;
  files: OutgoingFile[];
}

/** Cut to `max` UTF-16 units, ending in an ellipsis, never splitting a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let cut = max - 1;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return s.slice(0, Math.max(0, cut)) + ELLIPSIS;
}

/** Characters counted towards the 6000 total of one embed. */
export function embedLength(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text?.length ?? 0) + (e.author?.name?.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Trim embeds to the per-field limits and the 6000-character total per message. */
export function clampEmbeds(embeds: APIEmbed[] | undefined): APIEmbed[] {
  if (!embeds?.length) return [];
  let budget: number = LIMITS.embedTotal;
  const take = (s: string, limit: number): string => {
    const out = clip(s, Math.min(limit, budget));
    budget -= out.length;
    return out;
  };
  const out: APIEmbed[] = [];
  for (const src of embeds.slice(0, LIMITS.embeds)) {
    if (budget <= 0) break;
    const e: APIEmbed = { ...src };
    if (e.title !== undefined) e.title = take(e.title, LIMITS.embedTitle) || undefined;
    if (e.author) e.author = { ...e.author, name: take(e.author.name, LIMITS.authorName) || '\u200b' };
    if (e.description !== undefined) e.description = take(e.description, LIMITS.embedDescription) || undefined;
    if (e.fields) {
      const fields = [];
      for (const f of e.fields.slice(0, LIMITS.embedFields)) {
        // A field needs a non-empty name and value; stop when they no longer fit.
        if (budget < 2) break;
        const name = take(f.name || '\u200b', LIMITS.fieldName) || '\u200b';
        const value = take(f.value || '\u200b', LIMITS.fieldValue);
        if (!value) break;
        fields.push({ ...f, name, value });
      }
      e.fields = fields;
    }
    if (e.footer) {
      const text = take(e.footer.text, LIMITS.footer);
      if (text) e.footer = { ...e.footer, text };
      else delete e.footer;
    }
    for (const k of Object.keys(e) as (keyof APIEmbed)[]) if (e[k] === undefined) delete e[k];
    out.push(e);
  }
  return out;
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** At most 5 rows of at most 5 components; a component whose custom_id is over 100 chars is dropped (its state would be lost). */
export function clampComponents(rows: Row[] | undefined, log?: Logger): Row[] {
  if (!rows?.length) return [];
  const out: Row[] = [];
  for (const row of rows) {
    if (out.length >= LIMITS.actionRows) {
      log?.warn({ rows: rows.length }, 'reply has more than 5 action rows; extra rows dropped');
      break;
    }
    const components: APIComponentInMessageActionRow[] = [];
    for (const c of row.components.slice(0, LIMITS.componentsPerRow)) {
      const id = 'custom_id' in c ? c.custom_id : undefined;
      if (typeof id === 'string' && (id.length === 0 || id.length > LIMITS.customId)) {
        log?.warn({ length: id.length, prefix: id.slice(0, 20) }, 'custom_id longer than 100 characters; component dropped');
        continue;
      }
      if ('label' in c && typeof c.label === 'string' && c.label.length > LIMITS.buttonLabel) {
        components.push({ ...c, label: clip(c.label, LIMITS.buttonLabel) } as APIComponentInMessageActionRow);
      } else components.push(c);
    }
    if (components.length) out.push({ ...row, components });
  }
  return out;
}

/** Autocomplete: <= 25 choices, name and value 1..100 chars. */
export function clampChoices(choices: AutocompleteChoice[] | undefined): APIApplicationCommandOptionChoice<string>[] {
  const out: APIApplicationCommandOptionChoice<string>[] = [];
  for (const c of choices ?? []) {
    if (out.length >= LIMITS.choices) break;
    if (typeof c?.name !== 'string' || typeof c?.value !== 'string') continue;
    const name = clip(c.name, LIMITS.choiceName);
    if (!name || !c.value || c.value.length > LIMITS.choiceValue) continue; // a cut value would not round-trip
    out.push({ name, value: c.value });
  }
  return out;
}

function toFiles(files: ReplyFile[] | undefined): OutgoingFile[] {
  return (files ?? []).slice(0, LIMITS.files).map((f) => ({
    name: f.name,
    data: f.data,
    contentType: f.name.endsWith('.png') ? 'image/png' : f.name.endsWith('.json') ? 'application/json' : undefined,
  }));
}

type Node = { type: number; content?: string; components?: Node[]; accessory?: Node; items?: unknown[]; custom_id?: string; label?: string };

/** Components in a v2 layout, nested ones included (Discord's limit is 40). */
export function countComponents(nodes: readonly unknown[]): number {
  let n = 0;
  for (const x of nodes as Node[]) {
    n += 1;
    if (x.components) n += countComponents(x.components);
    if (x.accessory) n += 1;
  }
  return n;
}

/** Characters in all text displays of a v2 layout (Discord's limit is 4000). */
export function layoutTextLength(nodes: readonly unknown[]): number {
  let n = 0;
  for (const x of nodes as Node[]) {
    if (x.type === 10 && typeof x.content === 'string') n += x.content.length;
    if (x.components) n += layoutTextLength(x.components);
    if (x.accessory) n += layoutTextLength([x.accessory]);
  }
  return n;
}

/** Keep a v2 layout inside Discord's limits: long text displays are clipped, rows over 5 and ids over 100 dropped. */
export function clampLayout(nodes: readonly unknown[], log?: Logger): Node[] {
  let textBudget: number = V2_LIMITS.text;
  let count = 0;
  const walk = (list: Node[], inRow: boolean): Node[] => {
    const out: Node[] = [];
    for (const x of inRow ? list.slice(0, LIMITS.componentsPerRow) : list) {
      if (count >= V2_LIMITS.components) {
        log?.warn('v2 layout over 40 components; the rest dropped');
        break;
      }
      if (typeof x.custom_id === 'string' && (x.custom_id.length === 0 || x.custom_id.length > LIMITS.customId)) {
        log?.warn({ length: x.custom_id.length, prefix: x.custom_id.slice(0, 20) }, 'custom_id longer than 100 characters; component dropped');
        continue;
      }
      count += 1;
      const y: Node = { ...x };
      if (y.type === 10 && typeof y.content === 'string') {
        y.content = clip(y.content, Math.max(1, textBudget));
        textBudget -= y.content.length;
      }
      if (typeof y.label === 'string' && y.label.length > LIMITS.buttonLabel) y.label = clip(y.label, LIMITS.buttonLabel);
      if (y.components) {
        y.components = walk(y.components, y.type === 1);
        if (!y.components.length) {
          count -= 1;
          continue;
        }
      }
      if (y.accessory) {
        count += 1;
        [y.accessory] = walk([y.accessory], false);
      }
      out.push(y);
    }
    return out;
  };
  return walk(nodes as Node[], false);
}

/** Reply -> message body + files, within Discord's limits. */
export function toMessage(reply: Reply, log?: Logger): OutgoingMessage {
  const files = toFiles(reply.files);
  if (reply.layout?.length) {
    const body: MessageBody = { allowed_mentions: { parse: [] }, components: clampLayout(reply.layout, log) as MessageBody['components'], flags: IS_COMPONENTS_V2 | (reply.ephemeral ? EPHEMERAL : 0) };
    if (files.length) {
      body.attachments = files.map((f, i) => {
        const d = reply.files?.[i]?.description;
        return d ? { id: String(i), filename: f.name, description: clip(d, 1024) } : { id: String(i), filename: f.name };
      });
    }
    return { body, files };
  }
  const embeds = clampEmbeds(reply.embeds);
  const components = clampComponents(reply.components, log);
  let content = reply.content !== undefined ? clip(reply.content, LIMITS.content) : undefined;
  if (!content && !embeds.length && !files.length) content = reply.text ? clip(reply.text, LIMITS.content) : '\u200b';
  const body: MessageBody = { allowed_mentions: { parse: [] } };
  if (content) body.content = content;
  // An edit replaces every field it names: send empty arrays so a deferred "thinking" message loses nothing stale.
  body.embeds = embeds;
  body.components = components;
  if (files.length) {
    body.attachments = files.map((f, i) => {
      const d = reply.files?.[i]?.description;
      return d ? { id: String(i), filename: f.name, description: clip(d, 1024) } : { id: String(i), filename: f.name };
    });
  }
  if (reply.ephemeral) body.flags = EPHEMERAL;
  return { body, files };
}

// ---------------------------------------------------------------------------------------------------------

/** Where the initial response goes: a REST callback (gateway) or the HTTP response body (HTTP endpoint). */
export type InitialSender = (response: APIInteractionResponse, files: OutgoingFile[]) => Promise<void>;

/** The webhook calls after the initial response (both transports use REST for these). */
export interface WebhookApi {
  editOriginal(applicationId: string, token: string, body: unknown, files: OutgoingFile[]): Promise<unknown>;
  deleteOriginal(applicationId: string, token: string): Promise<unknown>;
  followUp(applicationId: string, token: string, body: unknown, files: OutgoingFile[]): Promise<unknown>;
}

export type ReplyMode = 'new' | 'update';

/** Sends the answer to one interaction, once, by the right route. */
/**
 * A message body for an edit (type 7 update, or PATCH of the original): ephemerality cannot change on edit, so
 * every flag but components v2 is dropped; a components-v2 layout must say so on the edit that brings it.
 */
function editBody<B extends { flags?: number }>(body: B): Omit<B, 'flags'> | (Omit<B, 'flags'> & { flags: number }) {
  const { flags, ...rest } = body;
  return flags && flags & IS_COMPONENTS_V2 ? { ...rest, flags: IS_COMPONENTS_V2 } : rest;
}

export class InteractionResponder {
  private state: 'fresh' | 'deferring' | 'deferred' | 'replied' = 'fresh';
  private deferPromise?: Promise<void>;
  private deferredEphemeral = false;
  private mode: ReplyMode = 'new';

  constructor(
    private readonly interaction: APIInteraction,
    private readonly initial: InitialSender,
    private readonly webhook: WebhookApi,
    private readonly log?: Logger,
  ) {
    const l = (interaction as { locale?: unknown }).locale;
    this.locale = replyLocale(typeof l === 'string' ? l : undefined);
  }

  /** The reader's locale: a zh-TW reader's replies are converted to Traditional here, on their way out. */
  private readonly locale: Locale;

  /** Component clicks that page through a list edit the clicked message instead of posting a new one. */
  setMode(mode: ReplyMode): void {
    if (this.state === 'fresh') this.mode = mode;
  }

  get acknowledged(): boolean {
    return this.state !== 'fresh';
  }

  /** Type 5: "Headroom is thinking…". A deferred message is public unless `ephemeral`. */
  defer(ephemeral = false): Promise<void> {
    if (this.state !== 'fresh') return this.deferPromise ?? Promise.resolve();
    this.state = 'deferring';
    this.deferredEphemeral = ephemeral;
    // Type 6 acknowledges a click whose answer will edit the clicked message; type 5 shows "thinking…".
    const ack = this.mode === 'update' ? { type: 6 } : { type: 5, data: ephemeral ? { flags: EPHEMERAL } : {} };
    this.deferPromise = this.initial(ack, []).then(() => {
      this.state = 'deferred';
    });
    return this.deferPromise;
  }

  /** Answer with a message: initial type 4 when fresh, else edit the deferred original. */
  async reply(reply: Reply): Promise<void> {
    const msg = toMessage(localizeReply(reply, this.locale), this.log);
    if (this.state === 'fresh') {
      this.state = 'replied';
      if (this.mode === 'update' && !reply.ephemeral) {
        await this.initial({ type: 7, data: editBody(msg.body) }, msg.files);
      } else await this.initial({ type: 4, data: msg.body }, msg.files);
      return;
    }
    if (this.deferPromise) await this.deferPromise;
    if (this.state === 'replied') {
      // Already answered: anything more is a follow-up.
      await this.webhook.followUp(this.interaction.application_id, this.interaction.token, msg.body, msg.files);
      return;
    }
    this.state = 'replied';
    const wantEphemeral = !!reply.ephemeral;
    if (this.mode === 'update' && wantEphemeral) {
      // The clicked message stays as it was; the problem goes to the clicker alone.
      await this.webhook.followUp(this.interaction.application_id, this.interaction.token, msg.body, msg.files);
      return;
    }
    if (wantEphemeral && !this.deferredEphemeral) {
      // The deferred placeholder is public and an edit cannot make it ephemeral: remove it, answer privately.
      await this.webhook.deleteOriginal(this.interaction.application_id, this.interaction.token).catch((err: unknown) => {
        this.log?.warn({ err }, 'could not delete the deferred placeholder');
      });
      await this.webhook.followUp(this.interaction.application_id, this.interaction.token, msg.body, msg.files);
      return;
    }
    await this.webhook.editOriginal(this.interaction.application_id, this.interaction.token, editBody(msg.body), msg.files);
  }

  async autocomplete(choices: AutocompleteChoice[]): Promise<void> {
    if (this.state !== 'fresh') return;
    this.state = 'replied';
    await this.initial({ type: 8, data: { choices: clampChoices(localizeChoices(choices, this.locale)) } }, []);
  }

  async pong(): Promise<void> {
    this.state = 'replied';
    await this.initial({ type: 1 }, []);
  }
}
