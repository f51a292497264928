import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { PARTNER_TYPES } from '../../../src/portal/partners/inquiry.js';
import { refuseWrites } from '../../support/database.js';
import { createTestPortal, type TestPortal } from '../../support/portal.js';
import { inquiryRows, VALID } from './helpers.js';
import { visibleText } from '../../support/html.js';

let portal: TestPortal;
afterEach(async () => {
  await portal?.close();
  portal = undefined as unknown as TestPortal; // a test that builds its own portal must not re-close the last one
});

const open = (env: Record<string, string> = {}) => createTestPortal({ INQUIRY_RATE_LIMIT: '100000', ...env });
const submit = (form: Record<string, string> | string) => request(portal.app).post('/partners').type('form').send(form);

/** The text a person reads, tags stripped (good enough for assertions on short snippets). */

describe('GET /partners', () => {
  it('when someone opens the page, then it pitches the programme, explains every type and fast track, and shows the form', async () => {
    portal = await open({ PARTNER_BRAND: 'NovaAgents' });
    const res = await request(portal.app).get('/partners');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const text = visibleText(res.text);
    expect(text).toContain('Grow with NovaAgents');
    expect(text).toContain('TEST MODE');
    for (const t of PARTNER_TYPES) {
      expect(res.text).toContain(`<option value="${t.id}"`);
      expect(text).toContain(t.description.replace(' (fast-track eligible)', ''));
    }
    expect(text).toContain('Fast track: an answer within 24 hours');
    expect(text).toMatch(/the partner type is Enterprise or AI provider , and/);
    // No fragment: a page with a target element would skip the error summary's autofocus.
    expect(res.text).toContain('<form method="post" action="/partners"');
    for (const field of ['name', 'email', 'company', 'website', 'message']) expect(res.text).toContain(`name="${field}"`);
    expect(res.text).toMatch(/<option value="general" selected>/);
  });

  it('when the page is rendered, then the honeypot is hidden from people, out of the tab order and not autofilled', async () => {
    portal = await open();
    const res = await request(portal.app).get('/partners');
    expect(res.text).toMatch(/<div class="hp-field" aria-hidden="true">[\s\S]*<input type="text" id="website_confirm" name="website_confirm" value="" tabindex="-1" autocomplete="off">/);
  });

  it('when a type is picked from the list (?type=enterprise), then the form has it selected; an unknown one is ignored', async () => {
    portal = await open();
    expect((await request(portal.app).get('/partners?type=enterprise')).text).toMatch(/<option value="enterprise" selected>/);
    const odd = await request(portal.app).get('/partners?type=%3Cscript%3E');
    expect(odd.status).toBe(200);
    expect(odd.text).toMatch(/<option value="general" selected>/);
  });
});

