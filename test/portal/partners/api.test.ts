import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPortalConfig } from '../../../src/portal/config.js';
import { createPortal } from '../../../src/portal/index.js';
import { PARTNER_TYPES } from '../../../src/portal/partners/inquiry.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { FAST_TRACK_BODY, inquiryRows, outboxRows, STANDARD_BODY, VALID } from './helpers.js';

let portal: TestPortal;
afterEach(async () => {
  await portal?.close();
  portal = undefined as unknown as TestPortal; // a test that builds its own portal must not re-close the last one
});

/** Rate limit out of the way unless a test is about it. */
const open = (env: Record<string, string> = {}) => createTestPortal({ INQUIRY_RATE_LIMIT: '100000', ...env });
const post = (body: unknown) => request(portal.app).post('/api/partner').set('Accept', 'application/json').send(body as object);

describe('POST /api/partner: the spec, sent as written', () => {
  it('when an enterprise applicant names their company, then the answer is the fast-track example, word for word', async () => {
    portal = open();
    const res = await post({ ...VALID, company: 'Acme Corp', website: 'https://acme.example', type: 'enterprise' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(FAST_TRACK_BODY);
  });

  it('when the inquiry does not qualify, then the answer is the standard-review example, word for word', async () => {
    portal = open();
    const res = await post({ ...VALID, type: 'reseller' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(STANDARD_BODY);
  });

  it('when name, email or message is missing, then 400 (the spec\'s first error) and nothing is stored', async () => {
    portal = open();
    for (const field of ['name', 'email', 'message'] as const) {
      const { [field]: _dropped, ...rest } = VALID;
      const res = await post(rest);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error: `${field} is required` });
    }
    expect(inquiryRows(portal.deps.db)).toEqual([]);
  });

  it('when a client goes past the limit, then 429 (the spec\'s second error) with Retry-After', async () => {
    portal = createTestPortal({ INQUIRY_RATE_LIMIT: '1', INQUIRY_RATE_WINDOW_SECONDS: '600' });
    expect((await post(VALID)).status).toBe(200);
    const res = await post(VALID);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('600');
    expect(res.body).toEqual({ success: false, error: 'Rate limit exceeded - please try again in 600 seconds' });
  });

  it('when the inquiry cannot be stored, then 500 "Failed to send message" (the spec\'s third error)', async () => {
    portal = open();
    portal.deps.db.pragma('query_only = ON');
    const res = await post(VALID);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ success: false, error: 'Failed to send message' });
    portal.deps.db.pragma('query_only = OFF');
    expect(inquiryRows(portal.deps.db)).toEqual([]);
  });
});

describe('POST /api/partner: fast track truth table', () => {
  const companies = [
    ['given', 'Acme Corp', true],
    ['blank', '', false],
    ['whitespace', ' \t ', false],
    ['missing', undefined, false],
  ] as const;
  for (const { id: type } of PARTNER_TYPES) {
    for (const [label, company, given] of companies) {
      const expected = given && (type === 'enterprise' || type === 'ai_provider');
      it(`when type is ${type} and company is ${label}, then fastTrack is ${expected}`, async () => {
        portal = open();
        const res = await post({ ...VALID, type, ...(company === undefined ? {} : { company }) });
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected ? FAST_TRACK_BODY : STANDARD_BODY);
        const [row] = inquiryRows(portal.deps.db);
        expect(row).toMatchObject({ type, fast_track: expected ? 1 : 0, company: given ? 'Acme Corp' : null });
      });
    }
  }
});

