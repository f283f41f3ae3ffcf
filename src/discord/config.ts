// Environment, validated once at start (zod). Every missing or malformed value gets one clear line;
// the token itself is never echoed.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export type Mode = 'gateway' | 'http' | 'console';

export const DEFAULT_API_BASE = 'https://discord.com/api';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const snowflake = (what: string) =>
  z.string().regex(/^\d{17,20}$/, `${what} must be a Discord id (17-20 digits); copy it from the Developer Portal`);

/** Treat `VAR=` (empty, common in .env files) as unset. */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());

const EnvSchema = z.object({
  DISCORD_TOKEN: opt(
    z
      .string()
      .refine((s) => !/^bot\s/i.test(s), 'DISCORD_TOKEN must be the bare token, without the "Bot " prefix')
      .refine(
        (s) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(s),
        'DISCORD_TOKEN does not look like a bot token (three dot-separated parts); copy it from Developer Portal -> Bot -> Reset Token',
      ),
  ),
  DISCORD_APPLICATION_ID: opt(snowflake('DISCORD_APPLICATION_ID')),
  DISCORD_PUBLIC_KEY: opt(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'DISCORD_PUBLIC_KEY must be 64 hex characters (Developer Portal -> General Information -> Public Key)'),
  ),
  PORT: opt(
    z
      .string()
      .regex(/^\d{1,5}$/, 'PORT must be a plain decimal port number such as 8080')
      .transform(Number)
      .pipe(z.number().int().min(1, 'PORT must be between 1 and 65535').max(65535, 'PORT must be between 1 and 65535')),
  ),
  DISCORD_GUILD_ID: opt(snowflake('DISCORD_GUILD_ID')),
  DISCORD_API_BASE: opt(
    z
      .string()
      .refine((s) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(s), 'DISCORD_API_BASE must be an http(s) URL such as https://discord.com/api'),
  ),
  LOG_LEVEL: opt(z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })),
});

export interface Config {
  mode: Mode;
  token?: string;
  applicationId?: string;
  publicKey?: string;
  port?: number;
  guildId?: string;
  /** REST base without the version, e.g. https://discord.com/api (the stand-in in tests). */
  apiBase: string;
  apiBaseOverridden: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Non-fatal remarks worth logging at start. */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Read .env and run a config loader; on a ConfigError print one line per problem (prefixed) and return
 * undefined so the caller exits 1. Anything else is a bug and is rethrown.
 */
export function loadOrReport<T>(load: () => T, prefix: string): T | undefined {
  try {
    loadDotEnv();
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`${prefix}: ${p}`);
      return undefined;
    }
    throw err;
  }
}

/** Load ./.env (from the working directory) when present; variables already in the environment win. */
export function loadDotEnv(file = resolve(process.cwd(), '.env')): boolean {
  if (!existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}

function parseEnv(env: Env) {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    // One line per variable; never include the received value (it may be a token).
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const issue of r.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  return r.data;
}

/** Validate the environment and pick the mode: token -> gateway; public key + PORT -> HTTP; neither -> console. */
export function loadConfig(env: Env = process.env): Config {
  const e = parseEnv(env);
  const warnings: string[] = [];
  const problems: string[] = [];
  let mode: Mode;
  if (e.DISCORD_TOKEN) {
    mode = 'gateway';
    if (e.DISCORD_PUBLIC_KEY && e.PORT)
      warnings.push('DISCORD_TOKEN is set, so the bot runs in gateway mode; DISCORD_PUBLIC_KEY/PORT are ignored (unset DISCORD_TOKEN to serve the HTTP endpoint)');
  } else if (e.DISCORD_PUBLIC_KEY) {
    mode = 'http';
    if (!e.PORT) problems.push('PORT is missing: the HTTP interactions endpoint needs a port to listen on');
    if (!e.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID is missing: the HTTP interactions endpoint needs it');
  } else {
    mode = 'console';
    if (e.PORT) warnings.push('PORT is set but DISCORD_PUBLIC_KEY is not, so no HTTP endpoint is served; starting the terminal console');
  }
  if (problems.length) throw new ConfigError(problems);
  const apiBase = (e.DISCORD_API_BASE ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  return {
    mode,
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    publicKey: e.DISCORD_PUBLIC_KEY?.toLowerCase(),
    port: e.PORT,
    guildId: e.DISCORD_GUILD_ID,
    apiBase,
    apiBaseOverridden: e.DISCORD_API_BASE !== undefined,
    logLevel: e.LOG_LEVEL ?? 'info',
    warnings,
  };
}

/** What `npm run deploy` needs: token and application id. */
export function loadDeployConfig(env: Env = process.env): Required<Pick<Config, 'token' | 'applicationId'>> & Config {
  const e = parseEnv(env);
  const problems: string[] = [];
  if (!e.DISCORD_TOKEN) problems.push('DISCORD_TOKEN is missing: deploy registers commands with the bot token');
  if (!e.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID is missing: deploy needs the application id');
  if (problems.length) throw new ConfigError(problems);
  const base = loadConfig(env);
  return { ...base, token: e.DISCORD_TOKEN!, applicationId: e.DISCORD_APPLICATION_ID! };
}
