import { describe, expect, it } from 'vitest';
import {
  honeypotFilled,
  isFastTrack,
  LIMITS,
  normaliseWebsite,
  PARTNER_TYPES,
  validateInquiry,
  type Inquiry,
} from '../../../src/portal/partners/inquiry.js';

const valid = { name: 'Ada Lovelace', email: 'ada@example.com', message: 'We would like to resell your agents.' };

function inquiryOf(body: unknown): Inquiry {
  const result = validateInquiry(body);
  if (!result.ok) throw new Error(`expected valid, got ${JSON.stringify(result.errors)}`);
  return result.inquiry;
}

function errorsOf(body: unknown): Array<[string | undefined, string]> {
  const result = validateInquiry(body);
  if (result.ok) throw new Error('expected invalid');
  return result.errors.map((e) => [e.field, e.message]);
}

describe('inquiry validation rules', () => {
  it('when only the required fields are sent, then type is general and the optional fields are null', () => {
    expect(inquiryOf(valid)).toEqual({ ...valid, company: null, website: null, type: 'general' });
  });

  it('when fields have surrounding spaces, then they are trimmed, and blank optional fields become null', () => {
    const inquiry = inquiryOf({ name: '  Ada ', email: ' ada@example.com ', message: '\n hello \n', company: '   ', website: '', type: '  ' });
    expect(inquiry).toEqual({ name: 'Ada', email: 'ada@example.com', message: 'hello', company: null, website: null, type: 'general' });
  });

  it('when a required field is missing, null or blank, then the error names it', () => {
    for (const field of ['name', 'email', 'message'] as const) {
      for (const value of [undefined, null, '', '   \t ']) {
        expect(errorsOf({ ...valid, [field]: value })).toEqual([[field, `${field} is required`]]);
      }
    }
  });

  it('when everything is missing, then every required field is reported, in form order', () => {
    expect(errorsOf({})).toEqual([
      ['name', 'name is required'],
      ['email', 'email is required'],
      ['message', 'message is required'],
    ]);
  });

  it('when a field is a number, array or object, then it is refused as not a string', () => {
    for (const value of [42, true, ['Ada'], { first: 'Ada' }]) {
      expect(errorsOf({ ...valid, name: value })).toEqual([['name', 'name must be a string']]);
      expect(errorsOf({ ...valid, company: value })).toEqual([['company', 'company must be a string']]);
      expect(errorsOf({ ...valid, type: value })).toEqual([['type', 'type must be a string']]);
    }
  });

  it('when the body is not an object, then the error says what is expected', () => {
    for (const body of [null, undefined, 'text', 7, [valid]]) {
      expect(errorsOf(body)).toEqual([[undefined, 'the request body must be an object with name, email and message']]);
    }
  });

  it('when the type is unknown, then the error lists the seven types; case and spaces are forgiven', () => {
    expect(errorsOf({ ...valid, type: 'partner' })).toEqual([
      ['type', 'type must be one of general, ai_provider, integration, reseller, content, infrastructure, enterprise'],
    ]);
    expect(inquiryOf({ ...valid, type: ' Enterprise ' }).type).toBe('enterprise');
    for (const t of PARTNER_TYPES) expect(inquiryOf({ ...valid, type: t.id }).type).toBe(t.id);
  });

  it('when the email is malformed, then it is refused', () => {
    for (const email of ['ada', 'ada@', '@example.com', 'ada@example', 'ada @example.com', 'ada@exa mple.com']) {
      expect(errorsOf({ ...valid, email })).toEqual([['email', 'email must be a valid email address, like name@example.com']]);
    }
  });

  it('when a field is one character over its cap, then it is refused; at the cap it is accepted', () => {
    const at = { name: 'n'.repeat(LIMITS.name), company: 'c'.repeat(LIMITS.company), message: 'm'.repeat(LIMITS.message) };
    expect(inquiryOf({ ...valid, ...at, email: `${'e'.repeat(LIMITS.email - '@example.com'.length)}@example.com` }).name).toHaveLength(LIMITS.name);
    expect(inquiryOf({ ...valid, website: `https://example.com/${'p'.repeat(LIMITS.website - 20)}` }).website).toHaveLength(LIMITS.website);
    for (const field of ['name', 'company', 'message'] as const) {
      expect(errorsOf({ ...valid, [field]: 'x'.repeat(LIMITS[field] + 1) })).toEqual([[field, `${field} must be at most ${LIMITS[field]} characters`]]);
    }
    expect(errorsOf({ ...valid, email: `${'e'.repeat(LIMITS.email)}@example.com` })).toEqual([['email', 'email must be at most 254 characters']]);
    expect(errorsOf({ ...valid, website: `https://example.com/${'p'.repeat(LIMITS.website)}` })).toEqual([['website', 'website must be at most 2048 characters']]);
  });

  it('when a single-line field holds control characters, then it is refused; the message keeps its line breaks', () => {
    expect(errorsOf({ ...valid, name: 'Ada\r\nBcc: x@y.z' })).toEqual([['name', 'name must not contain control characters']]);
    expect(errorsOf({ ...valid, message: 'a\u0000b' })).toEqual([['message', 'message must not contain control characters']]);
    // Explicit bidi overrides would let "Eve \u202Egnp.exe" read as "Eve exe.png" in the admin.
    expect(errorsOf({ ...valid, name: 'Eve \u202Egnp.exe' })).toEqual([['name', 'name must not contain control characters']]);
    expect(errorsOf({ ...valid, company: 'Acme \u2067x\u2069' })).toEqual([['company', 'company must not contain control characters']]);
    expect(inquiryOf({ ...valid, message: 'line 1\r\n\tline 2' }).message).toBe('line 1\r\n\tline 2');
  });

  it('when text holds unicode, emoji or right-to-left script, then it is kept exactly; lone surrogates become U+FFFD', () => {
    const name = 'Zoë 王 🚀 مرحبا שלום';
    expect(inquiryOf({ ...valid, name }).name).toBe(name);
    expect(inquiryOf({ ...valid, message: 'bad \ud800 half' }).message).toBe('bad \ufffd half');
  });
});

