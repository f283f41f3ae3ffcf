// What a `model` value names on the Hugging Face Hub: `org/name`, `org/name@rev`, `hf.co/org/name`,
// `https://huggingface.co/org/name[/tree/rev]`, and GGUF files the way llama.cpp's `-hf` names them:
// `org/name-GGUF:Q4_K_M` (the file whose name carries that quant) or `org/name-GGUF/file.gguf`. Pure.

export interface HubRef {
  /** `org/name` as typed (the Hub matches repo ids case-insensitively and redirects). */
  repo: string;
  /** Branch, tag or commit sha; undefined = the default branch (`main`). */
  revision?: string;
  /** A GGUF quant tag to pick a file by (`Q4_K_M`). */
  ggufQuant?: string;
  /** A file path inside the repo (`sub/model-Q4_K_M.gguf`). */
  file?: string;
}

const PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;
const REV = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;
const QUANT_TAG = /^(?:[IT]?Q\d(?:_[A-Z0-9]+)*|[BF]F?16|F32|MXFP4(?:_MOE)?|UD-[A-Z0-9_]+)$/i;

function validPart(p: string): boolean {
  return PART.test(p) && !p.includes('--') && !p.includes('..');
}

/** A Hub reference when `input` has the shape of one, else undefined (a catalog name, a typo, free text). */
export function parseHubRef(input: string): HubRef | undefined {
  let s = input.trim();
  if (!s || /\s/.test(s) || s.length > 300) return undefined;
  s = s.replace(/^https?:\/\//i, '').replace(/^(?:www\.)?(?:huggingface\.co|hf\.co)\//i, '').replace(/^models\//, '');
  s = s.replace(/[?#].*$/, '').replace(/\/+$/, '');
  let revision: string | undefined;
  let file: string | undefined;
  // web URLs: org/name/tree/<rev>[/path], org/name/(blob|resolve)/<rev>/<path>
  const web = /^([^/]+\/[^/]+)\/(tree|blob|resolve)\/([^/]+)(?:\/(.+))?$/.exec(s);
  if (web) {
    s = web[1];
    revision = decodeURIComponent(web[3]);
    if (web[4] && web[2] !== 'tree') file = decodeURIComponent(web[4]);
  }
  // org/name@rev
  const at = /^([^/@]+\/[^/@:]+)@([^:]+?)(?::([^/:]+))?$/.exec(s);
  let ggufQuant: string | undefined;
  if (at) {
    s = at[1];
    revision = at[2];
    if (at[3]) ggufQuant = at[3];
  }
  // org/name:Q4_K_M
  const tag = /^([^/:]+\/[^/:]+):([^/:]+)$/.exec(s);
  if (tag) {
    if (!QUANT_TAG.test(tag[2])) return undefined;
    s = tag[1];
    ggufQuant = tag[2].toUpperCase();
  }
  const parts = s.split('/');
  if (parts.length < 2) return undefined;
  if (parts.length > 2) {
    // org/name/path/to/file.gguf
    if (file || !/\.gguf$/i.test(parts[parts.length - 1])) return undefined;
    file = parts.slice(2).join('/');
  }
  const [org, name] = parts;
  if (!validPart(org) || !validPart(name)) return undefined;
  if (revision !== undefined && (!REV.test(revision) || revision.includes('..'))) return undefined;
  if (file !== undefined && (file.split('/').some((seg) => !seg || seg === '.' || seg === '..') || !/\.gguf$/i.test(file))) return undefined;
  if (ggufQuant !== undefined && !QUANT_TAG.test(ggufQuant)) return undefined;
  const ref: HubRef = { repo: `${org}/${name}` };
  if (revision) ref.revision = revision;
  if (ggufQuant) ref.ggufQuant = ggufQuant.toUpperCase();
  if (file) ref.file = file;
  return ref;
}

/** The canonical way to write a reference back (what buttons and the report carry). */
export function formatHubRef(r: HubRef): string {
  if (r.file && r.revision) return `hf.co/${r.repo}/resolve/${r.revision}/${r.file}`;
  return `${r.repo}${r.file ? `/${r.file}` : ''}${r.revision ? `@${r.revision}` : ''}${r.ggufQuant && !r.file ? `:${r.ggufQuant}` : ''}`;
}

/** Does a file name carry this quant tag (`Llama-3.2-1B-Instruct-Q4_K_M.gguf` ~ `Q4_K_M`)? */
export function fileHasQuant(path: string, quant: string): boolean {
  const base = path.split('/').pop() ?? path;
  const q = quant.toUpperCase().replace(/[-_]/g, '[-_]');
  const inDir = path.toUpperCase().split('/').slice(0, -1).some((d) => new RegExp(`(^|[^A-Z0-9])${q}([^A-Z0-9]|$)`).test(d));
  return new RegExp(`(^|[^A-Z0-9])${q}([^A-Z0-9]|$)`).test(base.toUpperCase().replace(/\.GGUF$/, '')) || inDir;
}
