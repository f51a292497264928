// `npm run dev`: esbuild rebuilds dist/ whenever a file in src/ changes, and after each good
// rebuild the portal is restarted (gracefully: SIGTERM, then a fresh process). Same output and
// same node flags as `npm start`, so what runs in development is what ships. Restarting here
// rather than with `node --watch` keeps the restart tied to a finished build, never half a one.
import { spawn } from 'node:child_process';
import { ROOT, startFlags, watchContext } from './build.mjs';

let child;
let stopping = false;

function start() {
  child = spawn(process.execPath, [...startFlags(), 'dist/src/main.js', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
  const self = child;
  self.on('exit', (code) => {
    if (stopping) void ctx.dispose().then(() => process.exit(code ?? 0));
    else if (child === self) process.stderr.write(`dev: the portal exited (${code}); it starts again on the next change\n`);
  });
}

function restart() {
  const old = child;
  if (!old || old.exitCode !== null) return start();
  child = undefined; // its exit is expected: no "exited" message
  old.once('exit', start);
  old.kill('SIGTERM');
}

let first = true;
const ctx = await watchContext((errors) => {
  if (errors) return void process.stderr.write(`dev: build failed (${errors} errors); keeping the last good build\n`);
  if (first) {
    first = false;
    process.stderr.write('dev: built dist/; the portal restarts whenever a file in src/ changes\n');
    return start();
  }
  process.stderr.write('dev: rebuilt dist/; restarting the portal\n');
  restart();
});
await ctx.watch();

// Ctrl+C reaches the child too (same process group); wait for its graceful shutdown.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    if (!child || child.exitCode !== null) process.exit(0);
    child.kill(signal);
  });
}
