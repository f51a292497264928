import { formatApiTime, type Settings, type TierPricing } from '../../contract/index.js';
import type { StubConfig } from '../config.js';
import type { ApiKeyRing } from './api-key.js';
import type { StubCatalog } from './catalog.js';

type Section = Settings['section_status']['domain'];

export interface SettingsInput {
  config: Pick<StubConfig, 'partnerStatus' | 'dnsProvider' | 'apexDomain' | 'webhookUrl' | 'webhookSecret'>;
  /** Pricing and credit options come from the catalog, so GET /settings and GET /catalog agree. */
  catalog: StubCatalog;
  keys: ApiKeyRing;
  partner: { id: number; email: string; createdAt: number };
  balanceUnpaidCents: number;
}

const ready = (mode: string | null): Section => ({ status: 'ready', mode, issue: null, dns_blocker: null });

/**
 * GET /settings: the fake partner's whole non-secret configuration. Secrets surface only as
 * `*_set` booleans (and the webhook secret's 8-character prefix). Readiness is derived from
 * STUB_PARTNER_STATUS and STUB_DNS_PROVIDER, the two knobs the stub exposes.
 */
export function buildSettings({ config, catalog, keys, partner, balanceUnpaidCents }: SettingsInput): Settings & { allowed_credit_options: number[] } {
  const created = formatApiTime(partner.createdAt);
  const onboarding = config.partnerStatus === 'onboarding';
  const zoneEe = config.dnsProvider === 'zone.ee';
  const missing: string[] = [];

  let domainSection = ready('byo');
  let dnsBlocker: string | null = null;
  if (config.dnsProvider === 'none') {
    missing.push('dns_provider', 'zone_ee_api_key');
    domainSection = { status: 'incomplete', mode: 'byo', issue: 'Choose a DNS provider and save its API credentials.', dns_blocker: null };
  } else if (config.dnsProvider === 'cloudflare') {
    dnsBlocker = 'dns_provider_unsupported';
    domainSection = {
      status: 'blocked',
      mode: 'byo',
      issue: 'Cloudflare is not wired into the DNS proxy yet; switch to zone.ee.',
      dns_blocker: dnsBlocker,
    };
  }

  let botSection = ready('own');
  if (onboarding) {
    missing.push('telegram_bot_token');
    botSection = { status: 'incomplete', mode: 'own', issue: 'Paste your Telegram bot token.', dns_blocker: null };
  }

  const apiSection: Section =
    config.partnerStatus === 'paused'
      ? { status: 'blocked', mode: 'paused', issue: 'The partner account is paused; contact mintbot support.', dns_blocker: null }
      : ready(onboarding ? 'test' : 'live');
  const sections = { domain: domainSection, bot: botSection, template: ready('default'), api: apiSection };
  const allReady = Object.values(sections).every((section) => section.status === 'ready');

  const tiers: Record<string, TierPricing> = Object.fromEntries(
    [...catalog.packages.values()].map((pkg) => [
      pkg.tier,
      { price_cents: pkg.priceCents, partner_cut_cents: pkg.partnerCutCents, updated_at: pkg.tier === 'trial' ? null : created },
    ]),
  );

  return {
    id: partner.id,
    email: partner.email,
    status: config.partnerStatus,
    created_at: created,
    onboarded_at: onboarding ? null : created,
    activated_at: onboarding ? null : created,
    last_login_at: null,
    preferred_language: 'en',
    pricing_currency: 'usd',
    balance_unpaid_cents: balanceUnpaidCents,
    domain: {
      mode: 'byo',
      client_apex_domain: config.apexDomain,
      dns_provider: config.dnsProvider === 'none' ? null : config.dnsProvider,
      zone_ee_username: zoneEe ? partner.email : null,
      zone_ee_api_key_set: zoneEe,
      subdomain_prefix: 'agent',
      subdomain_numbering: 'natural',
      subdomain_pad_width: 3,
      subdomain_label_preview: 'agent1',
    },
    bot: {
      mode: 'own',
      provider: 'telegram',
      telegram_bot_username: onboarding ? null : `${config.apexDomain.split('.')[0]}_bot`,
      telegram_bot_token_set: !onboarding,
    },
    template: { mode: 'default', repo_url: null },
    api: {
      key_prefix: keys.prefix(),
      key_created_at: formatApiTime(keys.createdAt()),
      webhook_url: config.webhookUrl,
      webhook_secret_set: true,
      webhook_secret_prefix: config.webhookSecret.slice(0, 8),
    },
    pricing: { mode: 'default', currency: catalog.currency, tiers },
    readiness: {
      ready: missing.length === 0 && dnsBlocker === null && allReady,
      missing_fields: missing,
      dns_blocker: dnsBlocker,
      status: config.partnerStatus,
    },
    section_status: { ...sections, all_ready: allReady },
    allowed_credit_options: [...catalog.creditOptions.keys()],
  };
}
