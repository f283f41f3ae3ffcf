// Issue 8, bounded work and validation: every hostile value from the "Why" list, one by one.
// Each case failed before this change (accepted, crashed, echoed raw, or took seconds).
import { describe, expect, it } from 'vitest';
import { answerSize, size as sizeCommand } from '../../commands/size.ts';
import { decodeAction, encodeAction } from '../../commands/size-actions.ts';
import { autocompleteEngine, autocompleteGpu, autocompleteModel, autocompleteQuant } from '../../commands/shared.ts';
import { gpus as gpusCommand } from '../../commands/browse.ts';
import { checkConfigBounds } from '../../src/catalog/config-bounds.ts';
import { buildRequest, parseEngine, parseUtil } from '../../src/catalog/parse.ts';
import { hasLiveMention, safeText } from '../../src/catalog/user-text.ts';
import { runLine } from '../../src/cli/run.ts';
import { cat } from '../helpers/req.ts';

const en = { locale: 'en' as const, options: {} };
const llama8b = () => structuredClone(cat.modelEntries.find((e) => e.id === 'llama-3.1-8b')!.config) as Record<string, unknown>;

function replyText(r: { text?: string; content?: string; embeds?: { title?: string; description?: string; footer?: { text: string } }[] }): string {
  return [r.text, r.content, ...(r.embeds ?? []).flatMap((e) => [e.title, e.description, e.footer?.text])].filter(Boolean).join('\n');
}

describe('option values: strict, in range, one clear line', () => {
  it.each(['0x1', '1e0', 'Infinity', '-0.5', '0', '7', '150%', '0.9.1', ' ', 'NaN'])('util:%s is refused', (v) => {
    const r = parseUtil(v);
    expect(r.ok).toBe(false);
  });
  it.each([
    ['0.9', 0.9],
    ['.85', 0.85],
    ['90%', 0.9],
    ['1', 1],
  ])('util:%s = %d', (v, want) => {
    const r = parseUtil(v);
    expect(r.ok && r.value).toBe(want);
  });

  it('util:7 says what would work instead of answering', () => {
    const r = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', util: '7' }, cat);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/util 7 is not above 0 and at most 1/);
  });

  it.each([
    ['users', '0'],
    ['users', '100001'],
    ['users', '0x10'],
    ['users', '1e3'],
    ['context', '11m'],
    ['context', '0'],
    ['context', '0x1000'],
    ['tp', '1025'],
    ['tp', '16'], // more than the 8 GPUs given
    ['pp', '9'],
  ])('%s:%s is refused', (k, v) => {
    const r = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', [k]: v }, cat);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.field).toBe(k);
  });

  it.each(['h100x0', 'h100x2000', '0xh100', '5000xh100'])('gpu:%s names the count range', (g) => {
    const r = buildRequest({ model: 'qwen3-32b', gpu: g }, cat);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/GPU count must be from 1 to 1024/);
  });

  it('context:10m is Llama 4 Scout-sized and accepted', () => {
    expect(buildRequest({ model: 'qwen3-32b', gpu: 'h100x8', context: '10m' }, cat).ok).toBe(true);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'vlm'])('engine:%s is an unknown engine with suggestions', (e) => {
    const r = parseEngine(e);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/unknown engine/);
    expect(!r.ok && r.error.didYouMean?.length).toBeGreaterThan(0);
    const full = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', engine: e }, cat);
    expect(!full.ok && full.error.field).toBe('engine');
  });

  it('engine:vllm@99.99 is an unknown release listing the known ones; vllm@0.19 is the 0.17 profile', () => {
    const r = buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', engine: 'vllm@99.99' }, cat);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/unknown vLLM release 99\.99/);
    expect(!r.ok && r.error.didYouMean).toEqual(cat.engines.vllm.releases.map((x) => `vllm@${x.version}`));
    expect(buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', engine: 'vllm@0.19' }, cat).ok).toBe(true);
    expect(buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', engine: 'vllm@0.28' }, cat).ok).toBe(true);
    expect(buildRequest({ model: 'qwen3-32b', gpu: 'a10x8', engine: 'vllm@0.29' }, cat).ok).toBe(false);
  });

  it('over-long values are refused before any lookup (a 100 000-character model name)', () => {
    const t0 = performance.now();
    const r = buildRequest({ model: 'q'.repeat(100_000), gpu: 'a10x8' }, cat);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/model is 100000 characters long; at most 200 are read/);
    expect(performance.now() - t0).toBeLessThan(1000); // was seconds of fuzzy matching
  });
});

