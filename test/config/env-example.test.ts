import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPortalConfig } from '../../src/portal/config.js';
import { loadStubConfig } from '../../src/stub/config.js';
import { REPO } from '../e2e/start-process.js';

const sources = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
  );

/**
 * Every variable name the code reads, found two ways: in the source text (`process.env.X`,
 * `env.X`, `env['X']`, and ALL_CAPS keys of the env schemas), and by handing the config loaders an
 * environment that records what they look up (names they build from a table).
 */
function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  const patterns = [/\benv\??\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g, /^\s+([A-Z][A-Z0-9_]+)\s*:/gm];
  for (const file of sources(join(REPO, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) names.add(match[1]!);
  }
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, key) => {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) names.add(key);
      return undefined;
    },
  });
  loadPortalConfig(recorder);
  loadStubConfig(recorder);
  return names;
}

function variablesListedInEnvExample(): Set<string> {
  const text = readFileSync(join(REPO, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

describe('.env.example', () => {
  it('when the code reads an environment variable, then .env.example lists it', () => {
    const read = variablesTheCodeReads();
    expect(read.size).toBeGreaterThan(30); // the scan itself still finds the known ones
    const missing = [...read].filter((name) => !variablesListedInEnvExample().has(name)).sort();
    expect(missing, 'add these to .env.example with their default and one line of why').toEqual([]);
  });

  it('when .env.example lists a variable, then the code reads it (no stale names)', () => {
    const read = variablesTheCodeReads();
    expect([...variablesListedInEnvExample()].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it('when a variable is listed, then its line says what it is for', () => {
    const text = readFileSync(join(REPO, '.env.example'), 'utf8');
    const undocumented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=([^\n]*)$/gm)].filter((m) => !/\s#\s*\S/.test(m[2]!)).map((m) => m[1]);
    expect(undocumented).toEqual([]);
  });
});
