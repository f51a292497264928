// `npm run dev`: esbuild rebuilds dist/ whenever a file in src/ changes, and `node --watch`
// restarts the portal whenever a file it loaded from dist/ changes. Same output and same start
// flags as `npm start`, so what runs in development is what ships.
import { spawn } from 'node:child_process';
import { ROOT, startFlags, watchContext } from './build.mjs';

let child;
const ctx = await watchContext((errors) => {
  process.stderr.write(errors ? `dev: build failed (${errors} errors); keeping the last good build\n` : 'dev: rebuilt dist/\n');
  if (!child && !errors) {
    process.stderr.write('dev: starting the portal; it restarts when a file in src/ changes\n');
    child = spawn(process.execPath, ['--watch', ...startFlags(), 'dist/src/main.js', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code) => {
      void ctx.dispose().then(() => process.exit(code ?? 0));
    });
  }
});
await ctx.watch();

// Ctrl+C reaches the child too (same process group); wait for its graceful shutdown.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!child) process.exit(0);
    child.kill(signal);
  });
}
