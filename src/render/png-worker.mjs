// SVG -> PNG off the main thread. Rasterizing the chart (resvg: building its font database from the DejaVu
// files, laying out text, drawing) takes 40-150 ms; on the main thread that holds every other interaction,
// PING and acknowledgement for as long. Plain JS so it runs in a worker without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

const { fontFiles, width } = workerData;
// Each message may name its own fonts (a Chinese chart adds the CJK face): { id, svg, fontFiles?, family? }.
parentPort.on('message', ({ id, svg, fontFiles: files, family }) => {
  try {
    const resvg = new Resvg(svg, { font: { fontFiles: files ?? fontFiles, loadSystemFonts: false, defaultFontFamily: family ?? 'DejaVu Sans' }, fitTo: { mode: 'width', value: width } });
    const png = resvg.render().asPng();
    const out = new Uint8Array(png);
    parentPort.postMessage({ id, png: out }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
