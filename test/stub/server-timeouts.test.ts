import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(async () => {
  await stub.close();
});

// Node sets it on the server; @types/node does not declare it.
const checkingInterval = (server: object) => (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval;

describe('the stub\'s HTTP server', () => {
  it('when it listens, then it looks for timed-out requests every second like the portal, not every 30 s', () => {
    expect(stub.server.listening).toBe(true);
    expect(checkingInterval(stub.server)).toBe(1_000);
    expect(checkingInterval(stub.server)).toBeLessThanOrEqual(stub.server.headersTimeout);
  });
});
