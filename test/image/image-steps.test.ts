import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../e2e/start-process.js';
import { readRuntimeImage } from './dockerfile.js';
import { freePort } from '../../src/lib/net.js';

const run = promisify(execFile);
const image = readRuntimeImage(REPO);
const dir = mkdtempSync(join(tmpdir(), 'image-steps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * No Docker engine runs here, so this performs the image's steps outside Docker: the build stage's
 * output (npm run build), the runtime stage's file list read from the Dockerfile, production
 * dependencies only (npm ci --omit=dev --ignore-scripts: nothing compiles), the container's ENV,
 * CMD, HEALTHCHECK and a SIGTERM. Slow, so `npm test` skips it and .ci/run runs it on its own
 * (IMAGE_TEST=1), on Node 24 as the image is. Servers bind 127.0.0.1 here instead of the
 * image's 0.0.0.0.
 */
describe.runIf(process.env.IMAGE_TEST)('the Docker image, step by step', () => {
  it(
    'when its runtime files get production dependencies and start with its env and CMD, then the HEALTHCHECK passes and SIGTERM stops it cleanly',
    async () => {
      expect(process.versions.node.split('.')[0], 'the image runs Node 24: run this test on Node 24').toBe('24');
      // Build stage: the same build as `RUN npm run build`, from this checkout.
      const build = join(dir, 'build');
      for (const path of image.buildContext) cpSync(join(REPO, path), join(build, path), { recursive: true });
      mkdirSync(join(build, 'node_modules'));
      cpSync(join(REPO, 'node_modules', 'esbuild'), join(build, 'node_modules', 'esbuild'), { recursive: true, dereference: true });
      cpSync(join(REPO, 'node_modules', '@esbuild'), join(build, 'node_modules', '@esbuild'), { recursive: true, dereference: true });
      await run('node', ['scripts/build.mjs'], { cwd: build });

      // Runtime stage: exactly the files the Dockerfile copies, then production dependencies.
      const app = join(dir, 'app');
      mkdirSync(app);
      expect(image.fromBuild).toContain('dist');
      for (const path of image.fromBuild.filter((p) => p !== 'node_modules')) cpSync(join(build, path), join(app, path), { recursive: true });
      for (const path of image.fromContext) cpSync(join(REPO, path), join(app, path), { recursive: true });
      cpSync(join(REPO, 'package-lock.json'), join(app, 'package-lock.json'));
      await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 12 * 60_000, maxBuffer: 16 * 1024 * 1024 });
      const napiDriver = join(app, 'node_modules', 'better-sqlite3-napi', 'prebuilds', 'linux-x64.node');
      expect(existsSync(napiDriver)).toBe(true);
      expect(existsSync(join(app, 'node_modules', 'better-sqlite3', 'build'))).toBe(false); // nothing compiled
      expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false); // no dev dependencies shipped

      // The container: its ENV (with /data in a temp folder), its CMD, nothing else.
      const data = join(dir, 'data');
      mkdirSync(data);
      const [port, stubPort] = [await freePort(), await freePort()];
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const [name, value] of Object.entries(image.env)) env[name] = value.replace(/^\/data\//, `${data}/`);
      Object.assign(env, { HOST: '127.0.0.1', STUB_HOST: '127.0.0.1', PORT: String(port), STUB_PORT: String(stubPort) });
      const [command, ...args] = image.cmd;
      const child = spawn(command!, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => stderr.includes('Press Ctrl+C to stop.') && resolve();
          child.stderr.on('data', check);
          void exited.then((code) => reject(new Error(`exited ${code} before it was ready:\n${stderr}`)));
        });
        const health = await run('sh', ['-c', image.healthcheck], { cwd: app, env }).then(
          () => 0,
          (error: { code?: number }) => error.code ?? 1,
        );
        expect(health).toBe(0);
        expect(existsSync(join(data, 'portal.db'))).toBe(true);
        // The image's Node (24) runs on better-sqlite3 13's Node-API binary, not 12's.
        expect(readFileSync(`/proc/${child.pid}/maps`, 'utf8')).toContain(napiDriver);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(stderr).toContain('stopped cleanly');
    },
    15 * 60_000,
  );
});
