import { describe, expect, it } from 'vitest';
import { loadStubConfig, resolveStubConfig } from '../../src/stub/config.js';

describe('stub configuration', () => {
  it('when no STUB_* variable is set, then every documented default applies', () => {
    const config = loadStubConfig({});
    expect(config).toMatchObject({
      port: 8001,
      webhookUrl: null,
      dbPath: './data/stub.db',
      retrySchedule: [0, 30, 120, 600, 3600, 21600, 86400],
      deploySeconds: 3,
      rateLimit: 120,
      ipRateLimit: 60,
      deployQuota: 10,
      creditOptions: [10, 20, 50],
      apexDomain: 'example.com',
      dnsProvider: 'zone.ee',
      partnerStatus: 'live',
    });
    expect(config.publicUrl).toBeUndefined();
    expect(config.apiKey).toMatch(/^mo_test_[0-9a-f]{32}$/);
    expect(config.webhookSecret).toMatch(/^whsec_[0-9a-f]{32}$/);
  });

  it('when STUB_* variables are set, then they are parsed into typed values', () => {
    const config = loadStubConfig({
      STUB_PORT: '9001',
      STUB_PUBLIC_URL: 'https://stub.test/',
      STUB_API_KEY: 'mo_test_0123456789abcdef',
      STUB_WEBHOOK_SECRET: 'whsec_abcdefgh',
      STUB_WEBHOOK_URL: 'http://127.0.0.1:8000/webhooks/mintoffice',
      STUB_DB_PATH: ':memory:',
      STUB_RETRY_SCHEDULE: '0, 1,2',
      STUB_DEPLOY_SECONDS: '0',
      STUB_RATE_LIMIT: '5',
      STUB_IP_RATE_LIMIT: '6',
      STUB_DEPLOY_QUOTA: '2',
      STUB_CREDIT_OPTIONS: '5,25',
      STUB_APEX_DOMAIN: 'agent99.cc',
      STUB_DNS_PROVIDER: 'cloudflare',
      STUB_PARTNER_STATUS: 'onboarding',
    });
    expect(config).toMatchObject({
      port: 9001,
      publicUrl: 'https://stub.test',
      apiKey: 'mo_test_0123456789abcdef',
      webhookSecret: 'whsec_abcdefgh',
      webhookUrl: 'http://127.0.0.1:8000/webhooks/mintoffice',
      dbPath: ':memory:',
      retrySchedule: [0, 1, 2],
      deploySeconds: 0,
      rateLimit: 5,
      ipRateLimit: 6,
      deployQuota: 2,
      creditOptions: [5, 25],
      apexDomain: 'agent99.cc',
      dnsProvider: 'cloudflare',
      partnerStatus: 'onboarding',
    });
  });

  it.each([
    ['STUB_RETRY_SCHEDULE', '0,30,soon', 'STUB_RETRY_SCHEDULE: must be comma-separated whole seconds'],
    ['STUB_RETRY_SCHEDULE', '0,-5', 'STUB_RETRY_SCHEDULE: must be comma-separated whole seconds'],
    ['STUB_PORT', 'eighty', 'STUB_PORT: must be a whole number from 0 to 65535'],
    ['STUB_PORT', '70000', 'STUB_PORT: must be a whole number from 0 to 65535'],
    ['STUB_RATE_LIMIT', '0', 'STUB_RATE_LIMIT: must be a whole number from 1 to 1000000'],
    ['STUB_CREDIT_OPTIONS', '10,0', 'STUB_CREDIT_OPTIONS: must be comma-separated whole dollar amounts above 0'],
    ['STUB_DNS_PROVIDER', 'route53', 'STUB_DNS_PROVIDER: must be one of zone.ee, cloudflare, none'],
    ['STUB_PARTNER_STATUS', 'asleep', 'STUB_PARTNER_STATUS: must be one of live, onboarding, paused'],
    ['STUB_PUBLIC_URL', 'ftp://x', 'STUB_PUBLIC_URL: must be an http(s) URL'],
    ['STUB_WEBHOOK_URL', 'not a url', 'STUB_WEBHOOK_URL: must be an http(s) URL'],
    ['STUB_API_KEY', 'short', 'STUB_API_KEY: must be 16-256 characters of [A-Za-z0-9_.-]'],
    ['STUB_APEX_DOMAIN', 'Not A Domain', 'STUB_APEX_DOMAIN: must be a lowercase domain name'],
  ])('when %s=%j, then start-up fails with one line naming it', (name, value, message) => {
    expect(() => loadStubConfig({ [name]: value })).toThrow(message);
    try {
      loadStubConfig({ [name]: value });
    } catch (error) {
      expect((error as Error).message).toBe(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('when a variable is set but empty, then its default applies', () => {
    expect(loadStubConfig({ STUB_PORT: '', STUB_API_KEY: ' ' }).port).toBe(8001);
  });

  it('when a plain object is given, then typed overrides win over the environment', () => {
    const config = loadStubConfig({ STUB_DEPLOY_QUOTA: '3' }, { deployQuota: 7, retrySchedule: [0, 1], port: 0 });
    expect(config.deployQuota).toBe(7);
    expect(config.retrySchedule).toEqual([0, 1]);
    expect(config.port).toBe(0);
    expect(resolveStubConfig({ creditOptions: [15] }).creditOptions).toEqual([15]);
    expect(() => resolveStubConfig({ retrySchedule: [1.5] })).toThrow('STUB_RETRY_SCHEDULE: must be comma-separated whole seconds');
  });
});
