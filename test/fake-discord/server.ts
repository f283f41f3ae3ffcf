// A loopback stand-in for Discord: REST (/api/v10) + gateway (JSON, uncompressed) + CDN attachments on
// 127.0.0.1, random port. It checks every request body the bot sends against Discord's OpenAPI description,
// enforces the rules Discord enforces (3-second acknowledgement, one callback per interaction, message
// limits, bot-token auth), records everything, and lets a test deliver interactions and read what the bot
// answered, with timing.
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Worker } from 'node:worker_threads';
import type {
  APIApplicationCommandOption,
  APIAttachment,
  APIEmbed,
  APIInteraction,
  APIMessage,
  APIUser,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { discordSpec, type DiscordSpec, type SpecError } from './spec.ts';
import {
  apiUser,
  autocompleteInteraction,
  botToken,
  buttonInteraction,
  chatInputInteraction,
  guildCreatePayload,
  pingInteraction,
  readyPayload,
  snowflake,
  type FakeUser,
  type InteractionPlace,
  type OptionPayload,
  type Scene,
} from './payloads.ts';

export interface FakeDiscordOptions {
  applicationId?: string;
  token?: string;
  guildId?: string;
  /** Discord's acknowledgement window (3 s). */
  callbackDeadlineMs?: number;
  /** Interaction tokens live 15 minutes. */
  tokenLifetimeMs?: number;
  heartbeatIntervalMs?: number;
  spec?: DiscordSpec;
}

export type ViolationKind = 'schema' | 'limit' | 'protocol' | 'policy' | 'auth' | 'route' | 'gateway';

export interface Violation {
  kind: ViolationKind;
  method?: string;
  path?: string;
  interactionId?: string;
  message: string;
  errors?: SpecError[];
}

export interface FileRecord {
  field: string;
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  at: number;
  authorized: boolean;
  body?: unknown;
  files: FileRecord[];
}

export type EventKind = 'callback' | 'edit' | 'delete' | 'get' | 'followup' | 'followup-edit' | 'http-response';

export interface InteractionEvent {
  kind: EventKind;
  /** ms since the interaction was dispatched to the bot. */
  at: number;
  status: number;
  body?: unknown;
  files: FileRecord[];
  error?: { code: number; message: string };
}

export type FakeMessage = APIMessage & { flags: number };

export interface InteractionOutcome {
  id: string;
  interaction: APIInteraction;
  via: 'gateway' | 'http';
  events: InteractionEvent[];
  /** The first accepted callback type (4 message, 5 deferred, 8 autocomplete, 1 pong, ...). */
  callbackType?: number;
  deferred: boolean;
  /** ms from dispatch to the accepted callback. */
  ackMs?: number;
  /** ms from dispatch to the complete answer (callback, or the edit/follow-up after a deferral). */
  doneMs?: number;
  /** The original response after edits (undefined when deleted or never created). */
  message?: FakeMessage;
  followUps: FakeMessage[];
  /** What the user sees as the answer: the original, or the follow-up that replaced a deleted original. */
  answer?: FakeMessage;
  ephemeral: boolean;
  choices?: { name: string; value: string | number }[];
  /** Requests for this interaction that Discord rejected. */
  rejected: InteractionEvent[];
  timedOut: boolean;
}

interface InteractionState {
  interaction: APIInteraction;
  via: 'gateway' | 'http';
  dispatchedAt: number;
  scene: Scene;
  ack?: { type: number; at: number };
  original?: FakeMessage;
  originalDeleted: boolean;
  followUps: FakeMessage[];
  events: InteractionEvent[];
  choices?: { name: string; value: string | number }[];
  doneAt?: number;
  waiters: Array<() => void>;
  /** HTTP delivery: settles once the endpoint's response has been applied as the callback. */
  httpResponse?: Promise<void>;
}

interface StoredCommand extends RESTPostAPIChatInputApplicationCommandsJSONBody {
  id: string;
  application_id: string;
  version: string;
  guild_id?: string;
}

interface ServedFile {
  data: Buffer;
  contentType: string;
  declaredSize: number;
  delayMs: number;
}

export interface AttachmentInput {
  /** Marker the option builder recognises. */
  readonly __attachment: true;
  attachment: APIAttachment;
}

export interface InteractionOptions {
  locale?: string;
  place?: InteractionPlace;
  user?: FakeUser;
}

export interface SendOptions {
  /** Give up waiting for the answer after this long (the outcome says timedOut). */
  timeoutMs?: number;
  /** After the answer is complete, keep listening this long for stray extra requests. */
  settleMs?: number;
  /** HTTP delivery: POST on a new connection of its own (no keep-alive pool), as a fresh connection from Discord. */
  freshConnection?: boolean;
}

/** POST on a new TCP connection; resolves like fetch's essentials, rejects with the socket error (ECONNRESET, …). */
function postFresh(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; contentType: string; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Absolute milliseconds, comparable between the main thread and the front-door worker. */
const now = () => performance.timeOrigin + performance.now();

/** A request as the front door relays it (stamped with its arrival time there). */
interface FrontRequest {
  id: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  receivedAt: number;
}

export type FaultKind = 'callback' | 'edit' | 'delete' | 'followup';
export type FaultStatus = 429 | 500 | 502 | 503 | 404 | 401 | 'hang';
interface Fault {
  kind: FaultKind;
  status: FaultStatus;
  times: number;
  retryAfterS: number;
  /** Discord JSON error code for 4xx faults (10062 Unknown interaction, 50027 Invalid webhook token). */
  code?: number;
}

/** Which interaction route a REST request is, for fault injection. */
function faultKindOf(method: string, path: string): FaultKind | undefined {
  if (method === 'POST' && /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return 'callback';
  const m = /^\/api\/v10\/webhooks\/\d+\/[^/]+(\/messages\/(@original|%40original))?$/.exec(path);
  if (!m) return undefined;
  if (!m[1]) return method === 'POST' ? 'followup' : undefined;
  return method === 'PATCH' ? 'edit' : method === 'DELETE' ? 'delete' : undefined;
}

interface FrontResponse {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array;
}

interface GatewayClient {
  id: number;
  seq: number;
  sessionId?: string;
  ready: boolean;
  open: boolean;
  send(payload: unknown, onSent?: (at: number) => void): void;
  close(code: number, reason: string): void;
}

const EPHEMERAL = 1 << 6;
const IS_COMPONENTS_V2 = 1 << 15;
const LOADING = 1 << 7;
export const VALID_LOCALES = new Set([
  'id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'fi',
  'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko',
]);

class HttpFail extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const discordError = (status: number, code: number, message: string, errors?: unknown) =>
  new HttpFail(status, errors ? { code, message, errors } : { code, message });

/** Discord's nested error shape: { data: { embeds: { 0: { title: { _errors: [...] } } } } } */
function formErrors(errors: { path: string; message: string; code?: string }[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const e of errors) {
    const parts = e.path.split('/').filter(Boolean);
    let node = root;
    for (const p of parts) node = (node[p] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push({ code: e.code ?? 'BASE_TYPE_INVALID', message: e.message });
  }
  return root;
}

function embedChars(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text?.length ?? 0) + (e.author?.name?.length ?? 0);
  for (const f of e.fields ?? []) n += (f.name?.length ?? 0) + (f.value?.length ?? 0);
  return n;
}

type MessageBody = {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: { type: number; components?: { type: number; custom_id?: string; style?: number; url?: string; label?: string }[] }[] | null;
  attachments?: { id: string | number; filename?: string }[] | null;
  allowed_mentions?: { parse?: unknown[] } | null;
  flags?: number | null;
  poll?: unknown;
};

/** Rules Discord applies beyond the OpenAPI schema. */
export function messageLimitErrors(body: MessageBody, files: FileRecord[], creating: boolean): { path: string; message: string; code: string }[] {
  const errs: { path: string; message: string; code: string }[] = [];
  const embeds = body.embeds ?? [];
  const total = embeds.reduce((n, e) => n + embedChars(e), 0);
  if (total > 6000) errs.push({ path: '/embeds', code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of 6000 (${total})` });
  embeds.forEach((e, i) => {
    (e.fields ?? []).forEach((f, j) => {
      if (!f.name) errs.push({ path: `/embeds/${i}/fields/${j}/name`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      if (!f.value) errs.push({ path: `/embeds/${i}/fields/${j}/value`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    });
  });
  const rows = body.components ?? [];
  const v2 = ((body.flags ?? 0) & IS_COMPONENTS_V2) !== 0;
  if (!v2 && rows.length > 5) errs.push({ path: '/components', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  const ids = new Set<string>();
  if (v2) {
    // Components v2: the layout is the whole message (no content, no embeds), at most 40 components in all and
    // 4000 characters of text displays; action rows hold 1-5 buttons, sections 1-3 text displays and an accessory.
    if (body.content) errs.push({ path: '/content', code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', message: 'content cannot be used with IS_COMPONENTS_V2' });
    if (embeds.length) errs.push({ path: '/embeds', code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', message: 'embeds cannot be used with IS_COMPONENTS_V2' });
    let count = 0;
    let chars = 0;
    type V2Node = { type: number; content?: string; components?: V2Node[]; accessory?: V2Node; items?: unknown[]; custom_id?: string; style?: number; url?: string };
    const walk = (list: V2Node[], path: string, parent: number) => {
      list.forEach((c, i) => {
        const p = `${path}/${i}`;
        count += 1;
        if (c.type === 10) chars += (c.content ?? '').length;
        if (parent === 1 && c.type !== 2 && c.type !== 3 && c.type !== 5 && c.type !== 6 && c.type !== 7 && c.type !== 8)
          errs.push({ path: p, code: 'UNION_TYPE_CHOICES', message: 'Action rows hold buttons and selects only' });
        if (parent === 17 && ![1, 9, 10, 12, 13, 14].includes(c.type)) errs.push({ path: p, code: 'UNION_TYPE_CHOICES', message: 'Not allowed in a container' });
        if (parent === 0 && c.type === 2) errs.push({ path: p, code: 'UNION_TYPE_CHOICES', message: 'Buttons must sit in an action row or a section accessory' });
        if (c.type === 1 && (!(c.components ?? []).length || (c.components ?? []).length > 5))
          errs.push({ path: `${p}/components`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
        if (c.type === 9) {
          const n = (c.components ?? []).length;
          if (n < 1 || n > 3) errs.push({ path: `${p}/components`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 3 in length.' });
          if (!c.accessory) errs.push({ path: `${p}/accessory`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
        if (c.type === 12 && (!(c.items ?? []).length || (c.items ?? []).length > 10))
          errs.push({ path: `${p}/items`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 10 in length.' });
        if (c.type === 17 && !(c.components ?? []).length) errs.push({ path: `${p}/components`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 40 in length.' });
        checkInteractive(c, p);
        if (c.components) walk(c.components, `${p}/components`, c.type);
        if (c.accessory) walk([c.accessory], `${p}/accessory`, 9);
      });
    };
    walk(rows as V2Node[], '/components', 0);
    if (count > 40) errs.push({ path: '/components', code: 'MAX_COMPONENTS', message: `Must be 40 or fewer components in total (${count})` });
    if (chars > 4000) errs.push({ path: '/components', code: 'MAX_TEXT_DISPLAY', message: `Text displays exceed 4000 characters in total (${chars})` });
  }
  function checkInteractive(c: { type: number; custom_id?: string; style?: number; url?: string }, p: string) {
    if (c.custom_id !== undefined && c.custom_id.length > 100)
      errs.push({ path: `${p}/custom_id`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
    if (c.type === 2) {
      if (c.style === 5 && (!c.url || c.custom_id)) errs.push({ path: p, code: 'BUTTON_COMPONENT_URL_REQUIRED', message: 'A link button needs a url and no custom_id' });
      if (c.style !== 5 && c.style !== 6 && !c.custom_id)
        errs.push({ path: p, code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', message: 'A non-link button must have a custom_id' });
    }
    if (c.custom_id) {
      if (ids.has(c.custom_id)) errs.push({ path: `${p}/custom_id`, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      ids.add(c.custom_id);
    }
  }
  if (!v2)
    rows.forEach((row, r) => {
      if (row.type !== 1) errs.push({ path: `/components/${r}`, code: 'UNION_TYPE_CHOICES', message: 'Top-level components must be action rows' });
      (row.components ?? []).forEach((c, i) => checkInteractive(c, `/components/${r}/components/${i}`));
    });
  const declared = body.attachments ?? [];
  for (const a of declared) {
    const idx = Number(a.id);
    if (Number.isInteger(idx) && !files.some((f) => f.field === `files[${idx}]`))
      errs.push({ path: '/attachments', code: 'ATTACHMENT_NOT_FOUND', message: `attachments[].id ${a.id} has no files[${idx}] part` });
  }
  if (creating && !body.content && !embeds.length && !rows.length && !files.length && !body.poll)
    errs.push({ path: '', code: 'EMPTY_MESSAGE', message: 'Cannot send an empty message' });
  return errs;
}

/** Rules for application command definitions beyond the schema. */
export function commandLimitErrors(defs: RESTPostAPIChatInputApplicationCommandsJSONBody[]): { path: string; message: string; code: string }[] {
  const errs: { path: string; message: string; code: string }[] = [];
  const names = new Set<string>();
  const nameRe = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
  const checkLocales = (path: string, m: Record<string, unknown> | null | undefined) => {
    for (const k of Object.keys(m ?? {})) if (!VALID_LOCALES.has(k)) errs.push({ path, code: 'LOCALE_INVALID', message: `Invalid locale ${k}` });
  };
  const checkName = (path: string, n: string, loc?: Partial<Record<string, string | null>> | null) => {
    for (const v of [n, ...Object.values(loc ?? {})].filter((x): x is string => typeof x === 'string'))
      if (!nameRe.test(v) || v !== v.toLowerCase()) errs.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Invalid command name ${v}` });
  };
  defs.forEach((d, i) => {
    if (names.has(d.name)) errs.push({ path: `/${i}/name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Duplicate name ${d.name}` });
    names.add(d.name);
    checkName(`/${i}/name`, d.name, d.name_localizations);
    if (!d.description) errs.push({ path: `/${i}/description`, code: 'BASE_TYPE_REQUIRED', message: 'Chat input commands need a description' });
    checkLocales(`/${i}/name_localizations`, d.name_localizations);
    checkLocales(`/${i}/description_localizations`, d.description_localizations);
    let optionalSeen = false;
    (d.options ?? []).forEach((o: APIApplicationCommandOption, j) => {
      const p = `/${i}/options/${j}`;
      checkName(`${p}/name`, o.name, o.name_localizations);
      checkLocales(`${p}/name_localizations`, o.name_localizations);
      checkLocales(`${p}/description_localizations`, o.description_localizations);
      if (!o.description) errs.push({ path: `${p}/description`, code: 'BASE_TYPE_REQUIRED', message: 'Options need a description' });
      const required = 'required' in o && o.required;
      if (required && optionalSeen) errs.push({ path: p, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
      if (!required) optionalSeen = true;
      const choices = 'choices' in o ? (o.choices ?? []) : [];
      if ('autocomplete' in o && o.autocomplete && choices.length) errs.push({ path: p, code: 'AUTOCOMPLETE_AND_CHOICES', message: 'Autocomplete and choices are mutually exclusive' });
      if (choices.length > 25) errs.push({ path: `${p}/choices`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      choices.forEach((c, k) => {
        if (typeof c.value === 'string' && c.value.length > 100)
          errs.push({ path: `${p}/choices/${k}/value`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
        checkLocales(`${p}/choices/${k}/name_localizations`, c.name_localizations);
      });
    });
    // Discord: name + description + option names/descriptions/choices of one command, per locale, <= 8000.
    const size = JSON.stringify([d.name, d.description, d.options ?? []]).length;
    if (size > 8000 * 4) errs.push({ path: `/${i}`, code: 'APPLICATION_COMMAND_TOO_LARGE', message: 'Command exceeds maximum size (8000)' });
  });
  return errs;
}

export class FakeDiscord {
  readonly applicationId: string;
  readonly token: string;
  readonly guildId: string;
  readonly channelId = snowflake();
  readonly dmChannelId = snowflake();
  readonly ownerId = snowflake();
  readonly botUser: APIUser;
  readonly violations: Violation[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Faults answered instead of the real route (see injectFault), in order. */
  readonly faultHits: { kind: FaultKind; status: FaultStatus; at: number; path: string }[] = [];
  private readonly faults: Fault[] = [];
  private readonly hanging = new Set<() => void>();
  readonly globalCommands: StoredCommand[] = [];
  readonly guildCommands = new Map<string, StoredCommand[]>();
  readonly downloads: { path: string; at: number; status: number }[] = [];
  readonly stats = { connections: 0, identifies: 0, heartbeats: 0, resumes: 0 };
  /** IDENTIFY payloads received (intents, properties, compress...). */
  readonly identifies: Record<string, unknown>[] = [];

  private readonly opts: Required<Omit<FakeDiscordOptions, 'applicationId' | 'token' | 'guildId' | 'spec'>>;
  private readonly spec: DiscordSpec;
  private readonly worker: Worker;
  private readonly gatewayClients = new Map<number, GatewayClient>();
  private readonly sentCallbacks = new Map<number, (at: number) => void>();
  private nextSendRef = 1;
  private closed?: Promise<void>;
  private readonly byToken = new Map<string, InteractionState>();
  private readonly byId = new Map<string, InteractionState>();
  private readonly files = new Map<string, ServedFile>();
  private readyWaiters: Array<() => void> = [];
  private port = 0;

  private constructor(o: FakeDiscordOptions) {
    this.applicationId = o.applicationId ?? snowflake(Date.now() - 400 * 86_400_000);
    this.token = o.token ?? botToken(this.applicationId);
    this.guildId = o.guildId ?? snowflake(Date.now() - 300 * 86_400_000);
    this.botUser = apiUser({ id: this.applicationId, username: 'Headroom' }, true);
    this.spec = o.spec ?? discordSpec();
    this.opts = {
      callbackDeadlineMs: o.callbackDeadlineMs ?? 3000,
      tokenLifetimeMs: o.tokenLifetimeMs ?? 15 * 60_000,
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 1500,
    };
    this.worker = new Worker(new URL('./front-door.mjs', import.meta.url));
  }

  static async start(o: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const f = new FakeDiscord(o);
    f.port = await new Promise<number>((resolve, reject) => {
      f.worker.once('error', reject);
      f.worker.once('message', (m: { type: string; port: number }) => (m.type === 'listening' ? resolve(m.port) : reject(new Error(`front door: ${m.type}`))));
    });
    f.worker.on('message', (m: { type: string } & Record<string, unknown>) => f.onFront(m));
    f.worker.on('error', (err) => f.violate({ kind: 'protocol', message: `stand-in front door failed: ${err.message}` }));
    return f;
  }

  private onFront(m: { type: string } & Record<string, unknown>): void {
    switch (m.type) {
      case 'http': {
        const req = m as unknown as FrontRequest;
        void this.onHttp(req).then((res) => {
          const transfer = res.body ? [res.body.buffer as ArrayBuffer] : [];
          this.worker.postMessage({ type: 'http-response', id: req.id, ...res }, transfer);
        });
        break;
      }
      case 'ws-open': {
        const id = m.clientId as number;
        const client: GatewayClient = {
          id,
          seq: 0,
          ready: false,
          open: true,
          send: (payload, onSent) => {
            if (!client.open) return;
            const ref = this.nextSendRef++;
            if (onSent) this.sentCallbacks.set(ref, onSent);
            this.worker.postMessage({ type: 'ws-send', clientId: id, ref, data: JSON.stringify(payload) });
          },
          close: (code, reason) => {
            client.open = false;
            this.worker.postMessage({ type: 'ws-close', clientId: id, code, reason });
          },
        };
        this.gatewayClients.set(id, client);
        this.onGateway(client, new URL(String(m.url), 'http://127.0.0.1'));
        break;
      }
      case 'ws-message': {
        const client = this.gatewayClients.get(m.clientId as number);
        if (client) this.onGatewayFrame(client, String(m.data));
        break;
      }
      case 'ws-sent': {
        const cb = this.sentCallbacks.get(m.ref as number);
        this.sentCallbacks.delete(m.ref as number);
        cb?.(m.at as number);
        break;
      }
      case 'ws-close': {
        const client = this.gatewayClients.get(m.clientId as number);
        if (client) client.open = false;
        this.gatewayClients.delete(m.clientId as number);
        break;
      }
    }
  }

  /** REST base to give the bot (DISCORD_API_BASE): the bot appends /v10/... */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Violations so far, and forget them. */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  /** Resolves once a gateway client has identified and received its guild. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    if ([...this.gatewayClients.values()].some((c) => c.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no gateway client became ready')), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  get connectedClients(): number {
    return [...this.gatewayClients.values()].filter((c) => c.ready).length;
  }

  // ------------------------------------------------------------------ test API: commands and interactions

  /** Commands visible in the test guild: guild commands, else global ones. */
  commandsFor(place: InteractionPlace = 'guild'): StoredCommand[] {
    const guild = place === 'guild' ? (this.guildCommands.get(this.guildId) ?? []) : [];
    return [...guild, ...this.globalCommands.filter((g) => !guild.some((c) => c.name === g.name))];
  }

  /** Register definitions directly (as if deployed earlier). */
  registerCommands(defs: RESTPostAPIChatInputApplicationCommandsJSONBody[], guildId?: string): void {
    const stored = this.store(defs, guildId);
    if (guildId) this.guildCommands.set(guildId, stored);
    else this.globalCommands.splice(0, this.globalCommands.length, ...stored);
  }

  /** A file served like a CDN attachment; pass it as an attachment option value. */
  attachment(filename: string, content: string | Buffer, o: { contentType?: string; declaredSize?: number; delayMs?: number } = {}): AttachmentInput {
    const id = snowflake();
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const contentType = o.contentType ?? (filename.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream');
    const path = `/attachments/${this.channelId}/${id}/${encodeURIComponent(filename)}`;
    this.files.set(path, { data, contentType, declaredSize: o.declaredSize ?? data.length, delayMs: o.delayMs ?? 0 });
    const ex = Math.floor(Date.now() / 1000 + 86_400).toString(16);
    const query = `?ex=${ex}&is=${Math.floor(Date.now() / 1000).toString(16)}&hm=${createHash('sha256').update(path).digest('hex')}&`;
    return {
      __attachment: true,
      attachment: {
        id,
        filename,
        size: o.declaredSize ?? data.length,
        url: `${this.origin}${path}${query}`,
        proxy_url: `${this.origin}${path}${query}`,
        content_type: contentType,
        ephemeral: true,
      } as APIAttachment,
    };
  }

  private scene(o: InteractionOptions = {}): Scene {
    return {
      applicationId: this.applicationId,
      guildId: this.guildId,
      channelId: this.channelId,
      dmChannelId: this.dmChannelId,
      user: o.user ?? { id: this.ownerId, username: 'alice', global_name: 'Alice' },
      locale: o.locale ?? 'en-US',
      place: o.place ?? 'guild',
    };
  }

  private findCommand(name: string, place: InteractionPlace): StoredCommand {
    const cmd = this.commandsFor(place).find((c) => c.name === name);
    if (!cmd) throw new Error(`/${name} is not registered with the stand-in (deploy first)`);
    const ctx = place === 'guild' ? 0 : place === 'dm' ? 1 : 2;
    if (cmd.contexts && !cmd.contexts.includes(ctx)) throw new Error(`/${name} is not available in context ${ctx}`);
    if (place !== 'guild' && cmd.integration_types && !cmd.integration_types.includes(1))
      throw new Error(`/${name} is not user-installable (integration_types lacks 1)`);
    return cmd;
  }

  private buildOptions(
    cmd: StoredCommand,
    values: Record<string, string | number | boolean | AttachmentInput | undefined>,
    focused?: string,
  ): { options: OptionPayload[]; attachments?: Record<string, APIAttachment> } {
    const defs = (cmd.options ?? []) as APIApplicationCommandOption[];
    const options: OptionPayload[] = [];
    let attachments: Record<string, APIAttachment> | undefined;
    for (const [name, raw] of Object.entries(values)) {
      if (raw === undefined) continue;
      const def = defs.find((d) => d.name === name);
      if (!def) throw new Error(`/${cmd.name} has no option "${name}" (options: ${defs.map((d) => d.name).join(', ')})`);
      if (name === focused) {
        if (!('autocomplete' in def && def.autocomplete)) throw new Error(`/${cmd.name} ${name} has no autocomplete`);
        options.push({ type: def.type as 3, name, value: String(raw), focused: true });
        continue;
      }
      switch (def.type) {
        case 3: {
          const v = String(raw);
          if ('choices' in def && def.choices?.length && !def.choices.some((c) => c.value === v))
            throw new Error(`/${cmd.name} ${name}: "${v}" is not one of the choices`);
          if ('max_length' in def && def.max_length !== undefined && v.length > def.max_length) throw new Error(`/${cmd.name} ${name}: longer than max_length`);
          options.push({ type: 3, name, value: v });
          break;
        }
        case 4:
        case 10: {
          const n = typeof raw === 'number' ? raw : Number(raw);
          if (!Number.isFinite(n) || (def.type === 4 && !Number.isInteger(n))) throw new Error(`/${cmd.name} ${name}: "${String(raw)}" is not a valid number`);
          if ('min_value' in def && def.min_value !== undefined && n < def.min_value) throw new Error(`/${cmd.name} ${name}: below min_value`);
          if ('max_value' in def && def.max_value !== undefined && n > def.max_value) throw new Error(`/${cmd.name} ${name}: above max_value`);
          options.push({ type: def.type, name, value: n });
          break;
        }
        case 5:
          options.push({ type: 5, name, value: raw === true || raw === 'true' });
          break;
        case 11: {
          if (typeof raw !== 'object' || !('__attachment' in raw)) throw new Error(`/${cmd.name} ${name} takes fake.attachment(...)`);
          attachments = { ...attachments, [raw.attachment.id]: raw.attachment };
          options.push({ type: 11, name, value: raw.attachment.id });
          break;
        }
        default:
          options.push({ type: def.type as 3, name, value: String(raw) });
      }
    }
    if (!focused) {
      for (const d of defs) if ('required' in d && d.required && values[d.name] === undefined) throw new Error(`/${cmd.name} requires option "${d.name}"`);
    }
    return { options, attachments };
  }

  /** Build a slash-command interaction the way the Discord client would (types from the registered definition). */
  chatInput(name: string, values: Record<string, string | number | boolean | AttachmentInput | undefined> = {}, o: InteractionOptions = {}): APIInteraction {
    const scene = this.scene(o);
    const cmd = this.findCommand(name, scene.place);
    const { options, attachments } = this.buildOptions(cmd, values);
    return chatInputInteraction(scene, cmd, options, attachments);
  }

  autocompleteInteraction(name: string, values: Record<string, string | number | boolean | undefined>, focused: string, o: InteractionOptions = {}): APIInteraction {
    const scene = this.scene(o);
    const cmd = this.findCommand(name, scene.place);
    if (values[focused] === undefined) values = { ...values, [focused]: '' };
    const { options } = this.buildOptions(cmd, values, focused);
    return autocompleteInteraction(scene, cmd, options);
  }

  /** A click on a button of a message the bot sent (it must exist on that message). */
  buttonInteraction(message: FakeMessage, customId: string, o: InteractionOptions = {}): APIInteraction {
    const ids = FakeDiscord.customIds(message);
    if (!ids.includes(customId)) throw new Error(`message ${message.id} has no button "${customId}" (has: ${ids.join(', ')})`);
    return buttonInteraction(this.scene(o), message, customId);
  }

  /** Everything a user reads on a message: content, embeds, components-v2 text displays and button labels. */
  static text(message: { content?: string; embeds?: APIEmbed[]; components?: unknown[] } | undefined): string {
    if (!message) return '';
    const parts: string[] = [message.content ?? ''];
    for (const e of message.embeds ?? []) {
      parts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '', e.author?.name ?? '');
      for (const f of e.fields ?? []) parts.push(f.name, f.value);
    }
    const walk = (n: unknown) => {
      if (!n || typeof n !== 'object') return;
      const c = n as { type?: number; content?: string; label?: string; components?: unknown[]; accessory?: unknown };
      if (c.type === 10 && c.content) parts.push(c.content);
      if (c.type === 2 && c.label) parts.push(c.label);
      c.components?.forEach(walk);
      if (c.accessory) walk(c.accessory);
    };
    message.components?.forEach(walk);
    return parts.filter(Boolean).join('\n');
  }

  /** Whether a message is a components-v2 layout. */
  static isLayout(message: { flags?: number } | undefined): boolean {
    return ((message?.flags ?? 0) & IS_COMPONENTS_V2) !== 0;
  }

  static customIds(message: { components?: unknown[] }): string[] {
    const out: string[] = [];
    const walk = (n: unknown) => {
      if (!n || typeof n !== 'object') return;
      const c = n as { custom_id?: string; components?: unknown[]; accessory?: unknown };
      if (c.custom_id) out.push(c.custom_id);
      c.components?.forEach(walk);
      if (c.accessory) walk(c.accessory);
    };
    message.components?.forEach(walk);
    return out;
  }

  // Convenience: build + send.
  command(name: string, values: Record<string, string | number | boolean | AttachmentInput | undefined> = {}, o: InteractionOptions & SendOptions = {}) {
    return this.sendInteraction(this.chatInput(name, values, o), o);
  }
  autocomplete(name: string, values: Record<string, string | number | boolean | undefined>, focused: string, o: InteractionOptions & SendOptions = {}) {
    return this.sendInteraction(this.autocompleteInteraction(name, values, focused, o), o);
  }
  click(message: FakeMessage, customId: string, o: InteractionOptions & SendOptions = {}) {
    return this.sendInteraction(this.buttonInteraction(message, customId, o), o);
  }

  /** Dispatch INTERACTION_CREATE over the gateway; resolves with everything the bot sent for it. */
  sendInteraction(interaction: APIInteraction, o: SendOptions = {}): Promise<InteractionOutcome> {
    const client = [...this.gatewayClients.values()].find((c) => c.ready && c.open);
    if (!client) return Promise.reject(new Error('no gateway client is connected and ready'));
    const state = this.track(interaction, 'gateway');
    client.seq += 1;
    // The clock starts when the frame actually leaves (the front door reports it).
    client.send({ op: 0, t: 'INTERACTION_CREATE', s: client.seq, d: interaction }, (at) => (state.dispatchedAt = at));
    return this.outcome(state, o);
  }

  /**
   * Deliver an interaction to an HTTP interactions endpoint the way Discord does: signed POST; the HTTP
   * response is the initial callback (checked like a REST callback).
   */
  async deliverHttp(endpoint: string, interaction: APIInteraction, privateKey: KeyObject, o: SendOptions = {}): Promise<InteractionOutcome> {
    const state = this.track(interaction, 'http');
    let responded!: () => void;
    state.httpResponse = new Promise<void>((r) => (responded = r));
    try {
      await this.postSigned(endpoint, state, interaction, privateKey, o);
    } finally {
      responded();
    }
    return this.outcome(state, o);
  }

  private async postSigned(endpoint: string, state: InteractionState, interaction: APIInteraction, privateKey: KeyObject, o: SendOptions): Promise<void> {
    const body = JSON.stringify(interaction);
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
    const headers = { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp, 'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)' };
    let res: { status: number; contentType: string; raw: Buffer };
    if (o.freshConnection) res = await postFresh(endpoint, headers, body, o.timeoutMs ?? 10_000);
    else {
      const r = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
      res = { status: r.status, contentType: r.headers.get('content-type') ?? '', raw: Buffer.from(await r.arrayBuffer()) };
    }
    const raw = res.raw;
    const at = now() - state.dispatchedAt;
    if (res.status !== 200) {
      state.events.push({ kind: 'http-response', at, status: res.status, files: [], error: { code: res.status, message: raw.toString('utf8').slice(0, 200) } });
      this.violate({ kind: 'protocol', interactionId: interaction.id, message: `endpoint answered HTTP ${res.status}` });
    } else {
      try {
        const { body: parsed, files } = await this.parseBody(res.contentType, raw);
        this.applyCallback(state, parsed, files, 'http-response', 'POST', '/interactions/{interaction_id}/{interaction_token}/callback', now());
      } catch (err) {
        const fail = err instanceof HttpFail ? err : discordError(400, 50109, (err as Error).message);
        if (!state.events.some((e) => e.kind === 'http-response'))
          state.events.push({ kind: 'http-response', at, status: fail.status, files: [], error: fail.body as { code: number; message: string } });
      }
      this.checkDone(state);
    }
  }

  /**
   * Track an interaction as if Discord had just delivered it somewhere (no gateway dispatch), so a test can
   * send callbacks for it by hand. Resolve `outcome()` to read what arrived.
   */
  injectInteraction(interaction: APIInteraction, o: SendOptions = {}): { outcome: () => Promise<InteractionOutcome> } {
    const state = this.track(interaction, 'gateway');
    return { outcome: () => this.outcome(state, o) };
  }

  pingInteraction(): APIInteraction {
    return pingInteraction(this.applicationId);
  }

  /** Everything recorded so far for an interaction (live: includes requests after the outcome resolved). */
  eventsFor(interactionId: string): InteractionEvent[] {
    return this.byId.get(interactionId)?.events ?? [];
  }

  private track(interaction: APIInteraction, via: 'gateway' | 'http'): InteractionState {
    const state: InteractionState = {
      interaction,
      via,
      dispatchedAt: now(),
      scene: this.scene(),
      originalDeleted: false,
      followUps: [],
      events: [],
      waiters: [],
    };
    this.byToken.set(interaction.token, state);
    this.byId.set(interaction.id, state);
    return state;
  }

  private outcome(state: InteractionState, o: SendOptions): Promise<InteractionOutcome> {
    const timeoutMs = o.timeoutMs ?? 8_000;
    const settleMs = o.settleMs ?? 25;
    return new Promise((resolve) => {
      let finished = false;
      const finish = (timedOut: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        setTimeout(() => resolve(this.snapshot(state, timedOut)), timedOut ? 0 : settleMs);
      };
      const timer = setTimeout(() => finish(true), timeoutMs);
      if (state.doneAt !== undefined) finish(false);
      else state.waiters.push(() => finish(false));
    });
  }

  private snapshot(state: InteractionState, timedOut: boolean): InteractionOutcome {
    const message = state.originalDeleted ? undefined : state.original;
    const lastFollow = state.followUps[state.followUps.length - 1];
    const answer = message && !(message.flags & LOADING) ? message : (lastFollow ?? message);
    return {
      id: state.interaction.id,
      interaction: state.interaction,
      via: state.via,
      events: [...state.events],
      callbackType: state.ack?.type,
      deferred: state.ack?.type === 5 || state.ack?.type === 6,
      ackMs: state.ack?.at,
      doneMs: state.doneAt,
      message: message ? structuredClone(message) : undefined,
      followUps: state.followUps.map((m) => structuredClone(m)),
      answer: answer ? structuredClone(answer) : undefined,
      ephemeral: answer ? (answer.flags & EPHEMERAL) !== 0 : false,
      choices: state.choices,
      rejected: state.events.filter((e) => e.status >= 400),
      timedOut: timedOut && state.doneAt === undefined,
    };
  }

  private checkDone(state: InteractionState): void {
    if (state.doneAt !== undefined || !state.ack) return;
    const t = state.ack.type;
    let done = false;
    if ([1, 4, 7, 8, 9, 12].includes(t)) done = true;
    else if (t === 5 || t === 6) {
      const ok = state.events.filter((e) => e.status >= 200 && e.status < 300);
      const lastDelete = ok.map((e) => e.kind).lastIndexOf('delete');
      const after = ok.slice(lastDelete + 1);
      done = lastDelete >= 0 ? after.some((e) => e.kind === 'followup') : ok.some((e) => e.kind === 'edit' || e.kind === 'followup');
    }
    if (done) {
      state.doneAt = Math.max(...state.events.filter((e) => e.status >= 200 && e.status < 300).map((e) => e.at));
      for (const w of state.waiters.splice(0)) w();
    }
  }

  private violate(v: Violation): void {
    this.violations.push(v);
  }

  // ------------------------------------------------------------------ gateway

  private onGateway(client: GatewayClient, url: URL): void {
    this.stats.connections++;
    const q = url.searchParams;
    if (q.get('v') !== '10') this.violate({ kind: 'gateway', message: `gateway connected with v=${q.get('v')} (expected 10)` });
    if (q.get('encoding') !== 'json') this.violate({ kind: 'gateway', message: `gateway encoding=${q.get('encoding')} (the stand-in speaks json only)` });
    if (q.has('compress')) {
      this.violate({ kind: 'gateway', message: `gateway compress=${q.get('compress')} requested (the stand-in sends uncompressed JSON)` });
    }
    client.send({ op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null });
  }

  private onGatewayFrame(client: GatewayClient, data: string): void {
    let msg: { op: number; d: unknown };
    try {
      msg = JSON.parse(data) as { op: number; d: unknown };
    } catch {
      this.violate({ kind: 'gateway', message: 'gateway frame is not JSON' });
      client.close(4002, 'Error while decoding payload.');
      return;
    }
    this.onGatewayOp(client, msg);
  }

  private onGatewayOp(client: GatewayClient, msg: { op: number; d: unknown }): void {
    const send = (t: string, d: unknown) => {
      client.seq += 1;
      client.send({ op: 0, t, s: client.seq, d });
    };
    switch (msg.op) {
      case 1:
        this.stats.heartbeats++;
        client.send({ op: 11, d: null, s: null, t: null });
        break;
      case 2: {
        this.stats.identifies++;
        const d = (msg.d ?? {}) as { token?: string; intents?: number; compress?: boolean };
        this.identifies.push({ ...d, token: d.token === this.token ? '[ok]' : '[wrong]' });
        const tok = (d.token ?? '').replace(/^Bot /, '');
        if (tok !== this.token) {
          this.violate({ kind: 'auth', message: 'IDENTIFY with a wrong token' });
          client.close(4004, 'Authentication failed.');
          return;
        }
        if (typeof d.intents !== 'number') {
          client.close(4013, 'Invalid intent(s).');
          return;
        }
        if (d.compress) this.violate({ kind: 'gateway', message: 'IDENTIFY asked for compressed payloads' });
        client.sessionId = randomBytes(16).toString('hex');
        send('READY', readyPayload({ applicationId: this.applicationId, botUser: this.botUser, guildId: this.guildId, sessionId: client.sessionId, resumeUrl: this.gatewayUrl }));
        setTimeout(() => {
          if (!client.open) return;
          send('GUILD_CREATE', guildCreatePayload({ guildId: this.guildId, channelId: this.channelId, ownerId: this.ownerId, botUser: this.botUser }));
          client.ready = true;
          for (const w of this.readyWaiters.splice(0)) w();
        }, 5);
        break;
      }
      case 6: {
        this.stats.resumes++;
        const d = (msg.d ?? {}) as { token?: string; session_id?: string; seq?: number };
        if ((d.token ?? '').replace(/^Bot /, '') !== this.token) {
          client.close(4004, 'Authentication failed.');
          return;
        }
        // Sessions do not survive a reconnect here: tell the client to identify afresh.
        client.send({ op: 9, d: false, s: null, t: null });
        break;
      }
      case 3:
      case 4:
      case 8:
        break;
      default:
        this.violate({ kind: 'gateway', message: `unknown gateway opcode ${msg.op}` });
        client.close(4001, 'Unknown opcode.');
    }
  }

  // ------------------------------------------------------------------ REST

  private async onHttp(req: FrontRequest): Promise<FrontResponse> {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    const method = req.method || 'GET';
    const raw = Buffer.from(req.body);
    const record: RecordedRequest = { method, path: url.pathname, status: 0, at: req.receivedAt, authorized: false, files: [] };
    const reply = (status: number, body?: unknown): FrontResponse => {
      record.status = status;
      this.requests.push(record);
      if (body === undefined) return { status, headers: {} };
      const data = new Uint8Array(Buffer.from(JSON.stringify(body)));
      return { status, headers: { 'content-type': 'application/json', 'content-length': String(data.length) }, body: data };
    };
    const fk = faultKindOf(method, url.pathname);
    const fault = fk && this.faults.find((f) => f.kind === fk && f.times > 0);
    if (fault) {
      fault.times--;
      this.faultHits.push({ kind: fault.kind, status: fault.status, at: Date.now(), path: url.pathname.replace(/\/[^/]+\/(callback|messages)/, '/[token]/$1') });
      if (fault.status === 'hang') {
        // Never answered until the stand-in closes (the bot must cut it with its own timeout).
        return new Promise<FrontResponse>((resolve) => {
          const done = () => resolve(reply(503, { code: 0, message: 'closed' }));
          this.hanging.add(done);
        });
      }
      if (fault.status === 429) {
        const data = new Uint8Array(Buffer.from(JSON.stringify({ message: 'You are being rate limited.', retry_after: fault.retryAfterS, global: false })));
        record.status = 429;
        this.requests.push(record);
        return {
          status: 429,
          headers: { 'content-type': 'application/json', 'content-length': String(data.length), 'retry-after': String(Math.ceil(fault.retryAfterS)), 'x-ratelimit-scope': 'user' },
          body: data,
        };
      }
      if (fault.code) return reply(fault.status, { code: fault.code, message: fault.code === 10062 ? 'Unknown interaction' : 'Invalid Webhook Token' });
      return reply(fault.status, { code: 0, message: `${fault.status}: Server Error` });
    }
    try {
      if (url.pathname.startsWith('/attachments/')) return await this.serveFile(url.pathname, method, record);
      const m = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
      if (!m) throw discordError(404, 0, '404: Not Found');
      if (m[1] !== '10') {
        this.violate({ kind: 'route', method, path: url.pathname, message: `API version v${m[1]} (expected v10)` });
        throw discordError(404, 0, '404: Not Found');
      }
      const path = decodeURIComponent(m[2]!);
      const result = await this.route(method, path, url, req, raw, record);
      return reply(result.status, result.body);
    } catch (err) {
      if (err instanceof HttpFail) return reply(err.status, err.body);
      this.violate({ kind: 'protocol', method, path: url.pathname, message: `stand-in error: ${(err as Error).stack ?? String(err)}` });
      return reply(500, { code: 0, message: '500: Internal Server Error' });
    }
  }

  private async serveFile(pathname: string, method: string, record: RecordedRequest): Promise<FrontResponse> {
    const f = this.files.get(pathname);
    const status = method === 'GET' && f ? 200 : 404;
    this.downloads.push({ path: pathname, at: Date.now(), status });
    record.status = status;
    this.requests.push(record);
    if (!f || method !== 'GET') return { status: 404, headers: { 'content-type': 'text/plain' }, body: new Uint8Array(Buffer.from('Not Found')) };
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    return { status: 200, headers: { 'content-type': f.contentType, 'content-length': String(f.data.length) }, body: new Uint8Array(f.data) };
  }

  private checkAuth(req: FrontRequest, required: boolean, record: RecordedRequest, method: string, path: string): void {
    const h = req.headers.authorization;
    if (h === undefined) {
      if (required) {
        this.violate({ kind: 'auth', method, path, message: 'no Authorization header on a route that needs the bot token' });
        throw discordError(401, 0, '401: Unauthorized');
      }
      return;
    }
    if (h !== `Bot ${this.token}`) {
      this.violate({ kind: 'auth', method, path, message: h.startsWith('Bot ') ? 'wrong bot token' : 'Authorization is not "Bot <token>"' });
      throw discordError(401, 0, '401: Unauthorized');
    }
    record.authorized = true;
  }

  private async parseBody(contentType: string, raw: Buffer): Promise<{ body: unknown; files: FileRecord[] }> {
    if (!raw.length) return { body: undefined, files: [] };
    if (contentType.startsWith('application/json')) {
      try {
        return { body: JSON.parse(raw.toString('utf8')), files: [] };
      } catch {
        throw discordError(400, 50109, 'The request body contains invalid JSON.');
      }
    }
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      let body: unknown;
      const files: FileRecord[] = [];
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json') {
          if (typeof value !== 'string') throw discordError(400, 50109, 'payload_json must be a string');
          try {
            body = JSON.parse(value);
          } catch {
            throw discordError(400, 50109, 'The request body contains invalid JSON.');
          }
        } else if (typeof value !== 'string') {
          if (!/^files\[\d+\]$/.test(field)) this.violate({ kind: 'protocol', message: `unexpected multipart field ${field}` });
          const data = Buffer.from(await value.arrayBuffer());
          files.push({ field, name: value.name, size: data.length, contentType: value.type, data });
        } else {
          this.violate({ kind: 'protocol', message: `multipart text field ${field} besides payload_json` });
        }
      }
      return { body, files };
    }
    throw discordError(400, 50035, `Unsupported content type ${contentType || '(none)'}`);
  }

  private validateOrFail(method: string, template: string, body: unknown, path: string, interactionId?: string): void {
    const errors = this.spec.validate(method, template, body);
    if (errors.length) {
      this.violate({ kind: 'schema', method, path, interactionId, message: `${template}: ${errors.map((e) => e.message).join('; ')}`, errors });
      throw discordError(400, 50035, 'Invalid Form Body', formErrors(errors.map((e) => ({ path: e.path, message: e.message, code: e.keyword.toUpperCase() }))));
    }
  }

  private policyChecks(body: MessageBody | undefined, template: string, interactionId: string): void {
    const am = body?.allowed_mentions;
    if (!am || !Array.isArray(am.parse) || am.parse.length !== 0)
      this.violate({ kind: 'policy', path: template, interactionId, message: 'message sent without allowed_mentions: { parse: [] }' });
  }

  private limitOrFail(body: MessageBody, files: FileRecord[], creating: boolean, template: string, interactionId: string): void {
    const errs = messageLimitErrors(body, files, creating);
    if (!errs.length) return;
    this.violate({ kind: 'limit', path: template, interactionId, message: errs.map((e) => `${e.path} ${e.message}`).join('; ') });
    if (errs.some((e) => e.code === 'EMPTY_MESSAGE')) throw discordError(400, 50006, 'Cannot send an empty message');
    throw discordError(400, 50035, 'Invalid Form Body', formErrors(errs));
  }

  private store(defs: RESTPostAPIChatInputApplicationCommandsJSONBody[], guildId?: string): StoredCommand[] {
    const old = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    return defs.map((d) => ({
      ...d,
      type: d.type ?? 1,
      id: old.find((o) => o.name === d.name)?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: d.default_member_permissions ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    })) as StoredCommand[];
  }

  private message(state: InteractionState, body: MessageBody, files: FileRecord[], flags: number): FakeMessage {
    const i = state.interaction;
    const user = 'member' in i && i.member ? i.member.user : (i as { user?: APIUser }).user!;
    const channelId = i.channel_id ?? this.channelId;
    return {
      id: snowflake(),
      type: i.type === 2 ? 20 : 0,
      channel_id: channelId,
      author: this.botUser,
      content: body.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: files.map((f, n) => ({
        id: snowflake(),
        filename: f.name,
        size: f.size,
        url: `${this.origin}/attachments/${channelId}/${n}/${encodeURIComponent(f.name)}`,
        proxy_url: `${this.origin}/attachments/${channelId}/${n}/${encodeURIComponent(f.name)}`,
        content_type: f.contentType,
      })),
      embeds: (body.embeds ?? []) as APIEmbed[],
      components: (body.components ?? []) as APIMessage['components'],
      pinned: false,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      flags,
      interaction_metadata: { id: i.id, type: i.type, user, authorizing_integration_owners: i.authorizing_integration_owners },
    } as unknown as FakeMessage;
  }

  /** Apply an initial response (REST callback or HTTP endpoint response). Throws HttpFail like Discord. */
  private applyCallback(state: InteractionState, body: unknown, files: FileRecord[], kind: EventKind, method: string, template: string, receivedAt: number): void {
    const i = state.interaction;
    const at = receivedAt - state.dispatchedAt;
    const event: InteractionEvent = { kind, at, status: 0, body, files };
    state.events.push(event);
    try {
      if (state.ack) {
        this.violate({ kind: 'protocol', interactionId: i.id, message: `second callback (type ${(body as { type?: number })?.type}) after type ${state.ack.type}` });
        throw discordError(400, 40060, 'Interaction has already been acknowledged.');
      }
      if (at > this.opts.callbackDeadlineMs) {
        this.violate({ kind: 'protocol', interactionId: i.id, message: `callback ${Math.round(at)} ms after dispatch (limit ${this.opts.callbackDeadlineMs} ms)` });
        throw discordError(404, 10062, 'Unknown interaction');
      }
      this.validateOrFail(method, template, body, template, i.id);
      const cb = body as { type: number; data?: MessageBody & { choices?: { name: string; value: string | number }[] } };
      const allowed: Record<number, number[]> = { 1: [1], 2: [4, 5, 9, 12], 3: [4, 5, 6, 7, 9, 12], 4: [8], 5: [4, 5, 6, 7, 12] };
      if (!(allowed[i.type] ?? []).includes(cb.type)) {
        this.violate({ kind: 'protocol', interactionId: i.id, message: `callback type ${cb.type} is not valid for interaction type ${i.type}` });
        throw discordError(400, 40043, 'Interaction callback type is invalid for this interaction');
      }
      const data = cb.data ?? {};
      if (cb.type === 4 || cb.type === 7) {
        this.policyChecks(data, template, i.id);
        this.limitOrFail(data, files, cb.type === 4, template, i.id);
      }
      if (cb.type === 8) {
        const choices = data.choices ?? [];
        const long = choices.filter((c) => typeof c.value === 'string' && c.value.length > 100);
        if (long.length) {
          this.violate({ kind: 'limit', interactionId: i.id, message: 'autocomplete choice value over 100 characters' });
          throw discordError(400, 50035, 'Invalid Form Body', formErrors([{ path: '/data/choices', message: 'Must be 100 or fewer in length.' }]));
        }
        state.choices = choices;
      }
      state.ack = { type: cb.type, at };
      if (cb.type === 4) state.original = this.message(state, data, files, data.flags ?? 0);
      if (cb.type === 5) state.original = this.message(state, {}, [], ((data.flags ?? 0) & EPHEMERAL) | LOADING);
      if (cb.type === 6 && i.type === 3) {
        // Deferred update: later edits of @original change the clicked message.
        const msg = (i as { message?: FakeMessage }).message;
        if (msg) state.original = { ...msg };
      }
      if (cb.type === 7 && i.type === 3) {
        // Update the clicked message in place.
        const msg = (i as { message?: FakeMessage }).message;
        if (msg) state.original = { ...msg, ...this.message(state, data, files, msg.flags ?? 0), id: msg.id };
      }
      event.status = 204;
    } catch (err) {
      throw recordFailure(event, err);
    } finally {
      this.checkDone(state);
    }
  }

  private async route(method: string, path: string, url: URL, req: FrontRequest, raw: Buffer, record: RecordedRequest): Promise<{ status: number; body?: unknown }> {
    const op = this.spec.match(method, path);
    if (op) record.operationId = op.operationId;
    const contentType = String(req.headers['content-type'] ?? '');
    const parsed = method === 'GET' || method === 'DELETE' ? { body: undefined, files: [] as FileRecord[] } : await this.parseBody(contentType, raw);
    record.body = parsed.body;
    record.files = parsed.files;
    const p = op?.params ?? {};

    switch (op?.template) {
      case '/gateway/bot':
        this.checkAuth(req, true, record, method, path);
        return { status: 200, body: { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } } };
      case '/gateway':
        return { status: 200, body: { url: this.gatewayUrl } };
      case '/users/@me':
        this.checkAuth(req, true, record, method, path);
        return { status: 200, body: this.botUser };
      case '/applications/@me':
        this.checkAuth(req, true, record, method, path);
        return { status: 200, body: { id: this.applicationId, name: 'Headroom', flags: 1 << 23, bot_public: true, bot_require_code_grant: false, verify_key: '0'.repeat(64), description: '', icon: null } };
      case '/applications/{application_id}/commands':
      case '/applications/{application_id}/guilds/{guild_id}/commands': {
        this.checkAuth(req, true, record, method, path);
        if (p.application_id !== this.applicationId) throw discordError(403, 50001, 'Missing Access');
        const guildId = p.guild_id;
        if (guildId && guildId !== this.guildId) throw discordError(403, 50001, 'Missing Access');
        if (method === 'GET') return { status: 200, body: guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands };
        this.validateOrFail(method, op.template, parsed.body, path);
        if (method === 'PUT') {
          const defs = (parsed.body ?? []) as RESTPostAPIChatInputApplicationCommandsJSONBody[];
          const errs = commandLimitErrors(defs);
          if (errs.length) {
            this.violate({ kind: 'limit', method, path: op.template, message: errs.map((e) => `${e.path} ${e.message}`).join('; ') });
            throw discordError(400, 50035, 'Invalid Form Body', formErrors(errs));
          }
          this.registerCommands(defs, guildId);
          return { status: 200, body: guildId ? this.guildCommands.get(guildId) : this.globalCommands };
        }
        throw discordError(405, 0, '405: Method Not Allowed');
      }
      case '/interactions/{interaction_id}/{interaction_token}/callback': {
        this.checkAuth(req, false, record, method, path);
        const state = this.byToken.get(p.interaction_token!);
        if (!state || state.interaction.id !== p.interaction_id) throw discordError(404, 10062, 'Unknown interaction');
        this.applyCallback(state, parsed.body, parsed.files, 'callback', method, op.template, req.receivedAt);
        const withResponse = url.searchParams.get('with_response') === 'true';
        return withResponse
          ? { status: 200, body: { interaction: { id: state.interaction.id, type: state.interaction.type }, resource: state.original ? { type: state.ack?.type, message: state.original } : undefined } }
          : { status: 204 };
      }
      case '/webhooks/{webhook_id}/{webhook_token}/messages/@original':
      case '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}':
      case '/webhooks/{webhook_id}/{webhook_token}':
        return await this.webhook(method, op.template, p, parsed.body as MessageBody | undefined, parsed.files, req, record, path);
      default:
        this.violate({ kind: 'route', method, path, message: `the stand-in does not implement ${method} ${op?.template ?? path}` });
        throw discordError(404, 0, '404: Not Found');
    }
  }

  private async webhook(
    method: string,
    template: string,
    p: Record<string, string>,
    body: MessageBody | undefined,
    files: FileRecord[],
    req: FrontRequest,
    record: RecordedRequest,
    path: string,
  ): Promise<{ status: number; body?: unknown }> {
    this.checkAuth(req, false, record, method, path);
    const state = this.byToken.get(p.webhook_token!);
    if (!state || p.webhook_id !== this.applicationId) throw discordError(404, 10015, 'Unknown Webhook');
    // HTTP delivery: the endpoint's response reaches Discord before its next request; let our reading of it finish.
    if (!state.ack && state.httpResponse) await Promise.race([state.httpResponse, new Promise((r) => setTimeout(r, 1000))]);
    const i = state.interaction;
    const at = req.receivedAt - state.dispatchedAt;
    const kind: EventKind =
      template.endsWith('@original') ? (method === 'PATCH' ? 'edit' : method === 'DELETE' ? 'delete' : 'get') : template.endsWith('{message_id}') ? 'followup-edit' : 'followup';
    const event: InteractionEvent = { kind, at, status: 0, body, files };
    state.events.push(event);
    try {
      if (at > this.opts.tokenLifetimeMs) throw discordError(401, 50027, 'Invalid Webhook Token');
      if (!state.ack) {
        this.violate({ kind: 'protocol', interactionId: i.id, message: `${method} ${template} before the interaction was acknowledged` });
        throw discordError(404, 10015, 'Unknown Webhook');
      }
      if (template === '/webhooks/{webhook_id}/{webhook_token}') {
        if (method !== 'POST') throw discordError(405, 0, '405: Method Not Allowed');
        this.validateOrFail(method, template, body, path, i.id);
        this.policyChecks(body, template, i.id);
        this.limitOrFail(body ?? {}, files, true, template, i.id);
        const msg = this.message(state, body ?? {}, files, body?.flags ?? 0);
        state.followUps.push(msg);
        event.status = 200;
        return { status: 200, body: msg };
      }
      let target: FakeMessage | undefined;
      if (template.endsWith('@original')) target = state.originalDeleted ? undefined : state.original;
      else target = state.followUps.find((m) => m.id === p.message_id) ?? (state.original?.id === p.message_id ? state.original : undefined);
      if (!target) {
        this.violate({ kind: 'protocol', interactionId: i.id, message: `${method} ${template}: no such message` });
        throw discordError(404, 10008, 'Unknown Message');
      }
      if (method === 'GET') {
        event.status = 200;
        return { status: 200, body: target };
      }
      if (method === 'DELETE') {
        if (target === state.original) state.originalDeleted = true;
        else state.followUps = state.followUps.filter((m) => m !== target);
        event.status = 204;
        return { status: 204 };
      }
      // PATCH
      this.validateOrFail(method, template, body, path, i.id);
      this.policyChecks(body, template, i.id);
      const merged: MessageBody = {
        content: body?.content !== undefined ? body.content : target.content,
        embeds: body?.embeds !== undefined ? body.embeds : target.embeds,
        components: body?.components !== undefined ? (body.components as MessageBody['components']) : (target.components as MessageBody['components']),
        attachments: body?.attachments,
        // An edit may turn a message into a components-v2 layout (never back).
        flags: target.flags | ((body?.flags ?? 0) & IS_COMPONENTS_V2),
      };
      this.limitOrFail(merged, files, false, template, i.id);
      if (body?.flags !== undefined && body.flags !== null && (body.flags & EPHEMERAL) !== (target.flags & EPHEMERAL))
        this.violate({ kind: 'protocol', interactionId: i.id, message: 'an edit cannot change whether a message is ephemeral' });
      if ((target.flags & IS_COMPONENTS_V2) && body?.flags !== undefined && body.flags !== null && !(body.flags & IS_COMPONENTS_V2))
        this.violate({ kind: 'protocol', interactionId: i.id, message: 'an edit cannot remove IS_COMPONENTS_V2' });
      const updated = this.message(state, merged, files, merged.flags! & ~LOADING);
      const keepAttachments = !files.length && body?.attachments === undefined ? target.attachments : updated.attachments;
      Object.assign(target, { ...updated, id: target.id, timestamp: target.timestamp, edited_timestamp: new Date().toISOString(), attachments: keepAttachments });
      event.status = 200;
      return { status: 200, body: target };
    } catch (err) {
      throw recordFailure(event, err);
    } finally {
      this.checkDone(state);
    }
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Answer the next `times` REST requests of one kind (callback, deferred edit, delete, follow-up) with a fault
   * instead: 429 with `retry_after` seconds, a 5xx, or no answer at all ('hang'). `times: Infinity` for every one.
   */
  injectFault(f: { kind: FaultKind; status: FaultStatus; times?: number; retryAfterS?: number; code?: number }): void {
    this.faults.push({ kind: f.kind, status: f.status, times: f.times ?? 1, retryAfterS: f.retryAfterS ?? 1, code: f.code });
  }

  /** Remove every injected fault and release hanging requests. */
  clearFaults(): void {
    this.faults.length = 0;
    for (const h of this.hanging) h();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.clearFaults();
    this.closed ??= (async () => {
      for (const c of this.gatewayClients.values()) c.open = false;
      this.gatewayClients.clear();
      const done = new Promise<void>((resolve) => {
        const onMessage = (m: { type: string }) => {
          if (m.type === 'closed') {
            this.worker.off('message', onMessage);
            resolve();
          }
        };
        this.worker.on('message', onMessage);
        setTimeout(resolve, 2000).unref();
      });
      this.worker.postMessage({ type: 'close' });
      await done;
      await this.worker.terminate();
    })();
    return this.closed;
  }

}

/** Note a Discord-style failure on the event it belongs to; returns the error to rethrow. */
function recordFailure(event: InteractionEvent, err: unknown): unknown {
  if (err instanceof HttpFail) {
    event.status = err.status;
    event.error = err.body as { code: number; message: string };
  }
  return err;
}
