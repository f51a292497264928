import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/lib/net.js';
import { startTestPortal } from '../support/portal.js';
import { REPO, type StartedProcess, useBuild } from './start-process.js';

const run = promisify(execFile);
const app = useBuild('env-file');

/** A project folder as an operator has it: the settings file next to where npm runs. */
function projectWith(files: Record<string, string>): string {
  const dir = app.folder('project-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function start(main: string, cwd: string, env: Record<string, string> = {}): StartedProcess {
  return app.start(main, env, { cwd });
}

describe('npm start reads .env', () => {
  it('when .env sets variables, then they are used, and a variable also set in the real environment keeps the real value', async () => {
    const [port, stubPort] = [await freePort(), await freePort()];
    const cwd = projectWith({
      '.env': [`PORT=${port}`, `STUB_PORT=${stubPort}`, `PLANS_FILE=${join(REPO, 'plans.json')}`, 'ADMIN_USERNAME=fromfile', 'PARTNER_BRAND=FileBrand', 'LOG_LEVEL=warn', ''].join('\n'),
    });
    const proc = start(app.main, cwd, { PARTNER_BRAND: 'RealEnvBrand' });
    await proc.waitForStderr('Press Ctrl+C to stop.');
    expect(proc.stderr()).toContain(`settings from ${join(cwd, '.env')}`);
    expect(proc.stderr()).toContain('(user fromfile,');
    const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(home).toContain('RealEnvBrand');
    expect(home).not.toContain('FileBrand');
  });

  it('when ENV_FILE names another file, then that file is read instead of .env', async () => {
    const port = await freePort();
    const cwd = projectWith({ '.env': 'PARTNER_BRAND=DotEnvBrand\n', 'staging.env': `PARTNER_BRAND=StagingBrand\nPORT=${port}\nSTUB_PORT=${await freePort()}\nPLANS_FILE=${join(REPO, 'plans.json')}\n` });
    const proc = start(app.main, cwd, { ENV_FILE: 'staging.env', LOG_LEVEL: 'warn' });
    await proc.waitForStderr('Press Ctrl+C to stop.');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('StagingBrand');
  });

  it('when there is no .env, then it starts from the environment alone and says so', async () => {
    const cwd = projectWith({});
    const proc = start(app.main, cwd, { PORT: String(await freePort()), STUB_PORT: String(await freePort()), PLANS_FILE: join(REPO, 'plans.json'), LOG_LEVEL: 'warn' });
    await proc.waitForStderr('Press Ctrl+C to stop.');
    expect(proc.stderr()).toContain('settings from the environment; no .env');
  });

  it.each([
    ['.env is a folder', {}, (cwd: string) => mkdirSync(join(cwd, '.env')), /^\.env: \/.*\/\.env is not a file\n$/],
    ['ENV_FILE names a missing file', { ENV_FILE: 'nope.env' }, () => {}, /^ENV_FILE: cannot read \/.*\/nope\.env \(no such file\)\n$/],
  ])('when %s, then it exits 1 with one line naming it', async (_case, env, prepare, line) => {
    const cwd = projectWith({});
    prepare(cwd);
    const proc = start(app.main, cwd, env);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(line);
  });
});

describe('npm run stub and npm run webhook:send read .env', () => {
  it('when .env sets the stub port, then npm run stub listens there', async () => {
    const stubPort = await freePort();
    const cwd = projectWith({ '.env': `STUB_PORT=${stubPort}\nSTUB_DB_PATH=:memory:\nLOG_LEVEL=warn\n` });
    const proc = start(app.entry('stub/main.js'), cwd);
    await proc.waitForStderr('webhook URL');
    expect(proc.stderr()).toContain(`http://127.0.0.1:${stubPort}/api/v1`);
  });

  it('when .env holds the webhook secret, then webhook:send signs with it and the portal accepts the event', async () => {
    const secret = 'whsec_from_dotenv_0123456789';
    const portal = await startTestPortal({ MINTOFFICE_WEBHOOK_SECRET: secret });
    try {
      const cwd = projectWith({ '.env': `MINTOFFICE_WEBHOOK_SECRET=${secret}\nPORT=${new URL(portal.url).port}\n` });
      const { stdout } = await run(process.execPath, [app.entry('cli/webhook-send.js'), '--order', '7'], { cwd, env: { PATH: process.env.PATH ?? '' } });
      expect(stdout).toMatch(/order\.paid → 200/);
    } finally {
      await portal.close();
    }
  });
});
