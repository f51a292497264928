import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort } from '../../src/lib/net.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The node flags of package.json's `start` (docs/decisions/0016): spawned processes run as npm start does. */
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

/** A test file's build of the app, its temp folder, and the processes its tests start. */
export interface BuiltApp {
  /** dist/src/main.js of the build: what `npm start` runs. */
  readonly main: string;
  /** The file's temp folder (removed after the file). */
  readonly data: string;
  /** Another entry point of the build, e.g. `stub/main.js` or `cli/webhook-send.js`. */
  entry(path: string): string;
  /** A new empty folder inside `data`. */
  folder(prefix: string): string;
  /**
   * Starts `node <START_FLAGS> main` (see startProcess); killed after the test that started it if
   * still running (one started in beforeAll: after the file's first test).
   */
  start(main: string, env: Record<string, string>, options?: { cwd?: string }): StartedProcess;
}

/**
 * For a test file whose tests run built processes: builds once before the file, kills what a test
 * started after each test, and removes the build and the temp folder after the file.
 */
export function useBuild(name: string): BuiltApp {
  let build: { main: string; dir: string } | undefined;
  let data: string | undefined;
  const running: StartedProcess[] = [];
  beforeAll(() => {
    build = buildForTest();
    data = mkdtempSync(join(tmpdir(), `${name}-`));
  }, 60_000);
  afterEach(async () => {
    for (const proc of running.splice(0)) {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });
  afterAll(() => {
    if (build) removeBuild(build.dir);
    if (data) rmSync(data, { recursive: true, force: true });
  });
  return {
    get main() {
      return build!.main;
    },
    get data() {
      return data!;
    },
    entry: (path) => join(build!.dir, 'dist', 'src', path),
    folder: (prefix) => mkdtempSync(join(data!, prefix)),
    start(main, env, options) {
      const proc = startProcess(main, env, options);
      running.push(proc);
      return proc;
    },
  };
}

/**
 * For a test file whose tests run the built `npm start` with its embedded stub: useBuild, plus
 * free ports and the file's data folder for each start.
 */
export function useEmbeddedShop(name: string): {
  start(env?: Record<string, string>): Promise<{ shop: string; stub: string; process: StartedProcess }>;
} {
  const app = useBuild(`npm-start-${name}`);
  return {
    async start(env = {}) {
      const [port, stubPort] = [await freePort(), await freePort()];
      const running = app.start(app.main, {
        PORT: String(port),
        STUB_PORT: String(stubPort),
        DB_PATH: join(app.data, 'portal.db'),
        STUB_DB_PATH: join(app.data, 'stub.db'),
        LOG_LEVEL: 'warn',
        ...env,
      });
      await running.waitForStderr('Press Ctrl+C to stop.');
      return { shop: `http://127.0.0.1:${port}`, stub: `http://127.0.0.1:${stubPort}`, process: running };
    },
  };
}
