// Entry point (`npm start`). The environment picks the transport:
//   DISCORD_TOKEN                          -> gateway (discord.js client)
//   DISCORD_PUBLIC_KEY + PORT (+ APP ID)   -> HTTP interactions endpoint
//   neither                                -> terminal console
import { loadConfig, loadOrReport, type Config } from './discord/config.ts';
import { loadCommands } from './discord/registry.ts';
import { createLogger, type Logger } from './discord/log.ts';

async function runDiscord(config: Config, log: Logger): Promise<() => Promise<void>> {
  const { commands } = await loadCommands();
  const t0 = Date.now();
  await Promise.all(commands.map((c) => c.warm?.()));
  log.info({ ms: Date.now() - t0 }, 'warmed up');
  if (config.mode === 'gateway') {
    const { startGateway } = await import('./discord/gateway.ts');
    const bot = await startGateway({ token: config.token!, apiBase: config.apiBase, commands, log });
    return () => bot.stop();
  }
  const { startHttp } = await import('./discord/http.ts');
  const bot = await startHttp({ publicKey: config.publicKey!, port: config.port!, apiBase: config.apiBase, commands, log });
  log.info(
    `Listening on port ${bot.port}. Set the Interactions Endpoint URL to https://<your public host>/ at ` +
      `https://discord.com/developers/applications/${config.applicationId}/information`,
  );
  return () => bot.stop();
}

async function main(): Promise<void> {
  const loaded = loadOrReport(() => loadConfig(), 'headroom');
  if (!loaded) process.exit(1);
  const config: Config = loaded;

  if (config.mode === 'console') {
    for (const w of config.warnings) console.error(`headroom: ${w}`);
    const path = './cli/console.ts'; // owned by the CLI module
    const { runConsole } = (await import(path)) as { runConsole: () => Promise<void> };
    await runConsole();
    return;
  }

  const log = createLogger(config.logLevel);
  for (const w of config.warnings) log.warn(w);
  log.info({ mode: config.mode, apiBase: config.apiBaseOverridden ? config.apiBase : undefined }, 'starting');
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));

  let stop: () => Promise<void>;
  try {
    stop = await runDiscord(config, log);
  } catch (err) {
    log.fatal({ err }, (err as Error).message ?? 'could not start');
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