describe('POST /api/partner: what is stored', () => {
  it('when an inquiry is accepted, then its row is complete: NULL for blank optionals, 0/1, client IP and ms time', async () => {
    portal = open();
    const before = Date.now();
    await post({ ...VALID, company: '  ', website: '' });
    await post({ ...VALID, name: ' Grace ', company: 'Acme', website: 'acme.example', type: 'AI_Provider' });
    const after = Date.now();
    const rows = inquiryRows(portal.deps.db);
    expect(rows).toEqual([
      { id: 1, ...VALID, company: null, website: null, type: 'general', fast_track: 0, client_ip: '127.0.0.1', created_at: expect.any(Number), handled_at: null, handled_by: null },
      { id: 2, ...VALID, name: 'Grace', company: 'Acme', website: 'https://acme.example', type: 'ai_provider', fast_track: 1, client_ip: '127.0.0.1', created_at: expect.any(Number), handled_at: null, handled_by: null },
    ]);
    for (const row of rows) {
      expect(row.created_at).toBeGreaterThanOrEqual(before);
      expect(row.created_at).toBeLessThanOrEqual(after);
    }
  });

  it('when INQUIRY_NOTIFY_URL is not set, then no outbox row is written', async () => {
    portal = open();
    await post(VALID);
    expect(inquiryRows(portal.deps.db)).toHaveLength(1);
    expect(outboxRows(portal.deps.db)).toEqual([]);
  });

  it('when INQUIRY_NOTIFY_URL is set, then each inquiry gets a pending outbox row due at once', async () => {
    portal = open({ INQUIRY_NOTIFY_URL: 'http://127.0.0.1:9/inquiries' });
    await post(VALID);
    const [inquiry] = inquiryRows(portal.deps.db);
    expect(outboxRows(portal.deps.db)).toEqual([
      { inquiry_id: inquiry!.id, state: 'pending', attempts: 0, next_attempt_at: inquiry!.created_at, last_error: null, delivered_at: null },
    ]);
  });

  it('when the outbox row cannot be written, then the inquiry is not stored either and the answer is 500', async () => {
    portal = open({ INQUIRY_NOTIFY_URL: 'http://127.0.0.1:9/inquiries' });
    portal.deps.db.exec('DROP TABLE inquiry_outbox');
    const res = await post(VALID);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ success: false, error: 'Failed to send message' });
    expect(inquiryRows(portal.deps.db)).toEqual([]);
  });

  it('when the inquiries table is gone, then 500 JSON, not a crash, and the next request is answered too', async () => {
    portal = open();
    portal.deps.db.exec('DROP TABLE inquiry_outbox; DROP TABLE inquiries');
    expect((await post(VALID)).body).toEqual({ success: false, error: 'Failed to send message' });
    expect((await request(portal.app).get('/healthz')).status).toBe(200);
  });

  it('when the inquiry is sent as a form post, then it is accepted like JSON', async () => {
    portal = open();
    const res = await request(portal.app)
      .post('/api/partner')
      .type('form')
      .send({ ...VALID, company: 'Acme Corp', type: 'ai_provider' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(FAST_TRACK_BODY);
    expect(inquiryRows(portal.deps.db)[0]).toMatchObject({ ...VALID, company: 'Acme Corp', type: 'ai_provider' });
  });
});

describe('POST /api/partner: refusals are JSON with a reason', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown type', { type: 'sponsor' }, 'type must be one of general, ai_provider, integration, reseller, content, infrastructure, enterprise'],
    ['a malformed email', { email: 'ada-at-example.com' }, 'email must be a valid email address, like name@example.com'],
    ['a javascript: website', { website: 'javascript:alert(1)' }, 'website must be an http or https URL, like https://example.com'],
    ['an over-long name', { name: 'n'.repeat(201) }, 'name must be at most 200 characters'],
    ['an over-long email', { email: `${'e'.repeat(250)}@example.com` }, 'email must be at most 254 characters'],
    ['an over-long company', { company: 'c'.repeat(201) }, 'company must be at most 200 characters'],
    ['an over-long website', { website: `https://example.com/${'w'.repeat(2048)}` }, 'website must be at most 2048 characters'],
    ['an over-long message', { message: 'm'.repeat(5001) }, 'message must be at most 5000 characters'],
    ['a number for name', { name: 42 }, 'name must be a string'],
    ['an array for email', { email: ['ada@example.com'] }, 'email must be a string'],
    ['an object for message', { message: { text: 'hi' } }, 'message must be a string'],
    ['a nested object for company', { company: { name: { deep: ['x'] } } }, 'company must be a string'],
    ['a boolean for type', { type: true }, 'type must be a string'],
  ];
  for (const [what, patch, error] of cases) {
    it(`when the body has ${what}, then 400 "${error}" and nothing is stored`, async () => {
      portal = open();
      const res = await post({ ...VALID, ...patch });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error });
      expect(inquiryRows(portal.deps.db)).toEqual([]);
    });
  }

  it('when the body is a JSON array, then 400 saying an object is expected', async () => {
    portal = open();
    const res = await post([VALID]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: 'the request body must be an object with name, email and message' });
  });

  it('when the body is not valid JSON, then 400, not 500', async () => {
    portal = open();
    for (const raw of ['{"name": "Ada",', 'null', '"just a string"', '{name: Ada}']) {
      const res = await request(portal.app).post('/api/partner').set('Content-Type', 'application/json').send(raw);
      expect(res.status, raw).toBe(400);
      expect(res.body).toEqual({ success: false, error: 'Request body is not valid JSON' });
    }
  });

  it('when the body is 1 MB, then 413 as JSON', async () => {
    portal = open();
    const res = await post({ ...VALID, message: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ success: false, error: 'Request body too large (the limit is 64 KB)' });
    const form = await request(portal.app).post('/api/partner').type('form').send(`name=a&email=a%40b.co&message=${'y'.repeat(1024 * 1024)}`);
    expect(form.status).toBe(413);
    expect(form.body.success).toBe(false);
  });

  it('when the body is of another type or charset, then 415 as JSON', async () => {
    portal = open();
    const plain = await request(portal.app).post('/api/partner').set('Content-Type', 'text/plain').send('name=Ada');
    expect(plain.status).toBe(415);
    expect(plain.body).toEqual({ success: false, error: 'Send the inquiry as application/json or application/x-www-form-urlencoded' });
    const multipart = await request(portal.app).post('/api/partner').field('name', 'Ada');
    expect(multipart.status).toBe(415);
    const latin1 = await request(portal.app).post('/api/partner').set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(VALID));
    expect(latin1.status).toBe(415);
    expect(latin1.body).toEqual({ success: false, error: 'Unsupported charset: send UTF-8' });
  });

  it('when there is no body at all, then 400 naming the first missing field', async () => {
    portal = open();
    const res = await request(portal.app).post('/api/partner');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: 'name is required' });
  });

  it('when the endpoint is called with GET, then 405 JSON with Allow: POST', async () => {
    portal = open();
    const res = await request(portal.app).get('/api/partner');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual({ success: false, error: 'Use POST to submit a partner inquiry' });
  });
});

