import { describe, expect, it, vi } from 'vitest';
import { browserAvailable, connectBrowser, watchedPage } from '../support/browser.js';
import { useEmbeddedShop } from './start-process.js';

const embedded = useEmbeddedShop('catalog-picker');

describe('in a real browser, with a catalog that discounts a length and prices credit', () => {
  it.runIf(browserAvailable())(
    'when a customer picks Pro for 12 months with $10 of credit, then the live total is the one the server renders (the discounted year plus the credit price)',
    async () => {
      const { shop } = await embedded.start({ STUB_CATALOG_FILE: 'examples/catalog.json' });
      await vi.waitFor(async () => expect(await (await fetch(`${shop}/buy?plan=pro`)).text()).toContain('id="plan-pro"'), { timeout: 10_000, interval: 100 });

      const browser = await connectBrowser();
      const { page, context, problems } = await watchedPage(browser);
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      try {
        await page.goto(`${shop}/buy?plan=pro`);
        await page.locator('input[name="duration_months"][value="12"]').check();
        await page.locator('input[name="credit_usd"][value="10"]').check();
        const live = (await page.locator('#order-total').textContent())?.trim();

        const plain = await noScript.newPage();
        await plain.goto(`${shop}/buy?plan=pro&duration_months=12&credit_usd=10`);
        const rendered = (await plain.locator('#order-total').textContent())?.trim();

        // examples/catalog.json: Pro's year is $390 (not 12 × $39 = $468), and $10 of credit costs $10.
        expect(rendered).toBe('$400');
        expect(live).toBe(rendered);
        expect(problems).toEqual([]);
      } finally {
        await noScript.close();
        await context.close();
        await browser.close();
      }
    },
    60_000,
  );
});
