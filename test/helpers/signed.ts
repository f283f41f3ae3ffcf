// Driving an HTTP interactions endpoint the way Discord does, for the e2e tests and `npm run bench`: an Ed25519
// key pair (the public half as the hex DISCORD_PUBLIC_KEY), signed headers over timestamp + body, a POST on a
// fresh connection that reports a reset instead of throwing, and a pino logger whose lines a test can read.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/discord/log.ts';

export interface KeyPair {
  /** 64 hex characters, as the Developer Portal shows the application's public key. */
  publicHex: string;
  privateKey: KeyObject;
}

export function keyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicHex: spki.subarray(spki.length - 32).toString('hex'), privateKey };
}

export const nowS = (): number => Math.floor(Date.now() / 1000);

/** Headers Discord sends with an interaction: the signature over timestamp + body. */
export function signedHeaders(privateKey: KeyObject, body: string, timestamp = String(nowS())): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature-timestamp': timestamp,
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
  };
}

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer } | { error: string };

/**
 * One request on its own new TCP connection (no pooling, no retry), as a load balancer or Discord opening a
 * connection would: resolves with the answer, or with the error code (ECONNRESET, ECONNREFUSED, …) — never throws.
 */
export function rawRequest(url: string, o: { method?: string; path?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const u = new URL(o.path ?? '', url);
    const req = httpRequest(u, { method: o.method ?? 'POST', headers: o.headers, agent: false, timeout: o.timeoutMs ?? 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(o.body);
  });
}

/** A signed POST of one interaction on a fresh connection. */
export function postSignedRaw(url: string, privateKey: KeyObject, interaction: unknown, timeoutMs?: number): Promise<RawAnswer> {
  const body = JSON.stringify(interaction);
  return rawRequest(url, { headers: signedHeaders(privateKey, body), body, timeoutMs });
}

/** The interaction response in an answer: the JSON body, or payload_json of a multipart one (files attached). */
export async function interactionResponse(a: RawAnswer): Promise<{ type: number; data?: { content?: string; flags?: number; embeds?: unknown[]; components?: unknown[] } }> {
  if ('error' in a) throw new Error(`no answer: ${a.error}`);
  const type = String(a.headers['content-type'] ?? '');
  if (!type.startsWith('multipart/')) return JSON.parse(a.body.toString('utf8'));
  const form = await new Response(new Uint8Array(a.body), { headers: { 'content-type': type } }).formData();
  return JSON.parse(String(form.get('payload_json')));
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A pino logger writing JSON lines into `lines` (level 'silent' keeps nothing). */
export function capturedLogger(level = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      cb();
    },
  });
  return { log: pino({ level }, stream), lines };
}

/**
 * POST a 10 MB chunked body (no content-length) and say what happened: the status alone when the client read it and
 * finished sending; "<status> then <error>" when the connection was reset while it still sent.
 */
export function sendHugeChunkedBody(port: number, giveUpMs = 8000): Promise<string> {
  return new Promise<string>((resolve) => {
    let status = '';
    let sent = false;
    const settle = () => status && sent && resolve(status);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      status = String(res.statusCode);
      settle();
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`${status ? `${status} then ` : ''}${e.code ?? e.message}`));
    req.on('finish', () => {
      sent = true;
      settle();
    });
    setTimeout(() => resolve(`${status || 'no status'}; the client could not finish sending within ${giveUpMs / 1000} s`), giveUpMs).unref();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let n = 0;
    const write = () => {
      while (n < 10 * 1024 * 1024) {
        n += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}
