import { z } from 'zod';
import { CustomerEmail, ProductName, SubscriptionStatus, TierName } from './fields.js';
import { CallbackUrl, ExternalId, Language } from './orders.js';

/**
 * Beyond the published spec: what the platform's reference storefront
 * (mintbot-ai/partner-portal-example) already calls. The stub serves it, the portal uses it when
 * the API offers it. Shapes are inferred from that client's requests and the answers its tests
 * expect; each one is listed in the README's "What the stub adds".
 */


export const CatalogDuration = z.object({
  months: z.number().int(),
  /** "1 month", "24 hours" for a trial. */
  label: z.string(),
  /** The total for this duration, credit not included. */
  price_cents: z.number().int(),
});
export type CatalogDuration = z.infer<typeof CatalogDuration>;

export const CatalogPackage = z.object({
  tier: TierName,
  display_name: z.string(),
  description: z.string(),
  featured: z.boolean(),
  default_credit_usd: z.number().int(),
  durations: z.array(CatalogDuration),
  subscription: z.object({
    available: z.boolean(),
    /** Charged every month; null when the package cannot be subscribed. */
    price_cents: z.number().int().nullable(),
  }),
});
export type CatalogPackage = z.infer<typeof CatalogPackage>;

export const CreditOptionPrice = z.object({ usd: z.number().int(), price_cents: z.number().int() });
export type CreditOptionPrice = z.infer<typeof CreditOptionPrice>;

/** `GET /api/v1/catalog`: the partner's sellable packages with their resolved prices. */
export const PackageCatalog = z.object({
  currency: z.string(),
  packages: z.array(CatalogPackage),
  credit_options: z.array(CreditOptionPrice),
});
export type PackageCatalog = z.infer<typeof PackageCatalog>;




const SUBSCRIPTION_FIELDS = ['tier', 'currency', 'language', 'success_url', 'cancel_url', 'customer_email', 'product_name', 'external_id'];

/**
 * `POST /api/v1/subscriptions`: a monthly auto-renewing plan. There is no duration_months (it
 * renews every month) and no credit_usd; any field not listed is refused, naming it.
 */
export const CreateSubscriptionRequest = z
  .object({
    tier: TierName,
    currency: z.string({ error: 'must be a currency code such as "usd"' }).regex(/^[a-z]{3}$/, { error: 'must be a currency code such as "usd"' }),
    language: Language,
    success_url: CallbackUrl,
    cancel_url: CallbackUrl,
    customer_email: CustomerEmail.nullish(),
    product_name: ProductName.nullish(),
    external_id: ExternalId.nullish(),
  })
  .catchall(z.unknown())
  .superRefine((body, ctx) => {
    for (const key of Object.keys(body)) {
      if (SUBSCRIPTION_FIELDS.includes(key)) continue;
      const why = key === 'duration_months' ? ' (a subscription renews every month)' : key === 'credit_usd' ? ' (a subscription carries no chat credit)' : '';
      ctx.addIssue({ code: 'custom', path: [key], message: `is not accepted on a subscription${why}` });
    }
  });
export type CreateSubscriptionRequest = z.infer<typeof CreateSubscriptionRequest>;

/**
 * A subscription as the API answers it. `POST /subscriptions` answers this too: the reference
 * client reads `id`, `status` ("pending"), `checkout_url`, `amount_cents` and `currency`.
 */
export const Subscription = z.object({
  id: z.number().int(),
  status: SubscriptionStatus,
  tier: TierName,
  amount_cents: z.number().int(),
  currency: z.string(),
  checkout_url: z.string().nullable(),
  /** The order whose agent the subscription keeps running. */
  order_id: z.number().int(),
  customer_email: z.string().nullable(),
  product_name: z.string().nullable(),
  language: z.string().nullable(),
  external_id: z.string().nullable(),
  /** When the paid period ends: the next charge for an active subscription. */
  current_period_end: z.string().nullable(),
  next_renewal_at: z.string().nullable(),
  renewals: z.number().int(),
  cancelled_at: z.string().nullable(),
  created_at: z.string(),
});
export type Subscription = z.infer<typeof Subscription>;
