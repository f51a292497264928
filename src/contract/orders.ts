import { z } from 'zod';
import { CustomerEmail, ProductName, SubscriptionStatus, TierName } from './fields.js';

export const TIERS = ['trial', 's1', 's2', 's4'] as const;
export const Tier = z.enum(TIERS, { error: 'must be one of trial, s1, s2, s4' });
export type Tier = z.infer<typeof Tier>;

export const DURATIONS = [1, 3, 12] as const;
export const DurationMonths = z.union([z.literal(1), z.literal(3), z.literal(12)], {
  error: 'must be one of 1, 3, 12',
});
export type DurationMonths = z.infer<typeof DurationMonths>;

export const ORDER_STATUSES = [
  'awaiting_payment',
  'completed',
  'deployed',
  'deploy_failed',
  'expired',
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES, {
  error: `must be one of ${ORDER_STATUSES.join(', ')}`,
});
export type OrderStatus = z.infer<typeof OrderStatus>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Return URLs and webhook URLs must be https; plain http is accepted for loopback hosts only,
 * so a partner can run the whole loop on a laptop.
 */
export function isAcceptableCallbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export const CallbackUrl = z
  .string({ error: 'must be a URL' })
  .max(2048, { error: 'must be at most 2048 characters' })
  .refine(isAcceptableCallbackUrl, {
    error: 'must be an https URL (http is allowed for loopback hosts only)',
  });

export const ExternalId = z.string().min(1).max(255, { error: 'must be at most 255 characters' });
/**
 * The locales Stripe Checkout supports (its `locale` parameter), `auto` included: the spec says
 * `language` sets the checkout locale, so these are the values that mean something.
 */
export const CHECKOUT_LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu',
  'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv',
  'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;
const CHECKOUT_LOCALE_SET: ReadonlySet<string> = new Set(CHECKOUT_LOCALES);
/** Typed as a string so callers that hold a language as text need no cast. */
export const Language = z
  .string()
  .refine((value) => CHECKOUT_LOCALE_SET.has(value), { error: 'must be a language code such as "en" or "pt-BR"' })
  .meta({ override: { enum: [...CHECKOUT_LOCALES] }, description: 'A Stripe Checkout locale; auto lets Checkout pick.' });

/** Optional fields accept null as "not set": clients that serialise None/null for absent values work. */
export const CreateOrderRequest = z.object({
  /** The spec's trial, s1, s2, s4, or another package the API's catalog lists (the stub checks it against its catalog). */
  tier: TierName,
  duration_months: DurationMonths,
  credit_usd: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0).max(100_000).nullish(),
  language: Language.nullish(),
  external_id: ExternalId.nullish(),
  success_url: CallbackUrl,
  cancel_url: CallbackUrl,
  webhook_url: CallbackUrl.nullish(),
  /** Beyond the spec (reference client): the checkout line item's title, and the customer's email. */
  product_name: ProductName.nullish(),
  customer_email: CustomerEmail.nullish(),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const RenewOrderRequest = z.object({
  duration_months: DurationMonths,
  external_id: ExternalId.nullish(),
  success_url: CallbackUrl,
  cancel_url: CallbackUrl,
});
export type RenewOrderRequest = z.infer<typeof RenewOrderRequest>;

/** The order as every order endpoint returns it (and as webhook payloads carry it). */
export const Order = z.object({
  id: z.number().int(),
  /** One of the spec's tiers unless the API's catalog lists others. */
  tier: TierName,
  duration_months: z.number().int(),
  credit_usd: z.number(),
  amount_cents: z.number().int(),
  currency: z.string(),
  status: OrderStatus,
  checkout_url: z.string().nullable(),
  panel_url: z.string().nullable(),
  expires_at: z.string().nullable(),
  language: z.string().nullable(),
  external_id: z.string().nullable(),
  created_at: z.string(),
  paid_at: z.string().nullable(),
  /** Beyond the spec, present only when set: the branded line item, the customer's email, and
   * for an order that belongs to a subscription, its id and current status. */
  product_name: z.string().optional(),
  customer_email: z.string().optional(),
  subscription_id: z.number().int().optional(),
  subscription_status: SubscriptionStatus.optional(),
});
export type Order = z.infer<typeof Order>;

export const OrderList = z.object({
  items: z.array(Order),
  next_cursor: z.string().nullable(),
});
export type OrderList = z.infer<typeof OrderList>;

export const ListOrdersQuery = z.object({
  status: OrderStatus.optional(),
  cursor: z.string().regex(/^\d{1,15}$/, { error: 'must be a next_cursor value' }).optional(),
});
