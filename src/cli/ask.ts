// npm run ask -- '/size model:qwen3-32b gpu:a10x8 users:20' [--json] [--explain] [--config FILE] [--lang zh-CN|zh-TW]
import { helpText, runLine, type RunOptions } from './run.ts';
import { replyLocale } from '../../commands/types.ts';

export function parseArgs(argv: string[]): { line: string; opts: RunOptions } | { error: string } {
  const opts: RunOptions = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--explain') opts.explain = true;
    else if (a === '--config') {
      const f = argv[++i];
      if (!f) return { error: '--config needs a file path' };
      opts.configFile = f;
    } else if (a.startsWith('--config=')) opts.configFile = a.slice(9);
    else if (a === '--chart') {
      const f = argv[++i];
      if (!f) return { error: '--chart needs a file path (e.g. --chart memory.png)' };
      opts.chartFile = f;
    }
    else if (a === '--lang') opts.locale = replyLocale(argv[++i]);
    else if (a === '--help' || a === '-h') return { error: helpText() };
    else words.push(a);
  }
  return { line: words.join(' '), opts };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    console.error(args.error);
    return 2;
  }
  if (!args.line.trim()) {
    console.error(helpText());
    return 2;
  }
  try {
    const res = await runLine(args.line, args.opts);
    (res.ok ? console.log : console.error)(res.output);
    return res.ok ? 0 : 1;
  } catch (e) {
    console.error(`Error: Headroom failed unexpectedly (${e instanceof Error ? e.message : String(e)}). Please report this line.`);
    return 3;
  }
}

process.exitCode = await main();
