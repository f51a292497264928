import { z } from 'zod';
import { LIVE_API_URL } from '../contract/index.js';

const bool = (name: string) =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name}: must be true or false` }).transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name}: must be a whole number` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `${name}: must be between ${min} and ${max}` });

const httpUrl = (name: string) =>
  z
    .string()
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { error: `${name}: must be an http(s) URL` })
    .transform((v) => v.replace(/\/+$/, ''));

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** TRUST_PROXY as Express understands it: false, true, a hop count, or a list of addresses/subnets. */
const trustProxy = z
  .string()
  .regex(/^[\w.:/, -]+$/, { error: 'TRUST_PROXY: must be true, false, a hop count or a list of addresses' })
  .transform((v): boolean | number | string => {
    if (v === 'true') return true;
    if (v === 'false' || v === '') return false;
    if (/^\d+$/.test(v)) return Number(v);
    return v;
  });

const EnvSchema = z.object({
  PORT: optional(int('PORT', 0, 65535)),
  HOST: optional(z.string().min(1)),
  PARTNER_BRAND: optional(z.string().trim().min(1).max(60, { error: 'PARTNER_BRAND: must be at most 60 characters' })),
  MINTOFFICE_API_URL: optional(httpUrl('MINTOFFICE_API_URL')),
  MINTOFFICE_API_KEY: optional(z.string().regex(/^\S{8,200}$/, { error: 'MINTOFFICE_API_KEY: must be 8-200 characters without spaces' })),
  MINTOFFICE_WEBHOOK_SECRET: optional(z.string().regex(/^\S{8,200}$/, { error: 'MINTOFFICE_WEBHOOK_SECRET: must be 8-200 characters without spaces' })),
  PUBLIC_BASE_URL: optional(httpUrl('PUBLIC_BASE_URL')),
  ADMIN_USERNAME: optional(z.string().min(1).max(100)),
  ADMIN_PASSWORD: optional(z.string().min(8, { error: 'ADMIN_PASSWORD: must be at least 8 characters' }).max(200)),
  DB_PATH: optional(z.string().min(1)),
  ADMIN_PAGE_SIZE: optional(int('ADMIN_PAGE_SIZE', 1, 500)),
  MINTOFFICE_TIMEOUT_SECONDS: optional(int('MINTOFFICE_TIMEOUT_SECONDS', 1, 120)),
  MINTOFFICE_RETRIES: optional(int('MINTOFFICE_RETRIES', 0, 10)),
  SECURITY_HEADERS: optional(bool('SECURITY_HEADERS')),
  CHECKOUT_ORIGINS: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent' })),
  TRUST_PROXY: optional(trustProxy),
  PLANS_FILE: optional(z.string().min(1)),
  SETTINGS_REFRESH_SECONDS: optional(int('SETTINGS_REFRESH_SECONDS', 5, 86_400)),
  INQUIRY_NOTIFY_URL: optional(httpUrl('INQUIRY_NOTIFY_URL')),
  INQUIRY_RATE_LIMIT: optional(int('INQUIRY_RATE_LIMIT', 1, 100_000)),
  INQUIRY_RATE_WINDOW_SECONDS: optional(int('INQUIRY_RATE_WINDOW_SECONDS', 1, 86_400)),
  ORDER_POLL_SECONDS: optional(int('ORDER_POLL_SECONDS', 1, 3_600)),
  METRICS_TOKEN: optional(z.string().regex(/^[\x21-\x7e]{16,256}$/, { error: 'METRICS_TOKEN: must be 16-256 printable characters without spaces' })),
  WAL_LIMIT_MB: optional(int('WAL_LIMIT_MB', 1, 65_536)),
  BUY_RATE_LIMIT: optional(int('BUY_RATE_LIMIT', 1, 100_000)),
  BUY_RATE_WINDOW_SECONDS: optional(int('BUY_RATE_WINDOW_SECONDS', 1, 86_400)),
  BUY_OPEN_ORDERS_LIMIT: optional(int('BUY_OPEN_ORDERS_LIMIT', 1, 100_000)),
  DEPLOY_QUOTA: optional(int('DEPLOY_QUOTA', 1, 1_000_000)),
});

