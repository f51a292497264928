import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { loadPortalConfig } from '../../../src/portal/config.js';
import { requestId } from '../../../src/lib/request-id.js';
import { createPortal, startPortal } from '../../../src/portal/index.js';
import { DEFAULT_RETRY_SCHEDULE_MS, InquiryNotifier } from '../../../src/portal/partners/notifier.js';
import { partnersRouter } from '../../../src/portal/partners/routes.js';
import { startReceiver, type Receiver } from '../../support/stub.js';
import { FAST_TRACK_BODY, inquiryRows, manualClock, outboxRows, VALID } from './helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'partners-outbox-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const env = (dir: string, notifyUrl: string) => ({
  MINTOFFICE_API_URL: 'http://127.0.0.1:9',
  MINTOFFICE_API_KEY: 'mo_test_0123456789abcdef',
  LOG_LEVEL: 'silent',
  DB_PATH: join(dir, 'portal.db'),
  PORT: '0',
  INQUIRY_RATE_LIMIT: '100000',
  INQUIRY_NOTIFY_URL: notifyUrl,
});

/**
 * A portal without its workers, plus a notifier the test drives, both on the test's clock: `app`
 * is the partners router on that clock (so created_at and next_attempt_at are predictable).
 */
function portalWithManualNotifier(dir: string, notifyUrl: string, clock: { now: () => number }, extra: { retryScheduleMs?: number[]; timeoutMs?: number } = {}) {
  const portal = createPortal(loadPortalConfig(env(dir, notifyUrl)), { logger: createLogger('silent') });
  const app = express();
  app.use(requestId());
  app.use(partnersRouter(portal.deps, { now: clock.now }));
  const notifier = new InquiryNotifier({ store: portal.deps.stores.inquiries, url: notifyUrl, logger: createLogger('silent'), now: clock.now, ...extra });
  return { portal, app, notifier };
}

async function receiver(status = 200): Promise<Receiver> {
  const r = await startReceiver({ status });
  cleanups.push(() => r.close());
  return r;
}

