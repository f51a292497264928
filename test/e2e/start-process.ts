import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles src/ the way `npm run build` lays it out (dist/src/…, with views/, public/ and
 * node_modules beside it) into a temp dir, one file at a time with the project's compiler
 * options: fast, and independent of type errors elsewhere (`npm test` type-checks first).
 * Returns the path of main.js.
 */
export function buildForTest(): { main: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-build-'));
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read tsconfig.build.json');
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : []));
  for (const file of walk(join(REPO, 'src'))) {
    const out = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { ...config.options, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, sourceMap: false }, fileName: file });
    const target = join(dir, 'dist', relative(REPO, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
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

/** Runs `node main.js` from the repository root (so ./plans.json is found) with exactly `env`. */
export function startProcess(main: string, env: Record<string, string>): StartedProcess {
  const child = spawn(process.execPath, [main], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', ...env },
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
