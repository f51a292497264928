import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DnsDeleteResponse, DnsListResponse, DnsUpsertResponse } from '../../src/contract/index.js';
import type { StubConfigInput } from '../../src/stub/index.js';
import { startTestStub, type TestStub } from '../support/stub.js';
import { bearer, control } from './helpers.js';

let stub: TestStub;
async function start(overrides: StubConfigInput = {}) {
  stub = await startTestStub(overrides);
}
afterEach(() => stub.close());

const upsert = (body: unknown) => request(stub.url).post('/api/v1/dns/records').set(bearer(stub)).send(body as object);
const list = (query = '') => request(stub.url).get(`/api/v1/dns/records${query}`).set(bearer(stub));
const remove = (id: string) => request(stub.url).delete(`/api/v1/dns/records/${id}`).set(bearer(stub));

describe('POST /dns/records', () => {
  it('when a label is pointed at an IP, then 200 with the FQDN and exactly one record', async () => {
    await start();
    const res = await upsert({ subdomain: 'www', ip: '203.0.113.10' });
    expect(res.status).toBe(200);
    const body = DnsUpsertResponse.parse(res.body);
    expect(body).toMatchObject({ apex: 'example.com', provider: 'zone_ee', fqdn: 'www.example.com' });
    expect(body.records).toEqual([{ id: expect.stringMatching(/^\d+$/), name: 'www.example.com', destination: '203.0.113.10' }]);
  });

  it.each([
    ['', 'example.com'],
    ['@', 'example.com'],
    ['api.eu', 'api.eu.example.com'],
    ['_acme-challenge', '_acme-challenge.example.com'],
  ])('when subdomain is %j, then the FQDN is %s', async (subdomain, fqdn) => {
    await start({ apexDomain: 'example.com' });
    expect((await upsert({ subdomain, ip: '198.51.100.7' })).body.fqdn).toBe(fqdn);
  });

  it('when the same (subdomain, ip) is upserted again, then it is a no-op with the same record id', async () => {
    await start();
    const first = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).body);
    const again = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).body);
    expect(again.records).toEqual(first.records);
  });

  it('when the IP changes, then the record is updated in place', async () => {
    await start();
    const first = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).body);
    const moved = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.99' })).body);
    expect(moved.records).toEqual([{ id: first.records[0]!.id, name: 'www.example.com', destination: '203.0.113.99' }]);
  });

  it('when stale duplicates exist, then the upsert sweeps them and exactly one record is left', async () => {
    await start();
    await control(stub, 'post', '/dns/records', { subdomain: 'www', ip: '192.0.2.1' }).expect(201);
    await control(stub, 'post', '/dns/records', { subdomain: 'www', ip: '192.0.2.2' }).expect(201);
    const seededMatch = (await control(stub, 'post', '/dns/records', { subdomain: 'www', ip: '203.0.113.10' })).body;
    expect(DnsListResponse.parse((await list('?name=www')).body).items).toHaveLength(3);
    const res = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).body);
    expect(res.records).toEqual([seededMatch]);
    expect(DnsListResponse.parse((await list()).body).items).toEqual([seededMatch]);
  });

  it.each([
    [{ subdomain: 'WWW', ip: '203.0.113.10' }, /^subdomain: /],
    [{ subdomain: '-www', ip: '203.0.113.10' }, /^subdomain: /],
    [{ subdomain: 'a..b', ip: '203.0.113.10' }, /^subdomain: /],
    [{ subdomain: 'x'.repeat(64), ip: '203.0.113.10' }, /^subdomain: /],
    [{ subdomain: 'ünï', ip: '203.0.113.10' }, /^subdomain: /],
    [{ subdomain: 'www', ip: '2001:db8::1' }, /^ip: must be a dotted IPv4 address/],
    [{ subdomain: 'www', ip: '256.1.1.1' }, /^ip: must be a dotted IPv4 address/],
    [{ subdomain: 'www', ip: 3232235777 }, /^ip: must be a dotted IPv4 address/],
    [{ ip: '203.0.113.10' }, /^subdomain: is required/],
  ])('when the body is %j, then 422 validation_error naming the field', async (body, message) => {
    await start();
    const res = await upsert(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toMatch(message);
  });
});

describe('GET /dns/records', () => {
  it('when filtered by bare label, dotted labels or full FQDN, then the same records are returned', async () => {
    await start();
    await upsert({ subdomain: '', ip: '203.0.113.1' });
    await upsert({ subdomain: 'www', ip: '203.0.113.2' });
    await upsert({ subdomain: 'api.eu', ip: '203.0.113.3' });
    expect(DnsListResponse.parse((await list()).body)).toMatchObject({ apex: 'example.com', provider: 'zone_ee' });
    expect((await list()).body.items).toHaveLength(3);
    for (const query of ['?name=www', '?name=www.example.com', '?name=WWW.example.com.']) {
      expect((await list(query)).body.items.map((r: { name: string }) => r.name)).toEqual(['www.example.com']);
    }
    for (const query of ['?name=api.eu', '?name=api.eu.example.com']) {
      expect((await list(query)).body.items.map((r: { name: string }) => r.name)).toEqual(['api.eu.example.com']);
    }
    for (const query of ['?name=example.com', '?name=@', '?name=']) {
      expect((await list(query)).body.items.map((r: { name: string }) => r.name)).toEqual(['example.com']);
    }
  });

  it('when the name filter is not a valid name, then 422 validation_error', async () => {
    await start();
    const res = await list('?name=bad name!');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^name: /);
  });
});

describe('DELETE /dns/records/{id}', () => {
  it('when a record is deleted, and deleted again, then both answer {"deleted": true, "id"}', async () => {
    await start();
    const { records } = DnsUpsertResponse.parse((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).body);
    const id = records[0]!.id;
    for (let i = 0; i < 2; i++) {
      const res = await remove(id);
      expect(res.status).toBe(200);
      expect(DnsDeleteResponse.parse(res.body)).toEqual({ deleted: true, id });
    }
    expect((await list()).body.items).toEqual([]);
  });

  it('when the id is not numeric, then 422 validation_error', async () => {
    await start();
    expect((await remove('abc')).body.error.code).toBe('validation_error');
  });
});

describe('DNS provider errors', () => {
  it('when STUB_DNS_PROVIDER=none, then every DNS call is 422 dns_not_configured', async () => {
    await start({ dnsProvider: 'none' });
    for (const res of [await list(), await upsert({ subdomain: 'www', ip: '203.0.113.10' }), await remove('1')]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('dns_not_configured');
    }
  });

  it('when STUB_DNS_PROVIDER=cloudflare, then every DNS call is 422 dns_provider_unsupported', async () => {
    await start({ dnsProvider: 'cloudflare' });
    for (const res of [await list(), await upsert({ subdomain: 'www', ip: '203.0.113.10' }), await remove('1')]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('dns_provider_unsupported');
    }
  });

  it('when the DNS fault is armed, then the next N calls are 502 dns_provider_error with a redacted upstream excerpt, then calls work', async () => {
    await start();
    await control(stub, 'post', '/faults', { dns_provider_error: 2 }).expect(200);
    const failures = [await upsert({ subdomain: 'www', ip: '203.0.113.10' }), await list()];
    for (const res of failures) {
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('dns_provider_error');
      expect(res.body.error.message).toMatch(/503/);
      expect(res.body.error.message).toContain('[redacted]');
    }
    expect((await list()).body.items).toEqual([]);
    expect((await upsert({ subdomain: 'www', ip: '203.0.113.10' })).status).toBe(200);
  });
});