describe('POST /partners (the form, without JavaScript)', () => {
  it('when a fast-track inquiry is sent, then it is stored and the browser is redirected to the fast-track promise', async () => {
    portal = await open();
    const res = await submit({ ...VALID, company: 'Acme Corp', type: 'enterprise', website: 'acme.example', website_confirm: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/partners?sent=fast-track#apply');
    expect((await inquiryRows(portal))).toEqual([
      expect.objectContaining({ ...VALID, company: 'Acme Corp', type: 'enterprise', website: 'https://acme.example', fast_track: 1 }),
    ]);
    const page = await request(portal.app).get('/partners?sent=fast-track');
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain('Fast track enabled - we will respond within 24 hours.');
    expect(page.text).not.toContain('<form method="post"');
  });

  it('when a standard inquiry is sent, then the page after the redirect says we will be in touch', async () => {
    portal = await open();
    const res = await submit({ ...VALID, type: 'content' });
    expect(res.headers.location).toBe('/partners?sent=standard#apply');
    const page = await request(portal.app).get(res.headers.location!);
    expect(visibleText(page.text)).toContain('We will be in touch soon.');
    expect(visibleText(page.text)).not.toContain('24 hours.');
  });

  it('when the form has mistakes, then 400, every message sits next to its field, what was typed is kept, and nothing is stored', async () => {
    portal = await open();
    const res = await submit({ name: 'Ada', email: 'ada-at-example', company: 'Acme', website: 'ftp://acme.example', type: 'ai_provider', message: '  ' });
    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain('Please correct the 3 fields below:');
    expect(res.text).toContain('<p class="field-error" id="email-error">Please enter a valid email address, like name@example.com.</p>');
    expect(res.text).toContain('<p class="field-error" id="website-error">Please enter a website address, like https://example.com.</p>');
    expect(res.text).toContain('<p class="field-error" id="message-error">Please fill in “How would you like to work together?”.</p>');
    // The summary, focused on arrival, links to each field in the form's order.
    expect(res.text).toMatch(/<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>[\s\S]*<a href="#email">[\s\S]*<a href="#website">[\s\S]*<a href="#message">/);
    expect(res.text).toMatch(/id="email" name="email" value="ada-at-example"[^>]* aria-invalid="true" aria-describedby="email-error"/);
    expect(res.text).toMatch(/id="name" name="name" value="Ada"/);
    expect(res.text).toMatch(/id="company" name="company" value="Acme"/);
    expect(res.text).toMatch(/<option value="ai_provider" selected>/);
    expect(res.text).not.toContain('name-error');
    expect((await inquiryRows(portal))).toEqual([]);
  });

  it('when what was typed holds markup, then the page shows it escaped and the database keeps it verbatim', async () => {
    portal = await open();
    const name = '<script>alert("pwn")</script>';
    const message = '</textarea><img src=x onerror=alert(1)>';
    const bad = await submit({ name, email: 'nope', message });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain('<script>alert');
    expect(bad.text).not.toContain('<img src=x');
    expect(bad.text).toContain('value="&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;"');
    expect(bad.text).toContain('&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;</textarea>');

    expect((await submit({ name, email: 'ada@example.com', message })).status).toBe(303);
    expect((await inquiryRows(portal))[0]).toMatchObject({ name, message });
  });

  it('when unicode, emoji and right-to-left text are typed, then they are stored and re-shown intact', async () => {
    portal = await open();
    const name = 'Zoë 王小明 🚀 مرحبا';
    const bad = await submit({ name, email: 'x', message: 'שלום' });
    expect(bad.text).toContain(`value="${name}"`);
    expect(bad.text).toContain('שלום</textarea>');
    expect((await submit({ name, email: 'zoe@example.com', message: 'שלום' })).status).toBe(303);
    expect((await inquiryRows(portal))[0]).toMatchObject({ name, message: 'שלום' });
  });

  it('when a bot fills the honeypot, then it is redirected like a person but nothing is stored', async () => {
    portal = await open();
    const res = await submit({ ...VALID, website_confirm: 'http://spam.example' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/partners?sent=standard#apply');
    expect((await inquiryRows(portal))).toEqual([]);
  });

  it('when the client is over the rate limit, then 429 with Retry-After, the reason above the form, and the text kept', async () => {
    portal = await createTestPortal({ INQUIRY_RATE_LIMIT: '1', INQUIRY_RATE_WINDOW_SECONDS: '120' });
    expect((await submit(VALID)).status).toBe(303);
    const res = await submit({ ...VALID, message: 'second try' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('120');
    expect(visibleText(res.text)).toContain('Too many inquiries from your network. Please try again in 120 seconds.');
    expect(res.text).toContain('second try</textarea>');
    expect((await inquiryRows(portal))).toHaveLength(1);
  });

  it('when the database refuses the write, then 500 with "Failed to send message" and the text kept to try again', async () => {
    portal = await open();
    await refuseWrites(portal, 'inquiries');
    const res = await submit({ ...VALID, message: 'please keep me' });
    expect(res.status).toBe(500);
    expect(visibleText(res.text)).toContain('Failed to send message. Nothing was sent: please try again in a moment.');
    expect(res.text).toContain(`Reference: <code>${res.headers['x-request-id']}</code>`);
    expect(res.text).toContain('please keep me</textarea>');
    expect(res.text).not.toMatch(/at \w+ \(|SqliteError|SQLITE_|writes refused/);
  });

  it('when a browser posts 1 MB, then 413 with the page and a plain reason, not a stack trace', async () => {
    portal = await open();
    const res = await submit(`name=a&email=a%40b.co&message=${'z'.repeat(1024 * 1024)}`);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(res.text)).toContain('That request is too large.');
    expect(res.text).toContain('<form method="post"');
  });
});
