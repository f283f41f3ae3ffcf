// Run one slash line in the terminal through the same command modules Discord uses.
import { readFile, writeFile } from 'node:fs/promises';
import { answerRecommend } from '../../commands/recommend.ts';
import { answerSize, SIZE_KEYS } from '../../commands/size.ts';
import { commands, findCommand } from '../../commands/index.ts';
import type { CommandContext, Locale } from '../../commands/types.ts';
import { parseSlash } from './slash.ts';
import { safeText } from '../catalog/user-text.ts';
import { toTraditional } from '../render/zh-tw.ts';

export const ALL_KEYS = [...SIZE_KEYS, 'config', 'filter', 'budget', 'page'] as const;

export interface RunOptions {
  json?: boolean;
  explain?: boolean;
  configFile?: string;
  locale?: Locale;
  /** Write the memory chart PNG here. */
  chartFile?: string;
}

export interface RunResult {
  ok: boolean;
  output: string;
}

const HELP = `Commands:
  /size model:<model> gpu:<gpu[xN]> [users:N] [context:4k] [quant:int4] [kv:fp8] [engine:vllm@0.19] [tp:N] [pp:N] [util:0.9]
  /recommend model:<model> [users:N] [context:4k] [quant:…] [kv:…] [engine:…] [budget:N] [gpu:<what you have>]
  /models [filter:qwen]    /gpus [filter:h100]
Flags (ask): --json (SizingReport; /recommend: { request, options }), --explain (formulas with values), --config FILE (a config.json), --chart FILE.png, --lang zh-CN or zh-TW`;

export function helpText(): string {
  return HELP;
}

/** One slash line's answer, in the reader's script (a zh-TW answer is converted to Traditional on its way out). */
export async function runLine(line: string, o: RunOptions = {}): Promise<RunResult> {
  const res = await answerLine(line, o);
  return o.locale === 'zh-TW' && !o.json ? { ...res, output: toTraditional(res.output) } : res;
}

async function answerLine(line: string, o: RunOptions): Promise<RunResult> {
  const locale = o.locale ?? 'en';
  const parsed = parseSlash(line, ALL_KEYS);
  const name = parsed.command || (parsed.options.model && parsed.options.gpu ? 'size' : '');
  if (!name || name === 'help') return { ok: name === 'help', output: HELP };
  const cmd = findCommand(name);
  if (!cmd) {
    const names = commands.map((c) => `/${c.definition.name}`);
    return { ok: false, output: `Error: unknown command /${safeText(name, 40)} — try ${names.join(', ')}` };
  }
  if (parsed.stray.length) {
    const known = name === 'size' ? SIZE_KEYS.join(', ') : 'the options listed by /help';
    return { ok: false, output: `Error: "${safeText(parsed.stray.join(' '), 60)}" is not an option (write key:value; keys: ${known})` };
  }
  const ctx: CommandContext = { locale, options: parsed.options };
  if (name === 'size') {
    let config: { json: unknown; name?: string } | undefined;
    const file = o.configFile ?? parsed.options.config;
    if (file) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return { ok: false, output: `Error: cannot read config file ${safeText(file, 200)}` };
      }
      try {
        config = { json: JSON.parse(text), name: parsed.options.model ?? file.replace(/^.*\//, '').replace(/\.json$/i, '') };
      } catch {
        return { ok: false, output: `Error: ${safeText(file, 200)} is not valid JSON` };
      }
    }
    const res = await answerSize(parsed.options, ctx, { explain: o.explain, config, chart: Boolean(o.chartFile) });
    if (!res.ok) return { ok: false, output: res.reply.text ?? 'Error' };
    if (o.chartFile && res.answer.reply.files?.[0]) {
      try {
        await writeFile(o.chartFile, res.answer.reply.files[0].data);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'write failed');
        return { ok: false, output: `Error: cannot write the chart to ${safeText(o.chartFile, 200)} (${why}); give --chart a writable file path such as ./memory.png` };
      }
    }
    return { ok: true, output: o.json ? JSON.stringify(res.answer.report, null, 2) : res.answer.reply.text ?? '' };
  }
  if (name === 'recommend') {
    const res = await answerRecommend(parsed.options, ctx);
    if (!res.ok) return { ok: false, output: res.reply.text ?? 'Error' };
    return { ok: true, output: o.json ? JSON.stringify(res.answer.json, null, 2) : res.answer.reply.text ?? '' };
  }
  const reply = await cmd.execute(ctx);
  return { ok: !reply.ephemeral, output: reply.text ?? '' };
}

