import { z } from 'zod';

/** Field schemas shared by orders and subscriptions (beyond the spec: see catalog.ts). */

/** A package's slug. The spec names trial, s1, s2, s4; a catalog may list others. */
export const TierName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: 'must be a package name such as "s1"' });

/** The checkout line item's title ("AcmeAI Starter · 1 month"). */
export const ProductName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' })
  .refine((value) => !/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(value), { error: 'must be one line of plain text' });

/** Lenient on purpose: the reference storefront only checks for an "@" and its tests send "a@b.c". */
export const CustomerEmail = z
  .string({ error: 'must be an email address' })
  .max(254, { error: 'must be at most 254 characters' })
  .regex(/^[^\s@<>()",;]+@[^\s@<>()",;]+$/, { error: 'must be an email address' });

export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'cancelled', 'payment_failed', 'expired'] as const;
export const SubscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;
