import { existsSync } from 'node:fs';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';

/** Debian's Chromium; we never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared headless Chromium's websocket endpoint, or '' when Chromium is not installed. */
    browserWsEndpoint: string;
  }
}

const BROWSER_TEST_FILES = ['test/e2e/storefront.test.ts', 'test/e2e/stub-dashboard.test.ts', 'test/e2e/shop-customer.test.ts', 'test/e2e/a11y.test.ts', 'test/e2e/subscribe.test.ts', 'test/e2e/catalog-picker.test.ts'];

/**
 * Whether this run can include a browser test. `vitest run test/stub` should not pay for a
 * Chromium launch; vitest keeps the CLI file filters in an internal field, so when it is not
 * there (another vitest version) we launch, which is always correct, only slower.
 */
function browserTestsSelected(project: TestProject): boolean {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!Array.isArray(filters) || filters.length === 0) return true;
  return filters.some((filter) => BROWSER_TEST_FILES.some((file) => file.includes(filter.replace(/^\.\//, '')) || filter.endsWith(file)));
}

/**
 * One headless Chromium for the whole run (as vite's playground does): launched here, its
 * endpoint provided to the test files, which connect to it (test/support/browser.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: BrowserServer | undefined;
  if (existsSync(CHROMIUM_PATH) && browserTestsSelected(project)) {
    server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    project.provide('browserWsEndpoint', server.wsEndpoint());
  } else {
    project.provide('browserWsEndpoint', '');
  }
  return async () => {
    await server?.close();
  };
}
