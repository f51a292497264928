import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, connectBrowser } from '../support/browser.js';
import { startReceiver, startTestStub, type Receiver, type TestStub } from '../support/stub.js';
import { createOrder, pay } from '../stub/helpers.js';

let browser: Browser;
let stub: TestStub;
let receiver: Receiver;
beforeAll(async () => {
  if (!browserAvailable()) return;
  browser = await connectBrowser();
  receiver = await startReceiver();
  stub = await startTestStub({ webhookUrl: receiver.url });
});
afterAll(async () => {
  await stub?.close();
  await receiver?.close();
  await browser?.close();
});

describe.skipIf(!browserAvailable())('the stub dashboard in Chromium, without JavaScript, on a phone', () => {
  it('when a developer signs in and presses Resend on a delivery, then the receiver gets that event again', async () => {
    const order = await createOrder(stub);
    await pay(stub, order);
    await receiver.waitFor(4);
    await stub.idle();

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stub.url}/_stub`);
    await page.getByLabel('API key').fill(stub.apiKey());
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('heading', { name: 'Stub dashboard' }).isVisible()).toBe(true);
    expect(await page.locator('details').count()).toBe(4);

    const created = page.locator('details', { hasText: 'order.created' });
    await created.locator('summary').click();
    expect(await created.locator('pre').innerText()).toContain('"status": "awaiting_payment"');
    await created.getByRole('button', { name: /^Resend order\.created/ }).click();
    expect(await page.getByRole('status').innerText()).toContain('same event id');
    await receiver.waitFor(5);
    expect(receiver.requests[4]!.headers['x-mintbot-event-id']).toBe(receiver.requests[0]!.headers['x-mintbot-event-id']);

    // Nothing sticks out sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    if (process.env.STUB_DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.STUB_DASHBOARD_SCREENSHOT, fullPage: true });
    await context.close();
  });
});
