import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/contract/index.js';

const secret = 'whsec_0123456789abcdef';
const body = Buffer.from('{"id":42,  "status":"completed","note":"caf\\u00e9 ☕"}');

/** The spec's Node recipe, as published. */
function specVerify(secret: string, rawBody: Buffer, header: string, toleranceSec = 300): boolean {
  const [tsPart, v1Part] = header.split(',');
  const ts = Number(tsPart!.split('=')[1]);
  const sig = v1Part!.split('=')[1]!;
  if (Math.abs(Date.now() / 1000 - ts) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${ts}.`).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(sig, 'hex'));
}

describe('X-Mintbot-Signature', () => {
  it('when signed by sign(), then the spec recipe and verify() both accept it', () => {
    const header = sign(secret, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(specVerify(secret, body, header)).toBe(true);
    expect(verify(secret, body, header)).toMatchObject({ ok: true });
  });

  it('when the body is re-serialised after parsing, then the signature no longer matches', () => {
    const header = sign(secret, body);
    const reserialised = JSON.stringify(JSON.parse(body.toString()));
    expect(verify(secret, reserialised, header)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('when the timestamp is more than 300 s away, then it is stale (either direction)', () => {
    const now = 1_800_000_000;
    expect(verify(secret, body, sign(secret, body, now - 301), { nowSeconds: now })).toEqual({ ok: false, reason: 'stale' });
    expect(verify(secret, body, sign(secret, body, now + 301), { nowSeconds: now })).toEqual({ ok: false, reason: 'stale' });
    expect(verify(secret, body, sign(secret, body, now - 300), { nowSeconds: now })).toMatchObject({ ok: true });
  });

  it('when the header is missing, malformed or signed with another secret, then it says which', () => {
    expect(verify(secret, body, undefined)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['garbage', 't=abc,v1=00', `t=1,v1=${'z'.repeat(64)}`, `v1=${'0'.repeat(64)},t=1`, `t=1,v1=${'0'.repeat(63)}`]) {
      expect(verify(secret, body, bad)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verify(secret, body, sign('whsec_other_secret', body))).toEqual({ ok: false, reason: 'mismatch' });
  });
});