describe('POST /api/partner: hostile input', () => {
  it('when fields hold script tags, then they are stored verbatim', async () => {
    portal = open();
    const name = '<script>alert("x")</script>';
    const message = '"><img src=x onerror=alert(1)> \'; DROP TABLE inquiries; --';
    expect((await post({ ...VALID, name, message })).status).toBe(200);
    expect(inquiryRows(portal.deps.db)[0]).toMatchObject({ name, message });
  });

  it('when names hold unicode, emoji and right-to-left text, then they come back byte for byte', async () => {
    portal = open();
    const name = 'Zoë Ñandú 王小明 🚀👩🏽‍💻 مرحبا بكم';
    const company = 'שלום בע״מ';
    expect((await post({ ...VALID, name, company, type: 'enterprise' })).body).toEqual(FAST_TRACK_BODY);
    expect(inquiryRows(portal.deps.db)[0]).toMatchObject({ name, company });
  });

  it('when a name carries a bidi override (U+202E), then 400 naming the field and nothing is stored', async () => {
    portal = open();
    const res = await post({ ...VALID, name: 'Eve \u202Egnp.exe' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: 'name must not contain control characters' });
    expect(inquiryRows(portal.deps.db)).toHaveLength(0);
  });

  it('when the body carries __proto__ and constructor keys, then nothing is polluted and the inquiry is judged on its fields', async () => {
    portal = open();
    const raw = `{"name":"Ada","email":"ada@example.com","message":"hi","__proto__":{"polluted":"yes","type":"enterprise"},"constructor":{"prototype":{"polluted":"yes"}}}`;
    const res = await request(portal.app).post('/api/partner').set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(STANDARD_BODY);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(inquiryRows(portal.deps.db)[0]).toMatchObject({ type: 'general', company: null });

    const form = await request(portal.app).post('/api/partner').type('form').send('name=Ada&email=ada%40example.com&message=hi&__proto__%5Bpolluted%5D=yes&__proto__=x');
    expect(form.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('when a form repeats a field, then 400 (it arrives as a list), not 500', async () => {
    portal = open();
    const res = await request(portal.app).post('/api/partner').type('form').send('name=Ada&name=Eve&email=ada%40example.com&message=hi');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: 'name must be a string' });
  });

  it('when a bot fills the honeypot, then it gets the normal answer and nothing is stored or queued', async () => {
    portal = open({ INQUIRY_NOTIFY_URL: 'http://127.0.0.1:9/inquiries' });
    const res = await post({ ...VALID, company: 'Spam Inc', type: 'enterprise', website_confirm: 'https://spam.example' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(FAST_TRACK_BODY);
    expect(inquiryRows(portal.deps.db)).toEqual([]);
    expect(outboxRows(portal.deps.db)).toEqual([]);
  });
});

describe('POST /api/partner: logs', () => {
  it('when an inquiry cannot be stored, then one error line carries the request id and not the applicant\'s details', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partners-log-'));
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const p = createPortal(loadPortalConfig({ MINTOFFICE_API_URL: 'http://127.0.0.1:9', MINTOFFICE_API_KEY: 'mo_test_0123456789abcdef', DB_PATH: join(dir, 'p.db') }), { logger });
    try {
      p.deps.db.exec('DROP TABLE inquiry_outbox; DROP TABLE inquiries');
      const res = await request(p.app).post('/api/partner').send(VALID);
      expect(res.status).toBe(500);
      const errors = lines.filter((l) => l.level === 50);
      expect(errors).toEqual([expect.objectContaining({ reqId: res.headers['x-request-id'], msg: 'inquiry could not be stored' })]);
      expect(JSON.stringify(lines)).not.toContain(VALID.email);
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
