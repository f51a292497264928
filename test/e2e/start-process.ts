import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../portal/shop/helpers.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The node flags of package.json's `start` (memory limits): spawned processes run as npm start does. */
export const START_FLAGS = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/**
 * Builds src/ the way `npm run build` lays it out (dist/src/…, with views/, public/ and
 * node_modules beside it) into a temp dir, with the same tool (esbuild): fast, and independent of
 * type errors elsewhere (`npm test` type-checks first). Returns the path of main.js.
 */
export function buildForTest(): { main: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-build-'));
  buildSync({ absWorkingDir: REPO, entryPoints: ['src/**/*.ts'], outdir: join(dir, 'dist'), outbase: '.', format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  for (const link of ['views', 'public', 'locales', 'node_modules']) symlinkSync(join(REPO, link), join(dir, link));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return { main: join(dir, 'dist', 'src', 'main.js'), dir };
}

export function removeBuild(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface StartedProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stderr contains `text` (rejects if the process exits first or after timeoutMs). */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
}

/**
 * Runs `node main.js` with exactly `env`. By default from the repository root (so ./plans.json is
 * found) with ENV_FILE=/dev/null, so a developer's own .env cannot change what a test sees; with
 * `cwd`, from that folder, reading whatever .env the test put there.
 */
export function startProcess(main: string, env: Record<string, string>, options: { cwd?: string } = {}): StartedProcess {
  const child = spawn(process.execPath, [...START_FLAGS, main], {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '', ...(options.cwd ? {} : { ENV_FILE: '/dev/null' }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const l of listeners) l();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitForStderr: (text, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!err.includes(text)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no "${text}" on stderr within ${timeoutMs} ms; stderr so far:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          if (err.includes(text)) return;
          clearTimeout(timer);
          listeners.delete(check);
          reject(new Error(`process exited (${code}) before "${text}"; stderr:\n${err}`));
        });
        check();
      }),
  };
}

/**
 * For a test file whose tests run the built `npm start` with its embedded stub: builds once,
 * gives each start free ports and the file's data folder, and stops and removes all of it after.
 */
export function useEmbeddedShop(name: string): {
  start(env?: Record<string, string>): Promise<{ shop: string; stub: string; process: StartedProcess }>;
} {
  let build: { main: string; dir: string } | undefined;
  let data: string | undefined;
  let running: StartedProcess | undefined;
  beforeAll(() => {
    build = buildForTest();
    data = mkdtempSync(join(tmpdir(), `npm-start-${name}-`));
  }, 60_000);
  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    if (build) removeBuild(build.dir);
    if (data) rmSync(data, { recursive: true, force: true });
  });
  return {
    async start(env = {}) {
      const [port, stubPort] = [await freePort(), await freePort()];
      running = startProcess(build!.main, {
        PORT: String(port),
        STUB_PORT: String(stubPort),
        DB_PATH: join(data!, 'portal.db'),
        STUB_DB_PATH: join(data!, 'stub.db'),
        LOG_LEVEL: 'warn',
        ...env,
      });
      await running.waitForStderr('Press Ctrl+C to stop.');
      return { shop: `http://127.0.0.1:${port}`, stub: `http://127.0.0.1:${stubPort}`, process: running };
    },
  };
}
