// Issue 8: fuzz every way in — /size options, config.json, custom_ids, raw interactions — and check that no
// throw escapes, every reply fits Discord's limits, no echoed mention is live, and no figure is Infinity/NaN.
// Run counts are small and fixed so the suite stays fast on a shared 2-core machine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import { gpus, models } from '../../commands/browse.ts';
import { commands } from '../../commands/index.ts';
import { decodeSizeIt, recommendCommand, SIZE_IT_BUTTON } from '../../commands/recommend.ts';
import { answerSize, size } from '../../commands/size.ts';
import { ACTIONS, decodeAction, encodeAction, SIZE_BUTTON } from '../../commands/size-actions.ts';
import type { Reply } from '../../commands/types.ts';
import { checkConfigBounds } from '../../src/catalog/config-bounds.ts';
import { hasLiveMention } from '../../src/catalog/user-text.ts';
import { Dispatcher } from '../../src/discord/dispatch.ts';
import { silentLogger } from '../../src/discord/log.ts';
import { toMessage } from '../../src/discord/respond.ts';
import { messageLimitErrors } from '../fake-discord/server.ts';
import { cat } from '../helpers/req.ts';

const en = { locale: 'en' as const, options: {} };
const hostile = fc.constantFrom('@everyone', '@here', '<@123456789012345678>', '<@&123456789012345678>', '<#123456789012345678>', '**x**', '`x`', '__proto__', 'constructor', '0x1', '1e9', 'Infinity', 'NaN', '-1', '0', '', ' ', '\u0000', 'a'.repeat(300), '😀'.repeat(50), 'h100x0', 'vllm@99.99');
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), hostile);

/** Every number anywhere in a value is finite. */
function nonFinite(v: unknown, path = ''): string[] {
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [path];
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => nonFinite(x, `${path}.${k}`));
}

/** `typed`: what the user sent; "NaN" or "Infinity" may only appear in a reply as an echo of it. */
function checkReply(reply: Reply, typed: unknown[] = []): void {
  const msg = toMessage(reply);
  expect(messageLimitErrors(msg.body as never, msg.files.map((f, i) => ({ field: `files[${i}]`, name: f.name, size: f.data.length, contentType: f.contentType ?? '' })) as never, true)).toEqual([]);
  const visible = [msg.body.content, ...(msg.body.embeds ?? []).flatMap((e) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])].filter(Boolean).join('\n');
  expect(hasLiveMention(visible), visible).toBe(false);
  if (!typed.some((t) => /NaN|Infinity/.test(String(t)))) expect(visible).not.toMatch(/\bNaN\b|Infinity/);
}

describe('fuzz: command options', () => {
  it('/size with arbitrary options: a reply within limits, never a throw, never a live mention or NaN', async () => {
    const opt = fc.option(anyText, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          model: fc.oneof(anyText, fc.constantFrom('qwen3-8b', 'llama-3.1-8b')),
          gpu: fc.oneof(anyText, fc.constantFrom('rtx4090', 'h100x2', 'a10x8')),
          users: fc.oneof(opt, fc.integer({ min: -5, max: 200_000 }).map(String)),
          context: fc.oneof(opt, fc.constantFrom('4k', '128k', '10m', '11m')),
          quant: opt,
          kv: opt,
          engine: fc.oneof(opt, fc.constantFrom('vllm@0.19', 'llamacpp', 'sglang')),
          tp: opt,
          pp: opt,
          util: fc.oneof(opt, fc.double({ noNaN: false }).map(String)),
        }),
        async (o) => {
          const r = await answerSize(o, en, { chart: false });
          checkReply(r.ok ? r.answer.reply : r.reply, Object.values(o));
          if (r.ok) expect(nonFinite(r.answer.report)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('/recommend, /models and /gpus with arbitrary options', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, fc.option(anyText, { nil: undefined }), async (a, b, c) => {
        checkReply(await models.execute({ locale: 'en', options: { filter: a } }), [a]);
        checkReply(await gpus.execute({ locale: 'zh-CN', options: { filter: b } }), [b]);
        checkReply(await recommendCommand.execute({ locale: 'en', options: { model: a, users: c, context: b, budget: c } }), [a, b, c]);
      }),
      { numRuns: 40 },
    );
  });
});

