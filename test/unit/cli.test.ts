import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SizingReportSchema } from '../../src/engine/report.ts';
import { parseArgs } from '../../src/cli/ask.ts';
import { runLine } from '../../src/cli/run.ts';
import { cat } from '../helpers/req.ts';

const run = promisify(execFile);

describe('ask', () => {
  it('answers the README question in text', async () => {
    const r = await runLine('/size model:qwen3-32b gpu:a10x8 users:20');
    expect(r.ok).toBe(true);
    expect(r.output).toMatch(/Fits/);
    expect(r.output).toMatch(/Memory per GPU/);
    expect(r.output).toMatch(/How the key figures were computed/);
  });

  it('--json prints the SizingReport as the design names it', async () => {
    const r = await runLine('/size model:qwen3-32b gpu:a10x8 users:20 context:4k', { json: true });
    const report = SizingReportSchema.parse(JSON.parse(r.output));
    expect(report.request).toMatchObject({ model: 'qwen3-32b', gpu: 'a10', gpuCount: 8, users: 20, contextTokens: 4096 });
    expect(report.explain).toBeUndefined();
  });

  it('--explain shows each formula with values', async () => {
    const r = await runLine('/size model:llama-3.1-8b gpu:h100', { explain: true });
    expect(r.output).toMatch(/2 \* kvHeads \* headDim \* kvBytes\n\s+= 2 \* 8 \* 128 \* 2/);
  });

  it('--config sizes a model from a Hugging Face config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(cat.modelEntries.find((e) => e.id === 'llama-3.1-8b')!.config));
    const fromFile = JSON.parse((await runLine('/size model:my-llama gpu:h100', { json: true, configFile: file })).output);
    const fromCatalog = JSON.parse((await runLine('/size model:llama-3.1-8b gpu:h100', { json: true })).output);
    expect(fromFile.kv.bytesPerToken).toBe(131072);
    expect(fromFile.perGpu.weightsBytes).toBe(fromCatalog.perGpu.weightsBytes);
    writeFileSync(file, '{"hidden_size": "big"}');
    const bad = await runLine('/size gpu:h100', { configFile: file });
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/config\.json hidden_size must be a number/);
  });

  it.each([
    ['/size model:qwen3-33b gpu:a10x8', /unknown model "qwen3-33b" — did you mean qwen3-32b/],
    ['/size model:qwen3-32b gpu:a10x8 users:-3', /users/],
    ['/size model:qwen3-32b gpu:a10x8 context:banana', /context "banana" is not a token count/],
    ['/size model:qwen3-32b gpu:h100x6 tp:3', /64 attention heads are not divisible by tp=3 — did you mean tp:1, tp:2|64 attention heads are not divisible by tp=3\. — did you mean tp:1, tp:2/],
    ['/size model:qwen3-32b', /which GPU/],
    ['/frobnicate', /unknown command \/frobnicate/],
    ['/size banana model:qwen3-32b gpu:h100', /"banana" is not an option/],
    ['/size model:qwen3-32b gpu:h100 banana', /unknown GPU "h100 banana"/],
  ])('%s -> one clear line', async (line, re) => {
    const r = await runLine(line);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(re);
    expect(r.output.split('\n')).toHaveLength(1);
  });

  it('parses flags', () => {
    expect(parseArgs(['/size', 'model:x', '--json', '--chart', 'a.png'])).toEqual({ line: '/size model:x', opts: { json: true, chartFile: 'a.png' } });
    expect('error' in parseArgs(['--config'])).toBe(true);
  });

  it('exits non-zero with one line and no stack trace on bad input; writes the chart PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-'));
    const png = join(dir, 'm.png');
    const ok = await run(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '/size model:qwen3-32b gpu:a10x8 users:20', '--chart', png]);
    expect(ok.stdout).toMatch(/Fits/);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const bad = await run(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '/size model:nope gpu:a10x8']).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