describe('echoed user text is inert and short', () => {
  it.each(['@everyone', '@here', '<@123456789012345678>', '<@&123456789012345678>', '<#123456789012345678>', '<t:1700000000:R>', '</size:123456789012345678>'])(
    'model:%s comes back without a live mention',
    async (m) => {
      const r = await answerSize({ model: m, gpu: 'a10x8' }, en);
      expect(r.ok).toBe(false);
      const text = replyText(!r.ok ? r.reply : {});
      expect(text).toMatch(/unknown model/);
      expect(hasLiveMention(text)).toBe(false);
    },
  );

  it.each(['tps', 'ttft', 'host', 'spec', 'accept'])('%s:<@…> comes back without a live mention (every option parser echoes through one clip)', async (opt) => {
    const r = await answerSize({ model: 'qwen3-32b', gpu: 'a10x8', [opt]: '<@123456789012345678> @everyone' }, en);
    expect(r.ok).toBe(false);
    expect(hasLiveMention(replyText(!r.ok ? r.reply : {}))).toBe(false);
  });

  it('markdown in an echoed value is escaped in the embed, and the echo is cut', async () => {
    const r = await answerSize({ model: `**bold** ${'x'.repeat(150)}`, gpu: 'a10x8' }, en);
    const d = !r.ok ? r.reply.embeds![0]!.description! : '';
    expect(d).toContain('\\*\\*bold\\*\\*');
    expect(d.length).toBeLessThan(400);
  });

  it('/gpus filter echo is inert', async () => {
    const r = await gpusCommand.execute({ locale: 'en', options: { filter: '@everyone <@123456789012345678>' } });
    expect(hasLiveMention(replyText(r))).toBe(false);
  });

  it('unknown terminal commands echo a cut, inert name', async () => {
    const r = await runLine(`/${'x'.repeat(20_000)}@everyone`);
    expect(r.ok).toBe(false);
    expect(r.output.length).toBeLessThan(300);
    const r2 = await runLine('/@everyone');
    expect(hasLiveMention(r2.output)).toBe(false);
  });

  it('safeText: control characters, backticks and length', () => {
    expect(safeText('a\nb`c', 10)).toBe("a b'c");
    expect(safeText('x'.repeat(100), 10)).toHaveLength(10);
    expect(safeText('😀'.repeat(20), 5)).toBe('😀😀😀😀…');
  });
});

