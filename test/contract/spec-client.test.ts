import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStub, type TestStub } from '../support/stub.js';

const run = promisify(execFile);
let stub: TestStub;

beforeAll(async () => {
  stub = await startTestStub({ deploySeconds: 1 });
});
afterAll(async () => stub?.close());

describe('a client written only from the spec, in another language', () => {
  it('when it buys and pays an order, then it receives order.paid, agent.provisioning_started and agent.ready, each verifying with the spec recipe', async () => {
    const { stdout } = await run('python3', ['examples/spec_client.py', '--base', stub.url, '--key', stub.apiKey(), '--secret', stub.webhookSecret], { timeout: 30_000 });
    expect(stdout).toMatch(/webhook order\.paid \(evt_\d+_order\.paid_\d+\): signature verified/);
    expect(stdout).toMatch(/webhook agent\.provisioning_started .*: signature verified/);
    expect(stdout).toMatch(/webhook agent\.ready .*: signature verified, panel https:\/\//);
    expect(stdout).toContain('OK: all three events arrived');
  });
});
