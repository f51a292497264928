import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run faults [-- name …]`: runs each fault scenario in its own process, one after another
 * (they measure timing, so never two at once), prints each one's verdict line and exits non-zero
 * if any failed. Everything listens on 127.0.0.1 and lives in a temp folder.
 */
const SCENARIOS = ['kill-portal', 'kill-stub', 'duplicates', 'hostile', 'sell-out', 'wal', 'held-lock', 'timeouts', 'deep-json', 'admin-signin'];

const chosen = process.argv.slice(2).length ? process.argv.slice(2) : SCENARIOS;
const unknown = chosen.filter((n) => !SCENARIOS.includes(n));
if (unknown.length) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}\n`);
  process.exit(2);
}

let failed = 0;
for (const name of chosen) {
  const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) failed++;
}
process.stdout.write(failed ? `${failed} of ${chosen.length} fault scenarios FAILED\n` : `all ${chosen.length} fault scenarios passed\n`);
process.exit(failed ? 1 : 0);
