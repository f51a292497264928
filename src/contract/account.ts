import { z } from 'zod';
import { TierName } from './fields.js';

export const RevenueEvent = z.object({
  id: z.number().int(),
  order_id: z.number().int(),
  kind: z.string(),
  gross_cents: z.number().int(),
  partner_cut_cents: z.number().int(),
  mintbot_cut_cents: z.number().int(),
  currency: z.string(),
  created_at: z.string(),
  payout_id: z.union([z.number(), z.string()]).nullable(),
  payout_at: z.string().nullable(),
});
export type RevenueEvent = z.infer<typeof RevenueEvent>;

export const Revenue = z.object({
  currency: z.string(),
  gross_cents: z.number().int(),
  partner_cut_cents: z.number().int(),
  mintbot_cut_cents: z.number().int(),
  unpaid_cents: z.number().int(),
  events: z.array(RevenueEvent),
});
export type Revenue = z.infer<typeof Revenue>;

/**
 * A boolean in a query string, spelled as the usual clients send it: `true`/`false` (curl, JS),
 * `True`/`False` (Python's requests with a bool), `1`/`0`.
 */
export const QueryBoolean = z
  .enum(['true', 'false', 'True', 'False', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === 'True' || value === '1');

export const RevenueQuery = z.object({
  include_paid: QueryBoolean.optional().meta({ description: 'Default true. false: only events not paid out yet.' }),
});

export const Partner = z.object({
  id: z.number().int(),
  email: z.string(),
  pricing_currency: z.string(),
  balance_unpaid_cents: z.number().int(),
  webhook_url: z.string().nullable(),
  api_key_prefix: z.string(),
});
export type Partner = z.infer<typeof Partner>;

export const PARTNER_STATUSES = ['onboarding', 'live', 'paused'] as const;
export const PartnerStatus = z.enum(PARTNER_STATUSES);
export type PartnerStatus = z.infer<typeof PartnerStatus>;

export const TierPricing = z.object({
  price_cents: z.number().int(),
  partner_cut_cents: z.number().int(),
  updated_at: z.string().nullable(),
});
export type TierPricing = z.infer<typeof TierPricing>;

const SectionStatus = z.object({
  status: z.string(),
  mode: z.string().nullable(),
  issue: z.string().nullable(),
  dns_blocker: z.string().nullable(),
});
export type SectionStatus = z.infer<typeof SectionStatus>;

export const Settings = z.object({
  id: z.number().int(),
  email: z.string(),
  status: PartnerStatus,
  created_at: z.string(),
  onboarded_at: z.string().nullable(),
  activated_at: z.string().nullable(),
  last_login_at: z.string().nullable(),
  preferred_language: z.string().nullable(),
  pricing_currency: z.string(),
  balance_unpaid_cents: z.number().int(),
  domain: z.object({
    mode: z.enum(['byo', 'hosted']),
    client_apex_domain: z.string().nullable(),
    dns_provider: z.string().nullable(),
    zone_ee_username: z.string().nullable(),
    zone_ee_api_key_set: z.boolean(),
    subdomain_prefix: z.string().nullable(),
    subdomain_numbering: z.string().nullable(),
    subdomain_pad_width: z.number().int().nullable(),
    subdomain_label_preview: z.string().nullable(),
  }),
  bot: z.object({
    mode: z.enum(['own', 'borrow', 'web']),
    provider: z.string().nullable(),
    telegram_bot_username: z.string().nullable(),
    telegram_bot_token_set: z.boolean(),
  }),
  template: z.object({
    mode: z.enum(['default', 'custom']),
    repo_url: z.string().nullable(),
  }),
  api: z.object({
    key_prefix: z.string(),
    key_created_at: z.string().nullable(),
    webhook_url: z.string().nullable(),
    webhook_secret_set: z.boolean(),
    webhook_secret_prefix: z.string().nullable().optional(),
  }),
  pricing: z.object({
    mode: z.string(),
    currency: z.string(),
    /** The spec lists trial, s1, s2, s4; a partner whose catalog sells other packages has those. */
    tiers: z.record(TierName, TierPricing),
  }),
  readiness: z.object({
    ready: z.boolean(),
    missing_fields: z.array(z.string()),
    dns_blocker: z.string().nullable(),
    status: z.string(),
  }),
  section_status: z.object({
    domain: SectionStatus,
    bot: SectionStatus,
    template: SectionStatus,
    api: SectionStatus,
    all_ready: z.boolean(),
  }),
  /** Not in the spec's example: the credit bundles the checkout offers (the stub adds it). */
  allowed_credit_options: z.array(z.number().int().positive()).optional(),
});
export type Settings = z.infer<typeof Settings>;
