// Read a catalog YAML file. Parsing catalogs/*.yaml (~900 KB) with js-yaml is the largest part of a cold start
// (`npm run ask`, every bot and worker start, every test process). The YAML stays the only source: its parsed form
// is kept as JSON in node_modules/.cache/headroom/, named by a hash of the file's bytes, the YAML schema and the
// js-yaml version, so an edited file (or another parser) is simply a miss and is parsed again. A value JSON cannot
// hold exactly (a Date, NaN, Infinity, -0) is never cached; a cache that cannot be read or written is ignored.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, DEFAULT_SCHEMA, load as parseYaml } from 'js-yaml';

const JS_YAML_VERSION = (createRequire(import.meta.url)('js-yaml/package.json') as { version: string }).version;
const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.cache', 'headroom');

export type YamlSchema = 'default' | 'core';

/** True when JSON.stringify -> JSON.parse gives back exactly this value. */
export function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonExact);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(jsonExact);
  return false;
}

/** The parsed YAML file, from the cache when this exact text was parsed before. */
export function readYamlFile(path: string, schema: YamlSchema = 'default', cacheDir = CACHE_DIR): unknown {
  const text = readFileSync(path, 'utf8');
  const name = basename(path);
  const hash = createHash('sha256').update(`${JS_YAML_VERSION}\0${schema}\0`).update(text).digest('hex').slice(0, 32);
  const file = join(cacheDir, `${name}.${hash}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // not cached yet (or unreadable): parse
  }
  const value = parseYaml(text, { schema: schema === 'core' ? CORE_SCHEMA : DEFAULT_SCHEMA });
  if (jsonExact(value)) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written whole, then renamed into place: a reader in another process never sees half a file.
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, file);
      // Keep one entry per file name: older versions of this file are stale.
      for (const f of readdirSync(cacheDir)) if (f.startsWith(`${name}.`) && f.endsWith('.json') && join(cacheDir, f) !== file) rmSync(join(cacheDir, f), { force: true });
    } catch {
      // read-only install or full disk: parsing each time is still correct
    }
  }
  return value;
}
