// The real entry points as processes: `npm run deploy` (src/discord/deploy.ts) and `npm start`
// (src/main.ts) in gateway mode, against the stand-in. The child gets a clean environment: only the
// variables set here, with DISCORD_API_BASE pointing at 127.0.0.1, so nothing can reach discord.com.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fake-discord/index.ts';
import { keyPair, rawRequest } from '../helpers/signed.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
// `npm start` is `node --import tsx src/main.ts`: one process, so SIGTERM reaches the bot itself (the tsx
// wrapper SIGKILLs its child when that child's event loop is busy for more than ~30 ms when the signal comes).
const tsxLoader = pathToFileURL(`${root}node_modules/tsx/dist/loader.mjs`).href;
const hasRegistry = existsSync(`${root}commands/index.ts`);
// Children run in an empty directory, so a developer's real ./.env can never be picked up by a test.
const cwd = mkdtempSync(join(tmpdir(), 'headroom-e2e-'));

interface Child {
  stdout: string;
  stderr: string;
  code: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  waitFor(re: RegExp, ms: number): Promise<void>;
}

function run(script: string, env: Record<string, string>): Child {
  const p = spawn(process.execPath, ['--import', tsxLoader, `${root}${script}`], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const child: Child = {
    stdout: '',
    stderr: '',
    code: new Promise((r) => p.on('exit', (code) => r(code))),
    kill: (signal = 'SIGTERM') => void p.kill(signal),
    waitFor: (re, ms) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout: ${child.stdout.slice(-500)} stderr: ${child.stderr.slice(-500)}`)), ms);
        const check = () => {
          if (re.test(child.stdout + child.stderr)) {
            clearTimeout(t);
            resolve();
          }
        };
        p.stdout.on('data', check);
        p.stderr.on('data', check);
        check();
      }),
  };
  p.stdout.on('data', (d: Buffer) => (child.stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (child.stderr += d.toString()));
  p.stdin.end();
  return child;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasRegistry)('e2e: entry points as processes', () => {
  let fake: FakeDiscord;
  const children: Child[] = [];
  const spawnTracked = (script: string, env: Record<string, string>) => {
    const c = run(script, env);
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.code));
    await fake?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('npm run deploy (settings from ./.env) registers the commands in the guild and says so', async () => {
    const dotenv = join(cwd, '.env');
    writeFileSync(
      dotenv,
      `# test\nDISCORD_TOKEN=${fake.token}\nDISCORD_APPLICATION_ID=${fake.applicationId}\nDISCORD_GUILD_ID=${fake.guildId}\nDISCORD_API_BASE=${fake.apiBase}\n`,
    );
    const c = spawnTracked('src/discord/deploy.ts', {});
    try {
      expect(await c.code).toBe(0);
    } finally {
      rmSync(dotenv);
    }
    expect(c.stdout).toMatch(/Registered 4 commands in guild/);
    expect(fake.guildCommands.get(fake.guildId)?.length).toBe(4);
    expect(fake.takeViolations()).toEqual([]);
  });

  it('npm run deploy with a wrong token exits non-zero with one clear line, never printing the token', async () => {
    const wrong = `${fake.token.slice(0, -4)}AAAA`;
    const c = spawnTracked('src/discord/deploy.ts', { DISCORD_TOKEN: wrong, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase });
    expect(await c.code).toBe(1);
    expect(c.stderr).toMatch(/deploy failed: Discord rejected DISCORD_TOKEN \(401/);
    expect(c.stdout + c.stderr).not.toContain(wrong);
    fake.takeViolations();
  });

  it('npm run deploy without credentials explains what is missing', async () => {
    const c = spawnTracked('src/discord/deploy.ts', {});
    expect(await c.code).toBe(1);
    expect(c.stderr).toMatch(/DISCORD_TOKEN is missing/);
    expect(c.stderr).toMatch(/DISCORD_APPLICATION_ID is missing/);
  });

  it('npm start with a token runs the gateway bot, answers, and exits cleanly on SIGTERM', async () => {
    const c = spawnTracked('src/main.ts', { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.apiBase, LOG_LEVEL: 'info' });
    await c.waitFor(/gateway ready/, 15_000);
    await fake.waitForReady();
    const o = await fake.command('size', { model: 'qwen3-32b', gpu: 'h100' });
    expect(FakeDiscord.text(o.answer)).toMatch(/Qwen3 32B/);
    c.kill('SIGTERM');
    expect(await c.code).toBe(0);
    expect(c.stdout + c.stderr).not.toContain(fake.token);
    expect(fake.takeViolations()).toEqual([]);
  });

  /** `npm start` as an HTTP interactions endpoint on a free port, signing with a fresh Ed25519 key pair. */
  async function startHttpBot() {
    const { publicHex, privateKey } = keyPair();
    const port = await freePort();
    const c = spawnTracked('src/main.ts', {
      DISCORD_PUBLIC_KEY: publicHex,
      DISCORD_APPLICATION_ID: fake.applicationId,
      PORT: String(port),
      DISCORD_API_BASE: fake.apiBase,
    });
    await c.waitFor(/HTTP interactions endpoint listening/, 15_000);
    return { c, url: `http://127.0.0.1:${port}/`, privateKey };
  }

  it('npm start with a public key + PORT serves the HTTP endpoint (signed PING -> PONG, a command answered)', async () => {
    const { c, url, privateKey } = await startHttpBot();
    const pong = await fake.deliverHttp(url, fake.pingInteraction(), privateKey);
    expect(pong.callbackType).toBe(1);
    const o = await fake.deliverHttp(url, fake.chatInput('gpus', { filter: 'h100' }), privateKey);
    expect(o.answer?.embeds?.[0]?.description).toMatch(/H100/);
    c.kill('SIGTERM');
    expect(await c.code).toBe(0);
    expect(fake.takeViolations()).toEqual([]);
  });

  it('npm start with no credentials opens the terminal console', async () => {
    const p = spawn(tsx, [`${root}src/main.ts`], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', r));
    p.stdin.end('/gpus filter:h100\n');
    const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(out).toMatch(/H100/);
  });

  it('SIGTERM in the middle of a burst on the HTTP endpoint: in-flight answers finish, every connection opened at the signal is answered (none reset), exit 0', async () => {
    const { c, url, privateKey } = await startHttpBot();
    const models = ['qwen3-32b', 'llama3.1-8b', 'qwen3-8b', 'llama3.1-70b'];
    const user = (i: number) => ({ user: { id: String(10n ** 17n + BigInt(i)), username: `u${i}` } });
    // Each on a new connection of its own, as Discord opening one; a reset or refusal is kept as the outcome.
    const send = (kind: string, interaction: ReturnType<FakeDiscord['pingInteraction']>) =>
      fake.deliverHttp(url, interaction, privateKey, { timeoutMs: 15_000, freshConnection: true }).then(
        (o) => ({ kind, o, error: undefined }),
        (err: Error) => ({ kind, o: undefined, error: `${err.message} ${(err as { code?: string }).code ?? ''}` }),
      );
    const burst = Array.from({ length: 30 }, (_, i) => send('burst', fake.chatInput('size', { model: models[i % 4]!, gpu: i % 3 ? 'h100' : 'a10x8', users: 1 + i }, user(i))));
    // Signal once the first answer is back, while the rest are in flight or queued.
    await Promise.race([burst[0], new Promise((r) => setTimeout(r, 5000))]);
    c.kill('SIGTERM');
    // New connections opened right at the signal (in the accept backlog while the bot is busy) and a moment into
    // the drain: a /size, a /gpus in Chinese and a PING each, and health checks.
    const wave = (k: number) => [
      send('size', fake.chatInput('size', { model: 'qwen3-8b', gpu: 'rtx4090' }, user(100 + k))),
      send('gpus-zh', fake.chatInput('gpus', { filter: 'h100' }, { ...user(200 + k), locale: 'zh-CN' })),
      send('ping', fake.pingInteraction()),
    ];
    const health = () => rawRequest(url, { method: 'GET', path: 'healthz' });
    const late = [...wave(0), ...wave(1), ...wave(2)];
    const checks = [health(), health()];
    await new Promise((r) => setTimeout(r, 100));
    late.push(...wave(3), ...wave(4));
    checks.push(health());
    const results = await Promise.all([...burst, ...late]);
    const healths = await Promise.all(checks);
    const code = await c.code;
    if (code !== 0) console.log(c.stdout.slice(-3000), c.stderr.slice(-2000));
    expect(code).toBe(0);
    let restarting = 0;
    let burstRestarting = 0;
    for (const { kind, o, error } of results) {
      expect(error ? `${kind}: ${error}` : kind).toBe(kind); // none reset, refused or timed out
      if (!o) continue;
      expect(o.timedOut, `${kind}: no answer`).toBe(false);
      expect(o.events[0]).toMatchObject({ kind: 'http-response' });
      expect(o.events[0]!.status).not.toBeGreaterThanOrEqual(300);
      if (kind === 'ping') {
        expect(o.callbackType).toBe(1);
        continue;
      }
      const text = FakeDiscord.text(o.answer);
      if (/restarting|正在重启/.test(text)) {
        // Told to ask again: anything the bot had not yet read when the signal came (on a loaded machine, part of
        // the burst may still sit in the accept backlog). What it had taken is answered in full (real answers below).
        if (kind === 'burst') burstRestarting++;
        else restarting++;
        expect(o.ephemeral).toBe(true);
        expect(text).toMatch(kind === 'gpus-zh' ? /Headroom 正在重启/ : /Headroom is restarting/);
      } else expect(o.answer?.embeds?.length || FakeDiscord.isLayout(o.answer), `${kind}: ${text.slice(0, 200)}`).toBeTruthy(); // a real answer (deferred ones edited before exit)
    }
    for (const h of healths) {
      expect('error' in h ? h.error : h.status).toBeOneOf([200, 503]);
      if (!('error' in h) && h.status === 503) expect(h.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect(restarting).toBeGreaterThan(0);
    expect(burstRestarting).toBeLessThan(burst.length - 1); // the first was answered before the signal; others were in flight
    expect(c.stdout).toMatch(/"msg":"stopped"/);
    console.log(`[sigterm] ${burst.length - burstRestarting} of the burst answered in full, ${burstRestarting} told to ask again; ${late.length} opened at the signal answered (${restarting} told to ask again)`);
    fake.takeViolations();
  });

  it('npm start with PORT=0x1F90 exits 1 naming PORT', async () => {
    const c = spawnTracked('src/main.ts', { DISCORD_PUBLIC_KEY: 'a'.repeat(64), DISCORD_APPLICATION_ID: '123456789012345678', PORT: '0x1F90' });
    expect(await c.code).toBe(1);
    expect(c.stderr).toMatch(/PORT must be a plain decimal port number/);
  });

  it('npm start with a malformed variable exits 1 with one line per problem', async () => {
    const c = spawnTracked('src/main.ts', { DISCORD_PUBLIC_KEY: 'nothex', PORT: 'x' });
    expect(await c.code).toBe(1);
    expect(c.stderr).toMatch(/DISCORD_PUBLIC_KEY must be 64 hex/);
    expect(c.stderr).toMatch(/PORT/);
  });
});
