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

/**
 * One headless Chromium for the whole run (as vite's playground does): launched here, its
 * endpoint provided to the test files, which connect to it (test/support/browser.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: BrowserServer | undefined;
  if (existsSync(CHROMIUM_PATH)) {
    server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    project.provide('browserWsEndpoint', server.wsEndpoint());
  } else {
    project.provide('browserWsEndpoint', '');
  }
  return async () => {
    await server?.close();
  };
}
