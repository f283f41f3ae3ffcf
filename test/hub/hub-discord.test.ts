// A Hub model asked in Discord: the reply defers at once (the lookup may take seconds), then the answer names the
// repo and commit; model autocomplete answers with Hub repos within Discord's deadline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { size } from '../../commands/size.ts';
import { catalogs } from '../../src/catalog/load.ts';
import { Dispatcher } from '../../src/discord/dispatch.ts';
import { silentLogger } from '../../src/discord/log.ts';
import type { OutgoingFile, WebhookApi } from '../../src/discord/respond.ts';
import { clearSearchCache } from '../../src/hub/search.ts';
import { addCheckpoint, readConfig, REPOS, seedRepos } from '../fake-hub/repos.ts';
import { FakeHub } from '../fake-hub/server.ts';

let hub: FakeHub;
const saved = { ...process.env };

beforeAll(async () => {
  hub = await FakeHub.start();
  seedRepos(hub);
  // A repo whose files answer slowly: the lookup takes longer than Discord's 3 s would allow without deferring.
  addCheckpoint(hub, 'acme-labs/Slowish-8B', readConfig('Qwen--Qwen3-8B'));
  hub.repo('acme-labs/Slowish-8B')!.slowMs = 150;
  process.env.HF_ENDPOINT = hub.endpoint;
  process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'headroom-hubdc-'));
  catalogs(); // loaded at start-up in the bot
});

afterAll(async () => {
  process.env = saved;
  await hub.close();
});

function harness() {
  const sent: Array<{ kind: string; body: unknown; at: number }> = [];
  const t0 = Date.now();
  const webhook: WebhookApi = {
    async editOriginal(_a, _t, body) {
      sent.push({ kind: 'edit', body, at: Date.now() - t0 });
    },
    async deleteOriginal() {
      sent.push({ kind: 'delete', body: undefined, at: Date.now() - t0 });
    },
    async followUp(_a, _t, body) {
      sent.push({ kind: 'followup', body, at: Date.now() - t0 });
    },
  };
  const log = silentLogger();
  const d = new Dispatcher({ commands: [size], webhook, log, deferAfterMs: 10_000, rateLimit: false });
  const initial = async (response: APIInteractionResponse, _files: OutgoingFile[]) => {
    sent.push({ kind: 'initial', body: response, at: Date.now() - t0 });
  };
  return { d, sent, initial };
}

let n = 0;
function interaction(type: 2 | 4, options: unknown[]): APIInteraction {
  n++;
  return {
    id: `2${String(n).padStart(18, '0')}`,
    application_id: '1428922864052076548',
    token: `hubtok${n}`,
    type,
    version: 1,
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 1,
    data: { id: '1', name: 'size', type: 1, options },
  } as unknown as APIInteraction;
}

describe('Discord', () => {
  it('/size with a Hub repo defers at once, then answers with the repo and its commit', async () => {
    const h = harness();
    await h.d.handle(interaction(2, [{ name: 'model', type: 3, value: 'acme-labs/Slowish-8B' }, { name: 'gpu', type: 3, value: 'h100' }]), h.initial);
    expect(h.sent[0]!.kind).toBe('initial');
    expect((h.sent[0]!.body as { type: number }).type).toBe(5);
    // The defer timer is 10 s here: an answer within 1 s can only be the up-front deferral a Hub lookup gets
    // (a tighter bound only measures how loaded the machine is).
    expect(h.sent[0]!.at).toBeLessThan(1000);
    const edit = h.sent.find((s) => s.kind === 'edit');
    const text = JSON.stringify(edit?.body);
    expect(text).toContain(`Architecture: Hugging Face Hub acme-labs/Slowish-8B @ ${hub.repo('acme-labs/Slowish-8B')!.sha.slice(0, 10)}`);
  });

  it('a gated repo: an ephemeral one-line error after the deferral', async () => {
    const h = harness();
    await h.d.handle(interaction(2, [{ name: 'model', type: 3, value: REPOS.gated }, { name: 'gpu', type: 3, value: 'h100' }]), h.initial);
    const follow = h.sent.find((s) => s.kind === 'followup');
    expect(JSON.stringify(follow?.body)).toMatch(/is gated or private \(HTTP 401\); set HF\\\\_TOKEN to a token with access to it/);
    expect((follow?.body as { flags?: number }).flags! & 64).toBe(64);
  });

  it('model autocomplete offers Hub repos (type 8) well inside the 3 s deadline', async () => {
    clearSearchCache();
    const h = harness();
    await h.d.handle(interaction(4, [{ name: 'model', type: 3, value: 'acme-labs/Llama', focused: true }]), h.initial);
    const r = h.sent[0]!;
    expect((r.body as { type: number }).type).toBe(8);
    const values = (r.body as { data: { choices: Array<{ value: string }> } }).data.choices.map((c) => c.value);
    expect(values).toContain(REPOS.llama);
    expect(r.at).toBeLessThan(2000);
  });
});
