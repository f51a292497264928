import { describe, expect, it, vi } from 'vitest';
import { parseApiTime } from '../../src/contract/index.js';
import { browserAvailable, connectBrowser, watchedPage } from '../support/browser.js';
import { useEmbeddedShop } from './start-process.js';

const embedded = useEmbeddedShop('subscribe');

describe('in a real browser, against the embedded stub', () => {
  it.runIf(browserAvailable())(
    'when a customer buys with a branded checkout, then subscribes, then the stub clock moves a month, then the status page shows the renewal, and they can stop it',
    async () => {
      const { shop, stub, process: running } = await embedded.start({ STUB_DEPLOY_SECONDS: '1' });
      const key = /API key {4}(\S+)/.exec(running.stderr())![1]!;
      const api = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(`${stub}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
        return res.json();
      };
      // The shop reads the API's catalog in the background at start-up; pages never wait for it.
      await vi.waitFor(async () => expect(await (await fetch(`${shop}/buy?plan=s2`)).text()).toContain('name="subscribe"'), { timeout: 10_000, interval: 100 });

      const browser = await connectBrowser();
      const { page, context, problems } = await watchedPage(browser);
      try {
        // 1. A one-off order: the checkout's line item carries the shop's brand.
        await page.goto(`${shop}/buy?plan=s1`);
        await page.locator('input[name="duration_months"][value="3"]').check();
        await page.getByRole('button', { name: 'Continue to payment' }).click();
        await page.waitForURL(/\/checkout\/cs_test_/);
        await page.getByRole('heading', { name: 'ExampleAI Starter · 3 months' }).waitFor();
        await page.getByRole('button', { name: /^Pay / }).click();
        await page.waitForURL(new RegExp(`^${shop}/thank-you\\?ref=`));
        await page.getByRole('heading', { name: 'Your agent is ready' }).waitFor({ timeout: 15_000 });

        // 2. A subscription: ticked in the picker, with the email the checkout then shows.
        await page.goto(`${shop}/buy?plan=s2`);
        await page.getByLabel('Renew automatically every month').check();
        await page.getByLabel(/^Email/).fill('ada@example.com');
        await page.getByRole('button', { name: 'Continue to payment' }).click();
        await page.waitForURL(/\/checkout\/cs_test_/);
        await page.getByRole('heading', { name: 'ExampleAI Team · monthly' }).waitFor();
        expect(await page.getByLabel('Email').inputValue()).toBe('ada@example.com');
        await expect(page.locator('text=Renews every month until cancelled').count()).resolves.toBe(1);
        await page.getByRole('button', { name: /^Pay / }).click();
        await page.waitForURL(new RegExp(`^${shop}/thank-you\\?ref=`));
        const statusUrl = page.url();
        await page.getByRole('heading', { name: 'Your agent is ready' }).waitFor({ timeout: 15_000 });
        const detail = page.locator('.subscription-detail');
        const first = await detail.textContent();
        expect(first).toMatch(/^Renews automatically every month\. Next renewal: .*\d{4}.*\d\d:\d\d.*UTC\.$/);

        // 3. A month later on the stub clock: the card is charged again and the page shows the new date.
        const newest = (await api('/api/v1/orders')).items[0];
        const subscription = await api(`/api/v1/subscriptions/${newest.subscription_id}`);
        const clock = await api('/_stub/clock');
        const seconds = Math.ceil((parseApiTime(subscription.next_renewal_at) - parseApiTime(clock.now)) / 1000) + 1;
        await api('/_stub/clock', { method: 'POST', body: JSON.stringify({ advance_seconds: seconds }) });
        await vi.waitFor(
          async () => {
            await page.goto(statusUrl);
            expect(await detail.textContent()).not.toBe(first);
          },
          { timeout: 10_000, interval: 200 },
        );
        expect(await detail.textContent()).toMatch(/^Renews automatically every month\. Next renewal: /);
        expect((await api(`/api/v1/subscriptions/${newest.subscription_id}`)).renewals).toBe(1);

        // 4. Stopping it from the status page.
        await page.getByRole('button', { name: 'Stop automatic renewal' }).click();
        await page.waitForURL(`${shop}/thank-you?ref=${new URL(statusUrl).searchParams.get('ref')}`);
        expect(await detail.textContent()).toMatch(/^Automatic renewal is off\. Your agent runs until /);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
        await browser.close();
      }
    },
    90_000,
  );
});
