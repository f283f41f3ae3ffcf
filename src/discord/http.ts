// HTTP interactions endpoint: Discord POSTs each interaction here, signed with Ed25519. The initial
// response is the HTTP response body (JSON, or multipart/form-data when it carries files); deferred edits
// and follow-ups go through the webhook REST routes. Stateless, so it scales as plain replicas.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { Command } from '../../commands/types.ts';
import { DiscordRest, type RestOptions } from './api.ts';
import { attachmentHostsFor, Dispatcher, type DispatcherOptions } from './dispatch.ts';
import { interactionProblem } from './interaction-schema.ts';
import type { Logger } from './log.ts';
import type { OutgoingFile } from './respond.ts';

export const MAX_BODY_BYTES = 256 * 1024;
/** A signature timestamp older than this is refused (Discord signs as it sends; a captured request dies with it). */
export const MAX_SIGNATURE_AGE_S = 300;
/** ...and one further than this in the future (clock skew between Discord and this host). */
export const MAX_SIGNATURE_SKEW_S = 30;
/** Whole request (headers + body) must arrive within this; slower ones get 408. */
export const REQUEST_TIMEOUT_MS = 5_000;
export const HEADERS_TIMEOUT_MS = 4_000;
/** Interaction ids already answered, kept to refuse replays (an id is only valid for 15 minutes anyway). */
export const REPLAY_CACHE_SIZE = 20_000;
/** On stop, in-flight answers get this long to finish (main.ts exits 1 if stopping takes longer than 10 s). */
export const DRAIN_MS = 8_000;
/**
 * While stopping, the endpoint keeps listening until no connection or request has arrived for this long (and at
 * least this long after the signal), so connections already in the kernel's accept backlog, or opened as the
 * signal came, are answered ("restarting", PONG, 503) instead of reset when the listening socket closes.
 */
export const DRAIN_QUIET_MS = 250;
/** Retry-After (seconds) on the 503 that non-interaction requests (health checks) get while stopping. */
export const RESTART_RETRY_AFTER_S = 5;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface HttpOptions {
  publicKey: string;
  port: number;
  host?: string;
  apiBase: string;
  commands: Command[];
  log: Logger;
  maxBodyBytes?: number;
  /** Request / header timeouts (ms); tests shorten them. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Clock for the signature timestamp check (seconds since epoch); tests move it. */
  nowSeconds?: () => number;
  dispatcher?: Partial<Omit<DispatcherOptions, 'commands' | 'webhook' | 'log'>>;
  /** REST timeouts and retries (api.ts); tests shorten them. */
  rest?: Pick<RestOptions, 'timeoutMs' | 'attempts' | 'backoffMs'>;
}

export interface HttpBot {
  server: Server;
  port: number;
  url: string;
  dispatcher: Dispatcher;
  /** In flight right now. */
  inFlight(): number;
  /**
   * Stop: keep answering every request that arrives (interactions get the localized "restarting" line, PING
   * gets PONG, anything else 503 + Retry-After) while in-flight answers finish, until a quiet moment; then
   * stop listening and close each connection once its answer is sent. All within drainMs.
   */
  stop(drainMs?: number, quietMs?: number): Promise<void>;
}

/** Hex public key from the Developer Portal -> KeyObject (raw 32 bytes wrapped as SPKI DER). */
export function publicKeyFromHex(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes (64 hex characters)');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Ed25519 over timestamp + raw body. */
export function verifySignature(key: KeyObject, signatureHex: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

/** Seconds-since-epoch timestamp within [now - maxAge, now + skew]; anything else (not a number, old, future) is refused. */
export function timestampFresh(timestamp: string | undefined, nowS: number, maxAgeS = MAX_SIGNATURE_AGE_S, skewS = MAX_SIGNATURE_SKEW_S): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const t = Number(timestamp);
  return t >= nowS - maxAgeS && t <= nowS + skewS;
}

/** Bounded set of recently seen ids, oldest evicted first (a Map keeps insertion order). */
export class SeenIds {
  private readonly ids = new Map<string, number>();
  constructor(private readonly max = REPLAY_CACHE_SIZE) {}
  /** True when the id was seen before; otherwise remembers it. */
  seen(id: string, now = Date.now()): boolean {
    if (this.ids.has(id)) return true;
    this.ids.set(id, now);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value!);
    return false;
  }
  get size(): number {
    return this.ids.size;
  }
}