describe('config.json bounds', () => {
  it('every catalog config is within the bounds', () => {
    for (const e of cat.modelEntries) {
      const r = checkConfigBounds(e.config);
      expect(r.ok, `${e.id}: ${!r.ok ? r.message : ''}`).toBe(true);
    }
  });

  it.each([
    ['num_hidden_layers', 100_000, /num_hidden_layers is 100000; real models have 1–1,024/],
    ['num_hidden_layers', 1e7, /num_hidden_layers is 10000000/],
    ['num_hidden_layers', 0, /num_hidden_layers is 0/],
    ['head_dim', 0, /head_dim is 0/],
    ['num_key_value_heads', -8, /num_key_value_heads is -8/],
    ['num_key_value_heads', 7, /num_attention_heads 32 is not a multiple of num_key_value_heads 7/],
    ['vocab_size', 1e12, /vocab_size is 1000000000000/],
    ['hidden_size', 4096.5, /hidden_size must be a whole number/],
    ['intermediate_size', '14336', /intermediate_size must be a number/],
    ['num_hidden_layers', null, /no usable layer count/],
  ])('%s: %s -> one line naming the field', async (field, value, re) => {
    const json = llama8b();
    json[field] = value;
    const t0 = performance.now();
    const r = await answerSize({ model: 'mine', gpu: 'h100' }, en, { config: { json }, chart: false });
    expect(performance.now() - t0).toBeLessThan(2000); // 100 000 layers used to take minutes
    expect(r.ok).toBe(false);
    const text = !r.ok ? r.reply.text! : '';
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(re);
    expect(text).not.toMatch(/Infinity|NaN/);
  });

  it('nested text_config is checked as the engine reads it', () => {
    const r = checkConfigBounds({ architectures: ['X'], text_config: { ...llama8b(), head_dim: 0 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.field).toBe('head_dim');
  });

  it('a config within every bound but with absurd totals is refused by its parameter count', async () => {
    const json = { model_type: 'llama', hidden_size: 131072, num_hidden_layers: 1024, num_attention_heads: 1024, vocab_size: 4_000_000, intermediate_size: 1_000_000 };
    const r = await answerSize({ model: 'huge', gpu: 'h100' }, en, { config: { json }, chart: false });
    expect(!r.ok && r.reply.text).toMatch(/T parameters; the largest real models have about 2 T/);
  });
});

describe('custom_id schema', () => {
  const st = { model: 'qwen3-32b', gpu: 'a10', count: 8, users: 20, context: 4096, tp: 8, util: 0.9 };

  it('round-trips', () => {
    const id = encodeAction('u2', st)!;
    expect(id.startsWith('size:4:u2||')).toBe(true);
    const d = decodeAction(id);
    expect(d.ok && d.value).toEqual({ action: 'u2', arg: undefined, state: { ...st, quant: undefined, kv: undefined, engine: undefined, pp: undefined } });
  });

  it('carries the speed target, host, average context and speculative decoding, and still reads version 3 ids', () => {
    const more = { avgcontext: '2048', tps: '30', ttft: '2.5', host: 'ddr5x8', spec: 'eagle3:3', accept: '.7' };
    const id = encodeAction('c2', { ...st, more })!;
    expect(id.length).toBeLessThanOrEqual(100);
    const d = decodeAction(id);
    expect(d.ok && d.value.state.more).toEqual(more);
    const old = decodeAction('size:3:u2||qwen3-32b|a10|8|20|4096||||8||0.9');
    expect(old.ok && old.value.state).toMatchObject({ model: 'qwen3-32b', count: 8, users: 20, tp: 8, util: 0.9 });
    for (const bad of ['x30', 't30,t40', 'sspec', 'p1.5', 'h<@1>', 'a-1']) expect(decodeAction(id.replace(/\|[^|]*\|0\.9$/, `|${bad}|0.9`)).ok, bad).toBe(false);
  });

  it.each([
    ['size:4:u2||qwen3-32b|a10|8|20|4096||||NaN|||', 'invalid'],
    ['size:3:u2||qwen3-32b|a10|8|20|4096||||NaN||', 'invalid'],
    ['size:3:u2||qwen3-32b|a10|8|20|4096||||0x8||', 'invalid'],
    ['size:3:u2||qwen3-32b|a10|8|20|4096||||8||7', 'invalid'],
    ['size:3:u2||qwen3-32b|a10|99999|20|4096||||||', 'invalid'],
    ['size:3:zz||qwen3-32b|a10|8|20|4096||||||', 'invalid'],
    ['size:3:u2||<@1>|a10|8|20|4096||||||', 'invalid'],
    ['size:3:u2||qwen3-32b', 'invalid'],
    ['size:9:u|qwen3-32b|a10|8|20|4096||||||', 'invalid'],
    ['size:u:qwen3-32b|a10|8|20|4096||||NaN||', 'old'],
    ['size:2:u|qwen3-32b|a10|8|20|4096||||||', 'old'],
    ['size:3:to|<@1>+2|qwen3-32b|a10|8|20|4096||||||', 'invalid'],
  ])('%s -> %s', async (id, reason) => {
    const d = decodeAction(id);
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toBe(reason);
    const reply = await sizeCommand.button!(id, en);
    expect(reply.ephemeral).toBe(true);
    expect(replyText(reply)).not.toMatch(/NaN|tp "/);
  });
});

describe('autocomplete reads at most 100 characters', () => {
  it('a 100 000-character query answers at once', () => {
    const q = 'qwen3 '.repeat(20_000);
    const t0 = performance.now();
    for (const f of [autocompleteModel, autocompleteGpu, autocompleteEngine, autocompleteQuant]) expect(f(q).length).toBeLessThanOrEqual(25);
    expect(performance.now() - t0).toBeLessThan(1500); // was ~20 s
  });
});

describe('terminal faults', () => {
  it.each([
    ['/nonexistent-dir/x/memory.png', /cannot write the chart to \/nonexistent-dir\/x\/memory\.png \(its folder does not exist\)/],
    ['/tmp', /cannot write the chart to \/tmp \(it is a folder\)/],
  ])('an unwritable --chart %s gets one clear line', async (file, re) => {
    const r = await runLine('/size model:qwen3-8b gpu:rtx4090', { chartFile: file });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(re);
  });
});

describe('environment', () => {
  it.each(['0x1F90', '8080.5', '1e3', '-1', '70000', ' 80 80'])('PORT=%s is refused, naming PORT', async (port) => {
    const { loadConfig, ConfigError } = await import('../../src/discord/config.ts');
    let err: unknown;
    try {
      loadConfig({ DISCORD_PUBLIC_KEY: 'a'.repeat(64), DISCORD_APPLICATION_ID: '123456789012345678', PORT: port });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/PORT/);
  });
});
