import { readFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  const l = JSON.parse(readFileSync(f, 'utf8'));
  const out: string[] = [];
  let n = 0;
  const walk = (xs: any[], d: string) => { for (const x of xs) { if (x.type === 10) { out.push(d + x.content.replace(/\n/g, '\n' + d)); n += x.content.length; } else if (x.type === 2) out.push(d + `[${x.label}] ${x.custom_id} (${x.custom_id.length})`); else if (x.type === 12) out.push(d + '<image>'); if (x.components) walk(x.components, d + (x.type === 1 ? '' : '  ')); } };
  walk(l, '');
  console.log(`== ${f} (${n} chars)\n${out.join('\n')}`);
}