describe('website normalisation', () => {
  it('when the website is an http(s) URL, then it is kept as typed', () => {
    expect(normaliseWebsite('https://example.com/about?x=1')).toBe('https://example.com/about?x=1');
    expect(normaliseWebsite('http://example.co.uk')).toBe('http://example.co.uk');
  });

  it('when the website is a bare domain, then https:// is put in front', () => {
    expect(normaliseWebsite('example.com')).toBe('https://example.com');
    expect(normaliseWebsite('www.example.com:8443/partners')).toBe('https://www.example.com:8443/partners');
    expect(inquiryOf({ ...valid, website: ' example.com ' }).website).toBe('https://example.com');
  });

  it('when the website has another scheme, no dot, spaces or credentials, then it is refused', () => {
    for (const w of ['javascript:alert(1)', 'ftp://example.com', 'mailto:ada@example.com', 'localhost', 'https://', 'exa mple.com', 'https://.example.com', 'https://user:pw@example.com', 'data:text/html,hi']) {
      expect(normaliseWebsite(w), w).toBeUndefined();
    }
    expect(errorsOf({ ...valid, website: 'javascript:alert(1)' })).toEqual([['website', 'website must be an http or https URL, like https://example.com']]);
  });
});

describe('fast track', () => {
  it('when the type is enterprise or ai_provider and a company is given, then and only then it is fast track', () => {
    for (const t of PARTNER_TYPES) {
      const expected = t.id === 'enterprise' || t.id === 'ai_provider';
      expect(isFastTrack({ type: t.id, company: 'ACME' }), t.id).toBe(expected);
      expect(isFastTrack({ type: t.id, company: null }), t.id).toBe(false);
    }
  });
});

describe('honeypot', () => {
  it('when the hidden field is absent or empty, then it is a person; when it holds anything, a bot', () => {
    expect(honeypotFilled(valid)).toBe(false);
    expect(honeypotFilled({ ...valid, website_confirm: '' })).toBe(false);
    expect(honeypotFilled({ ...valid, website_confirm: '  ' })).toBe(false);
    expect(honeypotFilled({ ...valid, website_confirm: 'http://spam.example' })).toBe(true);
    expect(honeypotFilled({ ...valid, website_confirm: 1 })).toBe(true);
    expect(honeypotFilled({ ...valid, website_confirm: ['x'] })).toBe(true);
    expect(honeypotFilled(null)).toBe(false);
  });
});
