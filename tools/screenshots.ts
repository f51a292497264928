/**
 * `npm run screenshots`: the README's pictures, taken from the real app. Starts the built
 * `npm start` (portal + embedded stub) on free ports with a throw-away database, buys a few plans
 * through the real checkout in headless Chromium (/usr/bin/chromium, never a download), then
 * photographs the shop and the admin console into docs/screenshots/.
 *
 *   npm run screenshots                 # every language in LANGUAGES
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/lib/net.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const ADMIN_PASSWORD = 'screenshots-only-password';
/** Shop pages are taken in each of these; the admin console is English only. */
const LANGUAGES = ['en', 'de'] as const;
const DESKTOP = { width: 1200, height: 760 };
const PHONE = { width: 390, height: 780 };

/** `node dist/src/main.js` with the given ports; resolves once it says it is ready. */
async function startApp(dir: string): Promise<{ child: ChildProcess; shop: string }> {
  const [port, stubPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      STUB_PORT: String(stubPort),
      DB_PATH: join(dir, 'portal.db'),
      STUB_DB_PATH: join(dir, 'stub.db'),
      ADMIN_PASSWORD,
      STUB_DEPLOY_SECONDS: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not become ready:\n${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${stderr}`)));
  });
  return { child, shop: `http://127.0.0.1:${port}` };
}

const withLang = (path: string, lang: string) => (lang === 'en' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);

async function shot(page: Page, name: string): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  process.stdout.write(`  ${name}.png  ${Math.round(statSync(file).size / 1024)} KB\n`);
}

/** Picks a plan, pays on the stub's checkout with `card`, and waits on the status page. */
async function buy(page: Page, shop: string, lang: string, plan: string, card: string, months = '3'): Promise<string> {
  await page.goto(`${shop}${withLang(`/buy?plan=${plan}`, lang)}`);
  await page.locator(`input[name="duration_months"][value="${months}"]`).check();
  await page.locator('form button[type="submit"]').last().click();
  await page.waitForURL(/\/checkout\/cs_/);
  await page.locator('input[name="card_number"]').fill(card);
  await page.locator('button.pay').click();
  await page.waitForURL(/\/thank-you\?ref=/);
  await page.locator('[data-order-status="ready"], [data-order-status="failed"]').waitFor({ timeout: 20_000 });
  return new URL(page.url()).searchParams.get('ref')!;
}

async function shopScenes(browser: Browser, shop: string, lang: string): Promise<string> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: lang });
  const page = await context.newPage();
  await page.goto(`${shop}${withLang('/', lang)}`);
  await shot(page, `${lang}-landing`);
  await page.goto(`${shop}${withLang('/buy?plan=s2', lang)}`);
  await page.locator('input[name="duration_months"][value="3"]').check();
  await shot(page, `${lang}-picker`);
  const ref = await buy(page, shop, lang, 's2', '4242 4242 4242 4242');
  await shot(page, `${lang}-status-ready`);
  await context.close();
  return ref;
}

async function adminScenes(browser: Browser, shop: string, readyRef: string): Promise<void> {
  const credentials = { httpCredentials: { username: 'admin', password: ADMIN_PASSWORD } };
  const desktop: BrowserContext = await browser.newContext({ viewport: DESKTOP, ...credentials });
  const page = await desktop.newPage();
  await page.goto(`${shop}/admin`);
  await shot(page, 'admin-events');
  await page.goto(`${shop}/admin/orders/${readyRef}`);
  await shot(page, 'admin-order-timeline');
  await page.goto(`${shop}/admin/attention`);
  await shot(page, 'admin-needs-attention');
  await desktop.close();
  const phone = await browser.newContext({ viewport: PHONE, ...credentials });
  const phonePage = await phone.newPage();
  await phonePage.goto(`${shop}/admin/orders`);
  await shot(phonePage, 'admin-orders-phone');
  await phone.close();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'screenshots-'));
  const app = await startApp(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars'] });
  try {
    let readyRef = '';
    for (const lang of LANGUAGES) {
      process.stdout.write(`${lang}:\n`);
      const ref = await shopScenes(browser, app.shop, lang);
      if (lang === 'en') readyRef = ref;
    }
    // More history for the admin console: a second plan, and a payment whose deploy fails.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await buy(page, app.shop, 'en', 's1', '4242 4242 4242 4242', '1');
    await buy(page, app.shop, 'en', 's4', '4000 0000 0000 0341', '12');
    await context.close();
    process.stdout.write('admin:\n');
    await adminScenes(browser, app.shop, readyRef);
  } finally {
    await browser.close();
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