export interface PortalConfig {
  port: number;
  host: string;
  brand: string;
  /** Base URL before /api/v1; undefined means "embed the stub" (only main.ts acts on that). */
  apiUrl: string | undefined;
  apiKey: string | undefined;
  webhookSecret: string | undefined;
  publicBaseUrl: string;
  adminUsername: string;
  adminPassword: string | undefined;
  dbPath: string;
  adminPageSize: number;
  timeoutMs: number;
  retries: number;
  securityHeaders: boolean;
  checkoutOrigins: string[];
  logLevel: string;
  trustProxy: boolean | number | string;
  plansFile: string;
  settingsRefreshMs: number;
  inquiryNotifyUrl: string | undefined;
  inquiryRateLimit: number;
  inquiryRateWindowMs: number;
  /** How often open orders are polled from the API when no webhook secret is configured. */
  orderPollMs: number;
  /** Bearer token Prometheus sends to GET /metrics; unset = the admin password guards it. */
  metricsToken: string | undefined;
  /** New orders + renewals one client may start per buyRateWindowMs. */
  buyRateLimit: number;
  buyRateWindowMs: number;
  /** Unpaid orders (each holding a deploy slot for 24 h) one client may have at once. */
  buyOpenOrdersLimit: number;
  /** The partner's deploy slots (mintbot's default is 10), for the admin's "needs attention". */
  deployQuota: number;
  /** The most disk the SQLite write-ahead log may take (WAL_LIMIT_MB). */
  walLimitBytes: number;
  /** True unless the API is the live one: pages show a "TEST MODE" strip. */
  testMode: boolean;
}

export class ConfigError extends Error {}

/** Reads the portal's configuration from the environment; throws one line naming the variable. */
export function loadPortalConfig(env: Record<string, string | undefined> = process.env): PortalConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw new ConfigError(issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const port = e.PORT ?? 8000;
  const origins = (e.CHECKOUT_ORIGINS ?? 'https://checkout.stripe.com')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`CHECKOUT_ORIGINS: "${origin}" is not an origin like https://checkout.stripe.com`);
    }
  }
  return {
    port,
    host: e.HOST ?? '127.0.0.1',
    brand: e.PARTNER_BRAND ?? 'ExampleAI',
    apiUrl: e.MINTOFFICE_API_URL,
    apiKey: e.MINTOFFICE_API_KEY,
    webhookSecret: e.MINTOFFICE_WEBHOOK_SECRET,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
    adminUsername: e.ADMIN_USERNAME ?? 'admin',
    adminPassword: e.ADMIN_PASSWORD,
    dbPath: e.DB_PATH ?? './data/portal.db',
    adminPageSize: e.ADMIN_PAGE_SIZE ?? 50,
    timeoutMs: (e.MINTOFFICE_TIMEOUT_SECONDS ?? 15) * 1000,
    retries: e.MINTOFFICE_RETRIES ?? 2,
    securityHeaders: e.SECURITY_HEADERS ?? true,
    checkoutOrigins: origins.map((o) => new URL(o).origin),
    logLevel: e.LOG_LEVEL ?? 'info',
    trustProxy: e.TRUST_PROXY ?? false,
    plansFile: e.PLANS_FILE ?? './plans.json',
    settingsRefreshMs: (e.SETTINGS_REFRESH_SECONDS ?? 300) * 1000,
    inquiryNotifyUrl: e.INQUIRY_NOTIFY_URL,
    inquiryRateLimit: e.INQUIRY_RATE_LIMIT ?? 5,
    inquiryRateWindowMs: (e.INQUIRY_RATE_WINDOW_SECONDS ?? 600) * 1000,
    orderPollMs: (e.ORDER_POLL_SECONDS ?? 5) * 1000,
    metricsToken: e.METRICS_TOKEN,
    walLimitBytes: (e.WAL_LIMIT_MB ?? 64) * 1024 * 1024,
    buyRateLimit: e.BUY_RATE_LIMIT ?? 5,
    buyRateWindowMs: (e.BUY_RATE_WINDOW_SECONDS ?? 600) * 1000,
    buyOpenOrdersLimit: e.BUY_OPEN_ORDERS_LIMIT ?? 2,
    deployQuota: e.DEPLOY_QUOTA ?? 10,
    testMode: (e.MINTOFFICE_API_URL ?? '') !== LIVE_API_URL,
  };
}