class TooLarge extends Error {}
class Aborted extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      total += c.length;
      if (total > limit) {
        // Chunked bodies have no content-length: stop keeping data; the caller answers 413 and drains.
        failed = true;
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('aborted', () => {
      if (!failed) reject(new Aborted());
      failed = true;
    });
    req.on('error', (e) => {
      if (!failed) reject(req.destroyed || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? new Aborted() : e);
      failed = true;
    });
  });
}

/**
 * Answer 413 while still reading (and discarding) what the client sends, so it reads the answer and finishes
 * sending instead of being reset: status and text go out at once, the answer ends and the connection closes
 * when the body has ended (past 32 MiB or 3 s the client is cut).
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const drainLimit = 32 * 1024 * 1024;
  const text = 'payload too large';
  let drained = 0;
  const finish = () => {
    clearTimeout(cut);
    if (!res.writableEnded) res.end();
  };
  const cut = setTimeout(() => req.destroy(), 3_000);
  cut.unref();
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > drainLimit) req.destroy();
  });
  req.on('end', finish);
  req.on('close', finish);
  req.resume();
  // No content-length: the answer ends (last chunk) only when the body has, or a client would drop the
  // connection as soon as it had read a complete 413, before it finished sending.
  res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
  res.write(text);
  if (req.readableEnded) finish();
}

function sendJson(res: ServerResponse, status: number, body: unknown): Promise<void> {
  return new Promise((resolve) => {
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
    res.end(data, () => resolve());
  });
}

/** The initial response as the HTTP body: JSON, or multipart (payload_json + files[i]) when files are attached. */
async function sendInteractionResponse(res: ServerResponse, response: APIInteractionResponse, files: OutgoingFile[]): Promise<void> {
  if (!files.length) return sendJson(res, 200, response);
  const form = new FormData();
  form.append('payload_json', JSON.stringify(response));
  files.forEach((f, i) => form.append(`files[${i}]`, new Blob([new Uint8Array(f.data)], { type: f.contentType ?? 'application/octet-stream' }), f.name));
  const encoded = new Response(form);
  const data = Buffer.from(await encoded.arrayBuffer());
  await new Promise<void>((resolve) => {
    res.writeHead(200, { 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data', 'content-length': data.length });
    res.end(data, () => resolve());
  });
}

export async function startHttp(opts: HttpOptions): Promise<HttpBot> {
  const log = opts.log.child({ transport: 'http' });
  const key = publicKeyFromHex(opts.publicKey);
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const api = new DiscordRest({ apiBase: opts.apiBase, log, ...opts.rest });
  const dispatcher = new Dispatcher({
    commands: opts.commands,
    webhook: api,
    log,
    ...opts.dispatcher,
    attachments: { extraHosts: attachmentHostsFor(opts.apiBase), ...opts.dispatcher?.attachments },
  });
  const pending = new Set<Promise<void>>();

  const nowS = opts.nowSeconds ?? (() => Date.now() / 1000);
  const answered = new SeenIds();
  // Connections and their state, for a stop that never resets one: busy = requests being answered on it.
  const sockets = new Map<Socket, { busy: number; idleSince: number }>();
  let lastArrival = 0;
  let draining = false;
  // Node checks request/header deadlines every connectionsCheckingInterval (30 s by default): check every 500 ms,
  // so a 1-byte-per-second body or unfinished headers are cut within a second of their deadline (408).
  const server = createServer({ connectionsCheckingInterval: 500, requestTimeout: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, headersTimeout: opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, keepAliveTimeout: 5_000 }, (req, res) => {
    void handleRequest(req, res).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) void sendJson(res, 500, { error: 'internal error' });
    });
  });
  server.on('connection', (socket: Socket) => {
    lastArrival = Date.now();
    sockets.set(socket, { busy: 0, idleSince: lastArrival });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    lastArrival = Date.now();
    const state = sockets.get(req.socket);
    if (!state) return;
    state.busy++;
    res.once('close', () => {
      state.busy--;
      state.idleSince = Date.now();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP, timeouts and resets are the client's doing: a debug line, never an error with a stack.
    log.debug({ code: err.code }, 'client error');
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else socket.destroy();
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (draining) {
      // Every answer while stopping closes its connection, so the client's next request opens a new one (to a
      // replica that is up). Health checks and anything that is not an interaction: 503, come back later.
      res.setHeader('connection', 'close');
      if (req.method !== 'POST') {
        req.resume();
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': String(RESTART_RETRY_AFTER_S) }).end('restarting');
        return;
      }
    }
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('method not allowed');
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (err instanceof TooLarge) {
        log.info({ limit }, 'request body over the limit refused');
        refuseTooLarge(req, res);
        return;
      }
      if (err instanceof Aborted) {
        log.debug('client aborted the request body');
        return;
      }
      throw err;
    }
    const sig = req.headers['x-signature-ed25519'];
    const ts = req.headers['x-signature-timestamp'];
    if (!verifySignature(key, typeof sig === 'string' ? sig : undefined, typeof ts === 'string' ? ts : undefined, body)) {
      log.debug('rejected request with a bad or missing signature');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid request signature');
      return;
    }
    // Signed, but when? A captured request must not be replayable later.
    if (!timestampFresh(typeof ts === 'string' ? ts : undefined, nowS())) {
      log.info({ timestamp: typeof ts === 'string' ? ts.slice(0, 20) : undefined }, 'rejected a signed request with a stale or future timestamp');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('stale request timestamp');
      return;
    }
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
      if (!interaction || typeof interaction !== 'object' || typeof interaction.type !== 'number') throw new Error('not an interaction');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    const problem = interactionProblem(interaction);
    if (problem) {
      log.info({ problem }, 'malformed interaction refused');
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    // The same signed interaction twice (inside the timestamp window) is a replay: answer it once.
    if (interaction.type !== 1 && answered.seen(interaction.id)) {
      log.info({ interaction: interaction.id }, 'replayed interaction refused');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('interaction already received');
      return;
    }

    let responded = false;
    const p = dispatcher.handle(interaction, async (response, files) => {
      responded = true;
      await sendInteractionResponse(res, response, files);
    });
    pending.add(p);
    await p.finally(() => pending.delete(p));
    if (!responded && !res.headersSent) await sendJson(res, 500, { error: 'no response' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  log.info({ port }, 'HTTP interactions endpoint listening');

  return {
    server,
    port,
    url: `http://${shownHost}:${port}/`,
    dispatcher,
    inFlight: () => pending.size,
    async stop(drainMs = DRAIN_MS, quietMs = DRAIN_QUIET_MS) {
      // 1. Stop taking work but keep listening: whatever arrives now is answered at once (dispatcher.drain(): the
      //    "restarting" line; PONG; 503 for the rest) while in-flight answers and deferred edits finish.
      const t0 = Date.now();
      const deadline = t0 + drainMs;
      const inFlight = pending.size;
      draining = true;
      dispatcher.drain();
      lastArrival = Math.max(lastArrival, t0);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
      while (Date.now() < deadline && (pending.size > 0 || Date.now() - lastArrival < quietMs)) await sleep(Math.min(25, quietMs));
      // 2. Stop listening right after a poll phase (setImmediate), so connections already queued were accepted.
      await new Promise((r) => setImmediate(r));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // 3. Each connection closes after its answer (connection: close); idle ones (keep-alive, or accepted with
      //    no request yet) get quietMs to send one, then are ended.
      while (Date.now() < deadline && (sockets.size > 0 || pending.size > 0)) {
        const now = Date.now();
        for (const [socket, state] of sockets) if (state.busy === 0 && now - state.idleSince >= quietMs) socket.end();
        await sleep(Math.min(25, quietMs));
      }
      log.info({ inFlight, left: pending.size, ms: Date.now() - t0 }, 'stopped');
      server.closeAllConnections();
      await closed;
      api.close();
    },
  };
}