/** A port nothing listens on: connections are refused. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/inquiries`;
}

const submit = (app: Express) => request(app).post('/api/partner').send({ ...VALID, company: 'Acme Corp', type: 'enterprise' });

describe('inquiry outbox delivery', () => {
  it('when the notify endpoint answers 500, then the customer still gets 200 and the attempt is recorded for a retry in 30 s', async () => {
    const dir = tempDir();
    const hook = await receiver(500);
    const clock = manualClock(1_700_000_000_000);
    const { portal, app, notifier } = portalWithManualNotifier(dir, hook.url, clock);
    cleanups.push(() => portal.close());
    notifier.start();
    cleanups.push(() => notifier.stop());

    const res = await submit(app);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(FAST_TRACK_BODY);

    await hook.waitFor(1);
    await vi.waitFor(() => expect(outboxRows(portal.deps.db)[0]?.attempts).toBe(1));
    expect(outboxRows(portal.deps.db)).toEqual([
      { inquiry_id: 1, state: 'pending', attempts: 1, next_attempt_at: 1_700_000_030_000, last_error: 'HTTP 500', delivered_at: null },
    ]);

    // Not due yet: nothing is sent.
    clock.advance(29_999);
    await notifier.runDue();
    expect(hook.requests).toHaveLength(1);

    // Back up and due: delivered, exactly once.
    hook.setStatus(200);
    clock.advance(1);
    await notifier.runDue();
    await notifier.runDue();
    expect(hook.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(outboxRows(portal.deps.db)).toEqual([
      { inquiry_id: 1, state: 'delivered', attempts: 2, next_attempt_at: 1_700_000_030_000, last_error: 'HTTP 500', delivered_at: 1_700_000_030_000 },
    ]);
  });

  it('when a notification is delivered, then it is the stored inquiry as JSON, with an id to de-duplicate on', async () => {
    const dir = tempDir();
    const hook = await receiver(200);
    const clock = manualClock(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
    const { portal, app, notifier } = portalWithManualNotifier(dir, hook.url, clock);
    cleanups.push(() => portal.close());
    notifier.start();
    cleanups.push(() => notifier.stop());

    await request(app).post('/api/partner').send({ ...VALID, company: 'Acme Corp', website: 'acme.example', type: 'ai_provider' });
    const [delivery] = await hook.waitFor(1);
    expect(delivery!.method).toBe('POST');
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['x-inquiry-id']).toBe('1');
    expect(delivery!.json).toEqual({
      id: 1,
      ...VALID,
      company: 'Acme Corp',
      website: 'https://acme.example',
      type: 'ai_provider',
      fastTrack: true,
      createdAt: '2030-01-02T03:04:05.678Z',
    });
    await vi.waitFor(() => expect(outboxRows(portal.deps.db)[0]?.state).toBe('delivered'));
  });

  it('when the endpoint refuses connections, then each attempt is recorded with the reason and the backoff grows', async () => {
    const dir = tempDir();
    const url = await refusedUrl();
    const clock = manualClock(1_700_000_000_000);
    const { portal, app, notifier } = portalWithManualNotifier(dir, url, clock);
    cleanups.push(() => portal.close());
    cleanups.push(() => notifier.stop());

    expect((await submit(app)).status).toBe(200);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = outboxRows(portal.deps.db)[0]!;
      clock.advance(before.next_attempt_at - clock.now());
      await notifier.runDue();
      const after = outboxRows(portal.deps.db)[0]!;
      expect(after).toMatchObject({ state: 'pending', attempts: attempt, last_error: 'connection refused', delivered_at: null });
      waits.push(after.next_attempt_at - clock.now());
    }
    expect(waits).toEqual([30_000, 120_000, 600_000]);
  });

  it('when every attempt of the schedule fails, then the row is marked failed, with all attempts recorded, and left alone', async () => {
    const dir = tempDir();
    const hook = await receiver(503);
    const clock = manualClock(1_700_000_000_000);
    const { portal, app, notifier } = portalWithManualNotifier(dir, hook.url, clock, { retryScheduleMs: [0, 1_000, 5_000] });
    cleanups.push(() => portal.close());
    cleanups.push(() => notifier.stop());

    await submit(app);
    for (const step of [0, 1_000, 5_000]) {
      clock.advance(step);
      await notifier.runDue();
    }
    expect(outboxRows(portal.deps.db)[0]).toMatchObject({ state: 'failed', attempts: 3, last_error: 'HTTP 503', delivered_at: null });
    clock.advance(86_400_000);
    await notifier.runDue();
    expect(hook.requests).toHaveLength(3);
    expect(inquiryRows(portal.deps.db)).toHaveLength(1); // the inquiry itself is never lost
  });

  it('when the endpoint does not answer in time, then the attempt is recorded as timed out', async () => {
    const dir = tempDir();
    const silent: Server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { silent.closeAllConnections(); silent.close(() => resolve()); }));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/inquiries`;
    const clock = manualClock(1_700_000_000_000);
    const { portal, app, notifier } = portalWithManualNotifier(dir, url, clock, { timeoutMs: 150 });
    cleanups.push(() => portal.close());
    cleanups.push(() => notifier.stop());

    await submit(app);
    await notifier.runDue();
    expect(outboxRows(portal.deps.db)[0]).toMatchObject({ state: 'pending', attempts: 1, last_error: 'timed out' });
  });

  it('when the portal runs with its workers, then a new inquiry wakes the worker and reaches the endpoint by itself', async () => {
    const dir = tempDir();
    const hook = await receiver(200);
    const running = await startPortal(loadPortalConfig(env(dir, hook.url)), { logger: createLogger('silent') });
    cleanups.push(() => running.close());

    const res = await fetch(`${running.url}/api/partner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...VALID, type: 'integration' }),
    });
    expect(res.status).toBe(200);
    const [delivery] = await hook.waitFor(1);
    expect(delivery!.json).toMatchObject({ id: 1, type: 'integration', fastTrack: false });
    await vi.waitFor(() => expect(outboxRows(running.deps.db)[0]).toMatchObject({ state: 'delivered', attempts: 1 }));
  });

  it('when the portal restarts on the same database, then a pending delivery resumes and is delivered exactly once', async () => {
    const dir = tempDir();
    const down = await refusedUrl();
    // First life: the endpoint is down; the attempt happened an hour ago, so the retry is due now.
    const clock = manualClock(Date.now() - 3_600_000);
    const first = portalWithManualNotifier(dir, down, clock);
    expect((await submit(first.app)).status).toBe(200);
    await first.notifier.runDue();
    expect(outboxRows(first.portal.deps.db)[0]).toMatchObject({ state: 'pending', attempts: 1, last_error: 'connection refused' });
    await first.notifier.stop();
    await first.portal.close();

    // Second life: the endpoint is up; startWorkers resumes the outbox without any new inquiry.
    const hook = await receiver(200);
    const second = await startPortal(loadPortalConfig(env(dir, hook.url)), { logger: createLogger('silent') });
    cleanups.push(() => second.close());
    await hook.waitFor(1);
    await vi.waitFor(() => expect(outboxRows(second.deps.db)[0]).toMatchObject({ state: 'delivered', attempts: 2, last_error: 'connection refused' }));
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]!.json).toMatchObject({ id: 1, email: VALID.email, fastTrack: true });
  });

  it('when INQUIRY_NOTIFY_URL is unset, then no worker runs and the inquiry is only stored', async () => {
    const dir = tempDir();
    const { INQUIRY_NOTIFY_URL: _unset, ...noNotify } = env(dir, 'http://unused.example');
    const running = await startPortal(loadPortalConfig(noNotify), { logger: createLogger('silent') });
    cleanups.push(() => running.close());
    const res = await fetch(`${running.url}/api/partner`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(VALID) });
    expect(res.status).toBe(200);
    expect(inquiryRows(running.deps.db)).toHaveLength(1);
    expect(outboxRows(running.deps.db)).toEqual([]);
  });

  it('the default schedule waits 0 s, 30 s, 2 min, 10 min, 1 h, 6 h, 24 h: seven attempts over about 31 hours', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([0, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000]);
  });
});
