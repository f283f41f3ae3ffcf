import { Resvg } from '@resvg/resvg-js';
const D='/work/wt-card/node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Regular.otf';
const dj='/work/wt-card/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text x="10" y="50" font-size="24" font-family="Noto Sans S Chinese">放不下</text></svg>`;
for (const files of [[D, dj], [dj]]) {
  const r = new Resvg(svg, { font: { fontFiles: files, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } });
  const s = r.toString();
  console.log(files.length, s.length, (s.match(/[CQ]/g) ?? []).length, s.slice(0, 300));
}
