import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `locales/` folder, wherever the code runs from (src via vitest, dist via node). */
export const LOCALES_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../../locales' : '../../../locales', import.meta.url));

/** The language every other catalogue is checked against and falls back to. */
export const SOURCE_LANGUAGE = 'en';

/** key → ICU message, with nested objects flattened to dotted keys ("buy.total"). */
export type Catalogue = ReadonlyMap<string, string>;

/** Flattens `{ "buy": { "total": "Total" } }` into `buy.total`; a non-string leaf is a mistake in the file. */
export function flatten(tree: unknown, file: string, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) throw new Error(`${file}: ${prefix || 'the file'} must be an object of messages`);
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') into.set(path, value);
    else flatten(value, file, path, into);
  }
  return into;
}

/** Every `locales/<code>.json`, by language code (the file name). */
export function loadCatalogues(dir = LOCALES_DIR): Map<string, Catalogue> {
  const catalogues = new Map<string, Catalogue>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    catalogues.set(name.slice(0, -'.json'.length), flatten(JSON.parse(readFileSync(file, 'utf8')), file));
  }
  if (!catalogues.has(SOURCE_LANGUAGE)) throw new Error(`${dir}: the ${SOURCE_LANGUAGE}.json catalogue is missing`);
  return catalogues;
}
