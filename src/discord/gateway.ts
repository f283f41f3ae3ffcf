// Gateway mode: a discord.js Client with only the Guilds intent. INTERACTION_CREATE payloads are taken raw
// (the API shape, same as the HTTP endpoint receives) and handed to the shared dispatcher; the initial
// response is a REST callback. DISCORD_API_BASE (tests) redirects REST, and with it GET /gateway/bot, which
// is where discord.js learns the gateway URL.
import type { APIInteraction } from 'discord-api-types/v10';
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits } from 'discord.js';
import type { Command } from '../../commands/types.ts';
import { DiscordRest, type RestOptions } from './api.ts';
import { attachmentHostsFor, Dispatcher, type DispatcherOptions } from './dispatch.ts';
import type { Logger } from './log.ts';

export interface GatewayOptions {
  token: string;
  apiBase: string;
  commands: Command[];
  log: Logger;
  dispatcher?: Partial<Omit<DispatcherOptions, 'commands' | 'webhook' | 'log'>>;
  /** REST timeouts and retries (api.ts); tests shorten them. */
  rest?: Pick<RestOptions, 'timeoutMs' | 'attempts' | 'backoffMs'>;
  /** Milliseconds to wait for READY (+ guilds) before giving up. */
  readyTimeoutMs?: number;
}

export interface GatewayBot {
  client: Client;
  dispatcher: Dispatcher;
  /** Interactions still being answered. */
  inFlight(): number;
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayBot> {
  const log = opts.log.child({ transport: 'gateway' });
  const api = new DiscordRest({ apiBase: opts.apiBase, log, ...opts.rest });
  const extraHosts = attachmentHostsFor(opts.apiBase);
  const dispatcher = new Dispatcher({
    commands: opts.commands,
    webhook: api,
    log,
    ...opts.dispatcher,
    attachments: { extraHosts, ...opts.dispatcher?.attachments },
  });

  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: opts.apiBase, version: '10' },
    // Nothing is cached beyond what Guilds needs; the bot reads no messages.
  });

  const pending = new Set<Promise<void>>();
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (raw: APIInteraction) => {
    const p = dispatcher.handle(raw, async (response, files) => {
      await api.interactionCallback(raw.id, raw.token, response, files);
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord.js client error'));
  client.on(Events.Warn, (msg) => log.warn({ msg }, 'discord.js warning'));
  client.on(Events.ShardDisconnect, (ev, shard) => log.warn({ code: ev.code, shard }, 'gateway shard disconnected'));

  let readyTimer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    readyTimer = setTimeout(() => reject(new Error('gateway did not become ready in time')), opts.readyTimeoutMs ?? 30_000);
    client.once(Events.ClientReady, (c) => {
      clearTimeout(readyTimer);
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'gateway ready');
      resolve();
    });
  });
  try {
    await client.login(opts.token);
    await ready;
  } catch (err) {
    // A failed login never waited for `ready`: its timer must not reject later, unhandled, in a process that lives on.
    clearTimeout(readyTimer);
    ready.catch(() => {});
    await client.destroy().catch(() => {});
    api.close();
    const e = err as Error & { code?: string };
    if (e.code === 'TokenInvalid') throw new Error('Discord rejected DISCORD_TOKEN (401). Reset the token in the Developer Portal -> Bot and update .env.');
    throw err;
  }

  return {
    client,
    dispatcher,
    inFlight: () => pending.size,
    async stop() {
      // New interactions are told to ask again; in-flight answers finish (bounded); then disconnect.
      dispatcher.drain();
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 8_000).unref())]);
      await client.destroy();
      client.rest.clearHashSweeper();
      client.rest.clearHandlerSweeper();
      api.close();
    },
  };
}
