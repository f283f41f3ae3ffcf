// Traditional Chinese (Taiwan) replies. Discord sends locale `zh-TW` for Traditional-Chinese users. Every Chinese
// string is written once, in Simplified (src/render/i18n.ts and the tables beside it), and a zh-TW reply is
// converted at the reply boundary (src/discord/respond.ts, the terminal's `--lang zh-TW`, the chart's words) by
// OpenCC's Simplified → Taiwan-phrases conversion (opencc-js, config s2twp: characters, Taiwan variants and
// Taiwan vocabulary: 用户 → 使用者, 服务器 → 伺服器, 显卡 → 顯示卡, 内存 → 記憶體, 默认 → 預設, 缓存 → 快取…),
// then the corrections below, where s2twp's general-purpose vocabulary is wrong for GPU sizing.
import { createRequire } from 'node:module';
import type { AutocompleteChoice, Locale, Reply } from '../../commands/types.ts';

/**
 * Applied to s2twp's output (Traditional → Traditional). Each pair is [what s2twp wrote, what Taiwan engineers
 * write for this domain]; longest match first.
 */
export const TW_TERMS: ReadonlyArray<readonly [string, string]> = [
  // 显存: s2twp says 視訊記憶體 (Windows' "video memory"); NVIDIA Taiwan's spec pages say "GPU 記憶體" and
  // "顯示記憶體".
  ['GPU 視訊記憶體', 'GPU 記憶體'],
  ['視訊記憶體頻寬', '記憶體頻寬'],
  ['視訊記憶體', '顯示記憶體'],
  // 参数 (model parameters) is 參數 in Taiwan too; s2twp's 引數 is a function's argument.
  ['引數', '參數'],
  // 激活 (activations, the tensors) is not 啟用 ("enable").
  ['啟用', '激活'],
  // 卸载到内存 (offload to host RAM) is not 解除安裝 ("uninstall").
  ['解除安裝', '卸載'],
  // RoPE 扩展 (extension of the position range) is not 擴充套件 ("add-on package").
  ['擴充套件', '擴展'],
  // 局部注意力 (local attention) stays 局部.
  ['區域性', '局部'],
  // Interconnect: 互連.
  ['互聯', '互連'],
  // config.json is a 設定檔; a UTF-8 text file a 文字檔.
  ['配置檔案', '設定檔'],
  ['文本檔案', '文字檔'],
  // 尝试 is 嘗試 (s2twp picks 嚐, "to taste").
  ['嚐試', '嘗試'],
  // Taiwan quotes with corner brackets.
  ['“', '「'],
  ['”', '」'],
];

type Convert = (s: string) => string;
let converter: Convert | undefined;

/** The converter, built on first use (~150 ms: OpenCC's phrase tables), so English and zh-CN never load it. */
function build(): Convert {
  if (converter) return converter;
  // The package's CommonJS build loads synchronously, so callers stay synchronous.
  const require = createRequire(import.meta.url);
  const OpenCC = require('opencc-js/cn2t') as typeof import('opencc-js');
  const { from, to } = OpenCC.Locale;
  const c = OpenCC.ConverterFactory(from.cn!, to.twp!, [TW_TERMS]);
  converter = c;
  return c;
}

/** Simplified → Traditional (Taiwan usage). Text without Han characters is returned as it is. */
export function toTraditional(s: string): string {
  return /[\u3400-\u9fff]/.test(s) ? build()(s) : s;
}

/** The text as the locale reads it: zh-TW converted, en and zh-CN unchanged. */
export function forLocale(s: string, locale: Locale): string {
  return locale === 'zh-TW' ? toTraditional(s) : s;
}

/** Keys whose strings are identifiers, not words: never converted. */
const KEEP = new Set(['custom_id', 'url', 'proxy_url', 'id']);

function convertDeep<T>(v: T): T {
  if (typeof v === 'string') return toTraditional(v) as T;
  if (Array.isArray(v)) return v.map(convertDeep) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = KEEP.has(k) ? x : convertDeep(x);
    return out as T;
  }
  return v; // Buffers (the chart PNG), numbers, booleans
}

/** A reply in the reader's script: every text, label, description and alt text of a zh-TW reply in Traditional. */
export function localizeReply(reply: Reply, locale: Locale): Reply {
  if (locale !== 'zh-TW') return reply;
  const files = reply.files?.map((f) => ({ ...f, description: f.description === undefined ? undefined : toTraditional(f.description) }));
  const { files: _files, ...rest } = reply;
  const out = convertDeep(rest) as Reply;
  if (files) out.files = files;
  return out;
}

/** Autocomplete choice names in the reader's script (values are identifiers and stay as they are). */
export function localizeChoices(choices: AutocompleteChoice[], locale: Locale): AutocompleteChoice[] {
  if (locale !== 'zh-TW') return choices;
  return choices.map((c) => ({ ...c, name: toTraditional(c.name) }));
}

/** zh-CN text with its zh-TW form, for Discord's *_localizations maps. zh-TW is converted when first read, once. */
export function zhLocalizations(zhCN: string): Record<string, string> {
  const out: Record<string, string> = { 'zh-CN': zhCN };
  let zhTW: string | undefined;
  Object.defineProperty(out, 'zh-TW', { enumerable: true, get: () => (zhTW ??= toTraditional(zhCN)) });
  return out;
}
