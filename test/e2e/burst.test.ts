// Issue 8: 500 interactions from 50 users in 5 guilds at once, over the gateway against the loopback Discord
// (which refuses any acknowledgement later than 3 s). Everyone is acknowledged in time and answered; the five
// users who send far more than their share are told to slow down, and no one else is. How fast the burst
// drains is reported by `npm run bench` (timing goals live there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { startGateway, type GatewayBot } from '../../src/discord/gateway.ts';
import { silentLogger } from '../../src/discord/log.ts';
import { FakeDiscord } from '../fake-discord/index.ts';
import { runBurst } from '../helpers/burst.ts';

describe('e2e: a 500-interaction burst', () => {
  let fake: FakeDiscord;
  let bot: GatewayBot;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    await deployCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiBase: fake.apiBase, commands });
    await Promise.all(commands.map((c) => c.warm?.()));
    bot = await startGateway({ token: fake.token, apiBase: fake.apiBase, commands, log: silentLogger() });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it('500 from 50 users: all acknowledged within 3 s and answered; spammers told to slow down, nobody else', async () => {
    const r = await runBurst(fake, { total: 500, users: 50, guilds: 5, spammers: 5, timeoutMs: 60_000 });
    console.log(
      `[burst 500] slowest ack ${r.slowestAckMs.toFixed(0)} ms, median answer ${r.medianAnswerMs.toFixed(0)} ms, slowest answer ${r.slowestAnswerMs.toFixed(0)} ms, ` +
        `rate-limited ${r.rateLimited}, wall ${r.wallMs.toFixed(0)} ms`,
    );
    for (const { outcome } of r.outcomes) {
      expect(outcome.timedOut).toBe(false);
      expect(outcome.rejected).toEqual([]); // a callback after 3 s would be refused with 10062
      expect(outcome.ackMs!).toBeLessThan(3000);
    }
    const limited = r.outcomes.filter((x) => /faster than I can answer/.test(JSON.stringify(x.outcome.answer ?? {})));
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((x) => x.spammer && x.outcome.ephemeral)).toBe(true);
    // Everyone else got a real answer: an embed (commands) or choices (autocomplete).
    for (const x of r.outcomes.filter((o) => !o.spammer)) {
      if (x.kind === 'autocomplete') expect(x.outcome.choices?.length).toBeGreaterThan(0);
      else expect((x.outcome.answer?.embeds?.length ?? 0) > 0 || FakeDiscord.isLayout(x.outcome.answer), JSON.stringify(x.outcome.answer)).toBe(true);
    }
    expect(fake.takeViolations()).toEqual([]);
  }, 120_000);
});
