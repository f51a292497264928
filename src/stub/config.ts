import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PARTNER_STATUSES } from '../contract/index.js';
import { loadCatalog } from './domain/catalog.js';

export const DNS_PROVIDERS = ['zone.ee', 'cloudflare', 'none'] as const;
export type DnsProviderSetting = (typeof DNS_PROVIDERS)[number];

/** Environment variable behind each config field (DESIGN.md "Configuration": keep these names). */
const ENV_NAMES = {
  port: 'STUB_PORT',
  host: 'STUB_HOST',
  publicUrl: 'STUB_PUBLIC_URL',
  apiKey: 'STUB_API_KEY',
  webhookSecret: 'STUB_WEBHOOK_SECRET',
  webhookUrl: 'STUB_WEBHOOK_URL',
  dbPath: 'STUB_DB_PATH',
  retrySchedule: 'STUB_RETRY_SCHEDULE',
  deploySeconds: 'STUB_DEPLOY_SECONDS',
  rateLimit: 'STUB_RATE_LIMIT',
  ipRateLimit: 'STUB_IP_RATE_LIMIT',
  deployQuota: 'STUB_DEPLOY_QUOTA',
  creditOptions: 'STUB_CREDIT_OPTIONS',
  apexDomain: 'STUB_APEX_DOMAIN',
  dnsProvider: 'STUB_DNS_PROVIDER',
  partnerStatus: 'STUB_PARTNER_STATUS',
  catalogFile: 'STUB_CATALOG_FILE',
} as const;

type ConfigKey = keyof typeof ENV_NAMES;

/** Env values are strings; objects passed by tests or the portal may use real numbers and arrays. */
function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN) : value),
    z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );
}

function numberList(message: string, min: number) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : Number.NaN))
        : value,
    z
      .array(z.number({ error: message }).int({ error: message }).min(min, { error: message }), { error: message })
      .min(1, { error: message }),
  );
}

const HttpUrl = z
  .string({ error: 'must be an http(s) URL' })
  .refine((value) => /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value), { error: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const SECRET_TEXT = /^[\x21-\x7e]{8,256}$/;

const StubConfigSchema = z.object({
  port: wholeNumber(0, 65535).default(8001),
  /** Not in DESIGN.md's list: only needed to bind 0.0.0.0 inside a container. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Unset: `http://127.0.0.1:<bound port>`, so port 0 (tests) still yields working checkout URLs. */
  publicUrl: HttpUrl.optional(),
  apiKey: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{16,256}$/, { error: 'must be 16-256 characters of [A-Za-z0-9_.-]' })
    .default(() => `mo_test_${randomBytes(16).toString('hex')}`),
  webhookSecret: z
    .string()
    .regex(SECRET_TEXT, { error: 'must be 8-256 printable characters without spaces' })
    .default(() => `whsec_${randomBytes(16).toString('hex')}`),
  webhookUrl: HttpUrl.nullable().default(null),
  dbPath: z.string().min(1).default('./data/stub.db'),
  retrySchedule: numberList('must be comma-separated whole seconds', 0).default([0, 30, 120, 600, 3600, 21600, 86400]),
  deploySeconds: wholeNumber(0, 86_400).default(3),
  rateLimit: wholeNumber(1, 1_000_000).default(120),
  ipRateLimit: wholeNumber(1, 1_000_000).default(60),
  deployQuota: wholeNumber(0, 1_000_000).default(10),
  creditOptions: numberList('must be comma-separated whole dollar amounts above 0', 1).default([10, 20, 50]),
  apexDomain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'must be a lowercase domain name' })
    .default('example.com'),
  dnsProvider: z.enum(DNS_PROVIDERS, { error: 'must be one of zone.ee, cloudflare, none' }).default('zone.ee'),
  partnerStatus: z.enum(PARTNER_STATUSES, { error: 'must be one of live, onboarding, paused' }).default('live'),
  /** A JSON catalog of packages, prices and credit bundles (see domain/catalog.ts); unset: the spec's tiers. */
  catalogFile: z.string().min(1).nullable().default(null),
});

export type StubConfig = z.output<typeof StubConfigSchema>;
/** What tests and the embedding portal may pass: any subset, typed values or env-style strings. */
export type StubConfigInput = { [K in ConfigKey]?: z.input<typeof StubConfigSchema>[K] };

/**
 * Reads the STUB_* variables, applies `overrides` on top, validates once. A bad value throws an
 * Error whose message is one line naming the variable, e.g.
 * `STUB_RETRY_SCHEDULE: must be comma-separated whole seconds`.
 */
export function loadStubConfig(env: NodeJS.ProcessEnv = process.env, overrides: StubConfigInput = {}): StubConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    // An empty variable (`STUB_API_KEY=` in a .env) means "use the default".
    if (value !== undefined && value.trim() !== '') fromEnv[key] = value.trim();
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const parsed = StubConfigSchema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as ConfigKey;
    throw new Error(`${ENV_NAMES[key] ?? key}: ${issue.message}`);
  }
  // Read once here so a broken catalog stops start-up with one line naming STUB_CATALOG_FILE.
  loadCatalog(parsed.data.catalogFile, parsed.data.creditOptions);
  return parsed.data;
}

/** The same validation over a plain object (tests, the embedding portal), ignoring process.env. */
export function resolveStubConfig(input: StubConfigInput = {}): StubConfig {
  return loadStubConfig({}, input);
}
