// English left in a Chinese reply: runs of two or more lowercase English words (a phrase or sentence), after
// removing what is not ours to translate: code (launch commands, ids in backticks), URLs, cited price sources,
// and catalog names (model, GPU, engine names such as "Instinct MI250X (per GCD; one package = 2 GCDs)").
import { catalogs } from '../../src/catalog/load.ts';

let names: string[] | undefined;
function catalogNames(): string[] {
  if (names) return names;
  const c = catalogs();
  names = [...c.modelEntries.map((m) => m.name), ...c.gpuEntries.map((g) => g.name)].filter((n) => /[a-z]{2,}[ ,;()-]+[a-z]{2,}/.test(n)).sort((a, b) => b.length - a.length);
  return names;
}

export function englishRuns(text: string): string[] {
  let t = text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\/(size|recommend|models|gpus)\b[^\n]*/g, ' ') // the question itself, as a command line
    .split('\n')
    .filter((l) => !/https?:\/\//.test(l)) // a cited source (price page quote): verbatim, not ours to translate
    .join('\n');
  for (const n of catalogNames()) t = t.split(n).join(' ');
  return [...t.matchAll(/\b[a-z][a-z'-]+(?:[ ,;:]+[a-z][a-z'-]+)+\b/g)].map((m) => m[0]).filter((r) => !/_/.test(r));
}
