import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM_PATH } from './global-setup.js';

/**
 * Whether the browser tests can run here. Without Chromium they are skipped on a laptop, but
 * when CI is set they run and FAIL (see connectBrowser): CI must never pass with them skipped.
 */
export function browserAvailable(): boolean {
  return inject('browserWsEndpoint') !== '' || Boolean(process.env.CI);
}

/** Connects to the run's shared Chromium (launched once in global-setup). */
export async function connectBrowser(): Promise<Browser> {
  const endpoint = inject('browserWsEndpoint');
  if (!endpoint) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium); browser tests cannot run`);
  return chromium.connect(endpoint);
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught page errors seen so far: a test fails on any. */
  problems: string[];
}

/** A fresh context and page whose console errors and page errors are collected; `options` may set the browser's locale or turn script off. */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 390, height: 844 },
  options: { locale?: string; javaScriptEnabled?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  return { page, context, problems };
}
