// `npm run build` (and before npm start / stub / webhook:send): transpile src/, bench/ and faults/ into
// dist/ with esbuild, one output file per source file, in a fraction of a second. esbuild only
// strips types; `npm run typecheck` (part of `npm test`) is what checks them.
import { build, context } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('esbuild').BuildOptions} */
export const buildOptions = {
  absWorkingDir: ROOT,
  entryPoints: ['src/**/*.ts', 'bench/**/*.ts', 'faults/**/*.ts'],
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

/**
 * The node flags of package.json's `start` script (memory, source maps: decision 0016): one place for
 * them, reused by `npm run dev` and the benchmarks; the Dockerfile's CMD is held equal by a test.
 */
export function startFlags() {
  const start = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Builds once; prints one progress line on stderr unless quiet. */
export async function buildOnce({ quiet = false } = {}) {
  const started = performance.now();
  if (!quiet) process.stderr.write('build: transpiling src/, bench/ and faults/ to dist/ with esbuild… ');
  const result = await build({ ...buildOptions, metafile: true });
  if (!quiet) {
    const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length;
    process.stderr.write(`${files} files in ${Math.round(performance.now() - started)} ms\n`);
  }
}

/** A watching esbuild context (npm run dev). */
export function watchContext(onRebuilt) {
  return context({
    ...buildOptions,
    plugins: [{ name: 'report', setup: (b) => b.onEnd((result) => onRebuilt(result.errors.length)) }],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildOnce({ quiet: process.argv.includes('--quiet') }).catch(() => {
    // esbuild has already printed the error with its file and line.
    process.exit(1);
  });
}
