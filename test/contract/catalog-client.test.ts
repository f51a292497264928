import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';

const run = promisify(execFile);
let stub: TestStub;

beforeAll(async () => {
  // The stub's defaults (10 deploy slots, the spec's tiers), as `npm run stub` starts it.
  stub = await startTestStub({ deploySeconds: 3 });
});
afterAll(async () => stub?.close());

describe('a catalog-driven client, in another language', () => {
  it('when it buys every catalog package and subscribes, then nothing answers 404 or refuses a tier, and the subscription renews on the stub clock', async () => {
    const { stdout } = await run('python3', ['examples/catalog_client.py', '--base', stub.url, '--key', stub.apiKey(), '--renew'], { timeout: 30_000 });
    expect(stdout).toContain('catalog: trial, s1, s2, s4 in usd');
    for (const tier of ['trial', 's1', 's2', 's4']) expect(stdout).toMatch(new RegExp(`bought ${tier} for .*paid → https://acmeai\\.example\\.test/thank-you\\?session_id=cs_test_`));
    expect(stdout).toMatch(/subscribed to s2: subscription 1, 2400 cents a month; paid → .*&kind=subscription/);
    expect(stdout).toMatch(/after \d+ s on the stub clock: active, 1 renewal\(s\)/);
    expect(stdout).toContain('OK: every package bought');
  });
});