describe('fuzz: config.json', () => {
  const field = fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.constantFrom(0, 1, 1e7, 1e12, -8, 0.5, Number.MAX_SAFE_INTEGER), fc.constant(null), fc.constant('12'));
  const config = fc.record(
    {
      model_type: fc.constantFrom('llama', 'qwen3', 'mixtral', 'deepseek_v3', 'gemma2', 'qwen3_next', 'gpt_oss', 'x'),
      hidden_size: field,
      num_hidden_layers: field,
      num_attention_heads: field,
      num_key_value_heads: field,
      head_dim: field,
      vocab_size: field,
      intermediate_size: field,
      num_local_experts: field,
      num_experts_per_tok: field,
      sliding_window: field,
      kv_lora_rank: field,
      qk_nope_head_dim: field,
      qk_rope_head_dim: field,
      v_head_dim: field,
      max_position_embeddings: field,
    },
    { requiredKeys: ['model_type'] },
  );
  // Mostly-valid configs too: a real one with one or two fields replaced.
  const real = fc
    .tuple(fc.constantFrom(...cat.modelEntries.map((e) => e.config as Record<string, unknown>)), fc.dictionary(fc.constantFrom('num_hidden_layers', 'head_dim', 'num_key_value_heads', 'hidden_size', 'vocab_size', 'intermediate_size', 'num_attention_heads', 'sliding_window'), field, { maxKeys: 2 }))
    .map(([c, patch]) => ({ ...c, ...patch }));

  it('random configs through the whole /size: one line or a finite report', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(config, real), fc.constantFrom('h100', 'rtx4090x2', 'a10x8'), fc.constantFrom('1', '64'), async (json, gpu, users) => {
        const t0 = performance.now();
        const r = await answerSize({ model: 'fuzzed', gpu, users }, en, { config: { json }, chart: false });
        expect(performance.now() - t0).toBeLessThan(5000);
        if (!r.ok) {
          expect(r.reply.text!.split('\n')).toHaveLength(1);
          expect(r.reply.text).not.toMatch(/NaN|Infinity/);
          return;
        }
        expect(checkConfigBounds(json).ok).toBe(true);
        expect(nonFinite(r.answer.report)).toEqual([]);
        checkReply(r.answer.reply);
      }),
      { numRuns: 120 },
    );
  });
});

describe('fuzz: custom_ids', () => {
  const versions = (prefix: string, current: number) => Array.from({ length: current + 1 }, (_, v) => `${prefix}:${v}:`);
  const prefixes = [...versions('size', SIZE_BUTTON.version), 'size:u:', ...versions('recommend', SIZE_IT_BUTTON.version), 'models:1:', 'gpus:1:'];
  const numberish = fc.constantFrom('NaN', 'Infinity', '-1', '0', '0x8', '1e3', '1.5', '99999999999', '8', '20', '4096', 'qwen3-32b', 'a10', 'vllm', 'fp8');
  it('decoders never throw on any string, and buttons always answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          // Every decoder, at its current version and the ones before it: free text, and field lists
          // with hostile, numeric-looking and empty fields.
          fc.constantFrom(...prefixes).chain((p) => fc.string({ maxLength: 80 }).map((s) => `${p}${s}`)),
          fc
            .tuple(fc.constantFrom(...prefixes), fc.array(fc.oneof(fc.string({ maxLength: 6 }), hostile, numberish, fc.constant('')), { minLength: 1, maxLength: 16 }))
            .map(([p, a]) => `${p}${a.join('|')}`.slice(0, 100)),
          fc.string({ maxLength: 60 }).map((s) => `models:1:models|${s}`),
          fc.string({ maxLength: 60 }).map((s) => `gpus:${s}`),
        ),
        async (id) => {
          decodeAction(id);
          decodeSizeIt(id);
          for (const c of [size, recommendCommand, models, gpus]) checkReply(await c.button!(id, en), [id]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('every valid state round-trips', () => {
    const id = fc.stringMatching(/^[a-z0-9.-]{1,20}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.record({
          model: id,
          gpu: id,
          count: fc.integer({ min: 1, max: 1024 }),
          users: fc.integer({ min: 1, max: 100_000 }),
          context: fc.integer({ min: 1, max: 10 * 2 ** 20 }),
          tp: fc.option(fc.integer({ min: 1, max: 1024 }), { nil: undefined }),
          util: fc.option(fc.integer({ min: 1, max: 1000 }).map((n) => n / 1000), { nil: undefined }),
        }),
        (action, st) => {
          const d = decodeAction(encodeAction(action, st)!);
          expect(d.ok && d.value.action).toBe(action);
          expect(d.ok && d.value.state).toMatchObject(st);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: raw interactions through the dispatcher', () => {
  const webhook = { editOriginal: async () => {}, deleteOriginal: async () => {}, followUp: async () => {} };
  const d = new Dispatcher({ commands, webhook, log: silentLogger(), rateLimit: false });
  const value = fc.oneof(fc.constant(null), fc.constant({}), fc.constant([]), fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), hostile);
  const option = fc.record({ name: fc.constantFrom('model', 'gpu', 'users', 'util', 'tp', 'config', '__proto__', 'x'), type: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant('3')), value, focused: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['name'] });
  const data = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.record({ name: fc.constantFrom('size', 'models', 'nope', 7), options: fc.oneof(fc.array(option, { maxLength: 4 }), fc.constant({}), fc.constant('x'), fc.constant(null)) }, { requiredKeys: [] }),
    fc.record({ custom_id: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)), component_type: fc.constantFrom(2, '2') }, { requiredKeys: [] }),
  );

  it('any shape: answered once (or dropped), never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(1, 2, 3, 4, 5, 9, '2'), data, async (type, data) => {
        const sent: APIInteractionResponse[] = [];
        const interaction = { id: '1234567890123456789', application_id: '1234567890123456780', token: 'tok', type, data, locale: 'en-US', user: { id: '1234567890123456781' } } as unknown as APIInteraction;
        await d.handle(interaction, async (r) => {
          sent.push(r);
        });
        expect(sent.length).toBeLessThanOrEqual(1);
        for (const r of sent) {
          if ('data' in r && r.data && 'content' in r.data) expect(hasLiveMention(String(r.data.content ?? ''))).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});
