import { Resvg } from '@resvg/resvg-js';
const D='/work/wt-card/node_modules/@embedpdf/fonts-sc/fonts/';
const dj='/work/wt-card/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
const svg = (t: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text x="10" y="50" font-size="24" font-family="Noto Sans S Chinese">${t}</text></svg>`;
for (const [name, files, txt] of [['dejavu only',[dj],'Hello'],['cjk loaded, latin text',[D+'NotoSansHans-Regular.otf',dj],'Hello'],['cjk text',[D+'NotoSansHans-Regular.otf',dj],'放得下，但很紧'],['cjk text again',[D+'NotoSansHans-Regular.otf',dj],'放得下，但很紧']] as const) {
  const t0 = performance.now();
  const r = new Resvg(svg(txt), { font: { fontFiles: files as string[], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } });
  const t1 = performance.now();
  r.render().asPng();
  console.log(name, (t1-t0).toFixed(0), (performance.now()-t1).toFixed(0));
}
