import { build } from 'esbuild';
await build({ absWorkingDir: '/work/main', entryPoints: ['src/main.ts'], bundle: true, outfile: 'dist/src/bundle/main.mjs', format: 'esm', platform: 'node', target: 'node20', minify: process.env.MINIFY === '1', sourcemap: false, packages: process.env.EXT === '1' ? 'external' : undefined,
  external: ['better-sqlite3', 'better-sqlite3-napi', 'pg-native'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }, logLevel: 'warning', metafile: true });
