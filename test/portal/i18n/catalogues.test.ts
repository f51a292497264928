import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { loadCatalogues, SOURCE_LANGUAGE } from '../../../src/portal/i18n/catalogues.js';
import { CUSTOMER_ERRORS } from '../../../src/portal/http/customer-errors.js';
import { loadPlans } from '../../../src/portal/shop/plans.js';

const catalogues = loadCatalogues();
const source = catalogues.get(SOURCE_LANGUAGE)!;

/** The arguments and tags a message uses: a translation must use the same ones. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    into.add(el.type === TYPE.tag ? `<${el.value}>` : el.value);
    if (el.type === TYPE.tag) argumentsOf(el.children, into);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
  }
  return into;
}

/** Every message key the templates and the code ask for, literally (`t('a.b')`, `rich('a.b', …)`). */
function keysUsedInSource(): Set<string> {
  const used = new Set<string>();
  const scan = (dir: string, ext: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith(ext)) continue;
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      for (const m of text.matchAll(/\b(?:t|rich)\(\s*'([a-zA-Z][\w.]*\.[\w.]+)'/g)) used.add(m[1]!);
    }
  };
  scan('views/portal', '.eta');
  scan('src/portal', '.ts');
  return used;
}

describe('message catalogues', () => {
  it('when the shipped plans.json lists a checkout language, then the shop has a catalogue for it', () => {
    const listed = loadPlans('plans.json').languages.map((l) => l.code);
    expect(listed).toEqual(['en', 'de', 'et', 'pt-BR']);
    for (const code of listed) expect(catalogues.has(code), `locales/${code}.json`).toBe(true);
  });

  it.each([...catalogues.keys()].filter((c) => c !== SOURCE_LANGUAGE))('when a key is missing from %s (or left over in it), then this fails', (code) => {
    const catalogue = catalogues.get(code)!;
    expect([...source.keys()].filter((k) => !catalogue.has(k)), `missing from locales/${code}.json`).toEqual([]);
    expect([...catalogue.keys()].filter((k) => !source.has(k)), `in locales/${code}.json but not in en.json`).toEqual([]);
  });

  it.each([...catalogues.keys()])('when a %s message is parsed as ICU, then it is valid, translated, and uses the same arguments and tags as English', (code) => {
    const catalogue = catalogues.get(code)!;
    for (const [key, text] of catalogue) {
      const own = argumentsOf(parse(text));
      expect(own, `${code}: ${key}`).toEqual(argumentsOf(parse(source.get(key)!)));
      expect(text.trim(), `${code}: ${key} is empty`).not.toBe('');
    }
  });

  it('when the code or a template asks for a message, then English has it', () => {
    const missing = [...keysUsedInSource()].filter((k) => !source.has(k));
    expect(missing).toEqual([]);
  });

  it('when a customer error is defined, then every catalogue words it', () => {
    for (const [code, catalogue] of catalogues) {
      for (const name of Object.keys(CUSTOMER_ERRORS)) expect(catalogue.has(`errors.${name}`), `${code}: errors.${name}`).toBe(true);
    }
  });
});
