// Look at the /size card as a user does: renders the exact reply the bot sends (components-v2 layout + chart PNG)
// into an HTML mock of a Discord message in the dark theme, and screenshots it with a headless Chromium at
// desktop and phone widths. Not part of CI (CI has no browser).
//
//   apt-get install -y chromium
//   npx tsx test/render/mock-discord.ts [out-dir] [case…]  # default out/cards, every case; writes <case>-<width>.png
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { answerSize } from '../../commands/size.ts';
import { decodeAction, optionsOf } from '../../commands/size-actions.ts';
import { size } from '../../commands/size.ts';
import type { Locale, Reply } from '../../commands/types.ts';
import { localizeReply } from '../../src/render/zh-tw.ts';

const outDir = resolve(process.argv[2] ?? 'out/cards');
mkdirSync(outDir, { recursive: true });

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The subset of Discord markdown the bot uses: ### heading, -# subtext, > quote, **bold**, `code`, ``` blocks. */
function markdown(src: string): string {
  const out: string[] = [];
  const lines = src.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
      continue;
    }
    const inline = (s: string) => esc(s).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/`([^`]+)`/g, '<code>$1</code>');
    if (l.startsWith('### ')) out.push(`<h3>${inline(l.slice(4))}</h3>`);
    else if (l.startsWith('-# ')) out.push(`<div class="sub">${inline(l.slice(3))}</div>`);
    else if (l.startsWith('> ')) out.push(`<blockquote>${inline(l.slice(2))}</blockquote>`);
    else out.push(`<div>${inline(l)}</div>`);
  }
  return out.join('');
}

type Node = { type: number; custom_id?: string; content?: string; components?: Node[]; items?: { media: { url: string } }[]; label?: string; style?: number; accent_color?: number; disabled?: boolean };

function render(nodes: Node[], files: Record<string, string>): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 17:
          return `<div class="container" style="border-left-color:#${(n.accent_color ?? 0x5865f2).toString(16).padStart(6, '0')}">${render(n.components ?? [], files)}</div>`;
        case 10:
          return `<div class="text">${markdown(n.content ?? '')}</div>`;
        case 12:
          return `<div class="gallery">${(n.items ?? []).map((it) => `<img src="${files[it.media.url.replace('attachment://', '')] ?? ''}">`).join('')}</div>`;
        case 1:
          return `<div class="row">${render(n.components ?? [], files)}</div>`;
        case 2: {
          const cls = n.style === 1 ? 'primary' : n.style === 3 ? 'success' : n.style === 4 ? 'danger' : 'secondary';
          return `<button class="${cls}"${n.disabled ? ' disabled' : ''}>${esc(n.label ?? '')}</button>`;
        }
        case 14:
          return '<hr>';
        default:
          return '';
      }
    })
    .join('');
}

const CSS = `
body { margin: 0; background: #313338; color: #dbdee1; font: 16px/1.375 "gg sans", "Noto Sans", "Noto Sans CJK SC", "DejaVu Sans", sans-serif; }
.msg { display: flex; gap: 16px; padding: 8px 16px 16px 16px; }
@media (max-width: 420px) { .msg { gap: 10px; padding: 8px 8px 16px 8px; } .container { padding: 12px; } .avatar { width: 32px; height: 32px; } }
.avatar { width: 40px; height: 40px; border-radius: 50%; background: #5865f2; flex: none; }
.body { min-width: 0; flex: 1; }
.name { color: #f2f3f5; font-weight: 600; } .tag { background: #5865f2; color: #fff; font-size: 10px; padding: 1px 4px; border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
.time { color: #949ba4; font-size: 12px; margin-left: 6px; }
.container { background: #2b2d31; border-left: 4px solid; border-radius: 8px; padding: 16px; margin-top: 4px; max-width: 520px; box-sizing: border-box; display: flex; flex-direction: column; gap: 8px; }
.text h3 { font-size: 20px; margin: 0 0 2px; color: #f2f3f5; } .text b { color: #f2f3f5; }
.sub { font-size: 13px; color: #949ba4; }
blockquote { margin: 0; padding-left: 12px; border-left: 4px solid #4e5058; }
pre { background: #1e1f22; padding: 8px; border-radius: 4px; font-size: 13px; white-space: pre-wrap; }
.gallery img { width: 100%; border-radius: 8px; display: block; }
.row { display: flex; flex-wrap: wrap; gap: 8px; }
button { font: inherit; font-size: 14px; font-weight: 500; color: #fff; border: 0; border-radius: 8px; padding: 2px 16px; min-height: 32px; }
.secondary { background: #4e5058; } .primary { background: #5865f2; } .success { background: #248046; } .danger { background: #da373c; }
.eph { color: #949ba4; font-size: 12px; margin-top: 4px; }
`;

function page(reply: Reply, note?: string): string {
  const files: Record<string, string> = {};
  for (const f of reply.files ?? []) files[f.name] = `data:image/png;base64,${f.data.toString('base64')}`;
  return `<!doctype html><meta charset="utf-8"><style>${CSS}</style><div class="msg"><div class="avatar"></div><div class="body"><span class="name">Headroom</span><span class="tag">APP</span><span class="time">Today at 09:12</span>${render((reply.layout ?? []) as Node[], files)}${reply.ephemeral ? '<div class="eph">Only you can see this</div>' : ''}${note ? `<div class="eph">${esc(note)}</div>` : ''}</div></div>`;
}

const CASES: Array<[string, Record<string, string>, Locale]> = [
  ['fits-en', { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' }, 'en'],
  ['tight-en', { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' }, 'en'],
  ['no-en', { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '32k' }, 'en'],
  ['fits-zh', { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' }, 'zh-CN'],
  ['tight-zh', { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' }, 'zh-CN'],
  ['no-zh', { model: 'llama-3.1-70b', gpu: 'rtx4090x2', users: '8', context: '8k' }, 'zh-CN'],
  ['fits-tw', { model: 'qwen3-32b', gpu: 'a10x8', users: '20', context: '4k', quant: 'int4' }, 'zh-TW'],
  ['tight-tw', { model: 'qwen3-32b', gpu: 'a10x8', users: '100', context: '4k', quant: 'int4' }, 'zh-TW'],
  ['no-tw', { model: 'llama-3.1-70b', gpu: 'rtx4090x2', users: '8', context: '8k' }, 'zh-TW'],
];
// Only the cases named here (e.g. `... out/cards tw`), all when none.
const only = process.argv.slice(3);

const shots: string[] = [];
async function shoot(name: string, reply: Reply, locale: Locale): Promise<void> {
  const html = join(outDir, `${name}.html`);
  // What Discord receives: a zh-TW reply is converted on its way out (src/discord/respond.ts does the same).
  writeFileSync(html, page(localizeReply(reply, locale)));
  for (const [label, w] of [
    ['desktop', 820],
    ['phone', 360],
  ] as const) {
    const png = join(outDir, `${name}-${label}.png`);
    execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, `--window-size=${w},1500`, `file://${html}`], { stdio: 'ignore' });
    shots.push(png);
  }
}

for (const [name, opts, locale] of CASES) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const res = await answerSize(opts, { locale, options: {} });
  if (!res.ok) throw new Error(`${name}: ${res.reply.text}`);
  await shoot(name, res.answer.reply, locale);
  // One what-if click and the Details button, from the card's own buttons.
  if (name === 'fits-en' || name === 'no-zh' || name === 'fits-tw') {
    const ids: string[] = [];
    const walk = (xs: Node[]) => xs.forEach((x) => (x.type === 2 ? ids.push((x as unknown as { custom_id: string }).custom_id) : walk(x.components ?? [])));
    walk(res.answer.reply.layout as Node[]);
    const click = ids.find((i) => decodeAction(i).ok && ['u2', 'to'].includes((decodeAction(i) as { value: { action: string } }).value.action))!;
    await shoot(`${name}-click`, await size.button!(click, { locale, options: {} }), locale);
    const details = ids.find((i) => { const d = decodeAction(i); return d.ok && d.value.action === 'dt'; })!;
    await shoot(`${name}-details`, await size.button!(details, { locale, options: {} }), locale);
    void optionsOf;
  }
}
console.log(shots.join('\n'));
