import { z } from 'zod';

/**
 * The partner inquiry as the spec (spec/partner-inquiry-api.txt) defines it: the request fields,
 * the partner types, the fast-track rule and the two success answers, word for word.
 */

export const PARTNER_TYPES = [
  { id: 'general', label: 'General', description: 'General partnership inquiry' },
  { id: 'ai_provider', label: 'AI provider', description: 'AI model or service provider (fast-track eligible)' },
  { id: 'integration', label: 'Integration', description: 'Tool or API integration partner' },
  { id: 'reseller', label: 'Reseller', description: 'Reseller or agency partner' },
  { id: 'content', label: 'Content', description: 'Content creator or developer advocate' },
  { id: 'infrastructure', label: 'Infrastructure', description: 'Infrastructure or hosting partner' },
  { id: 'enterprise', label: 'Enterprise', description: 'Enterprise partner (fast-track eligible)' },
] as const;

export type PartnerType = (typeof PARTNER_TYPES)[number]['id'];
const TYPE_IDS = PARTNER_TYPES.map((t) => t.id) as [PartnerType, ...PartnerType[]];
export const FAST_TRACK_TYPES: readonly PartnerType[] = ['enterprise', 'ai_provider'];

/** Caps on each field, in UTF-16 code units (what String.length counts), after trimming. */
export const LIMITS = { name: 200, email: 254, company: 200, website: 2048, message: 5000 } as const;

export const SUCCESS_MESSAGES = {
  fastTrack: 'Fast track enabled - we will respond within 24 hours',
  standard: 'We will be in touch soon',
} as const;

/** The honeypot: a field people never see; whatever fills it in is a bot. */
export const HONEYPOT_FIELD = 'website_confirm';

export interface Inquiry {
  name: string;
  email: string;
  company: string | null;
  website: string | null;
  type: PartnerType;
  message: string;
}

export type InquiryField = keyof Inquiry;
export interface FieldError {
  /** undefined when the body as a whole is wrong (not an object). */
  field: InquiryField | undefined;
  message: string;
}

// C0 controls and DEL, and in single-line fields the explicit bidi embeddings, overrides and
// isolates too: right-to-left names never need them, and they let "Eve \u202Egnp.exe" read as
// "Eve exe.png" to the staff. The message may keep tabs and line breaks.
const SINGLE_LINE_CONTROL = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** null means "not given"; lone surrogates (invalid UTF-16 from JSON escapes) become U+FFFD. */
const clean = (v: unknown): unknown => (v === null ? undefined : typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v);

function text(field: InquiryField, max: number, multiline = false) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .max(max, { error: `${field} must be at most ${max} characters` })
    .refine((v) => !(multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL).test(v), {
      error: `${field} must not contain control characters`,
    });
}

const required = (field: InquiryField, max: number, multiline = false) =>
  z.preprocess(clean, text(field, max, multiline).refine((v) => v.length > 0, { error: `${field} is required`, abort: true }));

/** Missing, null and blank all mean "not given", stored as NULL. */
const optional = (field: InquiryField, max: number) =>
  z.preprocess(clean, text(field, max).optional()).transform((v) => (v ? v : null));

const SCHEME = /^[a-z][a-z\d+.-]*:(?!\d)/i;

/**
 * Accepts http(s) URLs and, forgivingly, bare domains ("example.com/about"), which get https://
 * in front. Anything with another scheme (javascript:, ftp:, mailto:) is refused, and so is a
 * host without a dot (a typo far more often than an intranet site).
 */
export function normaliseWebsite(input: string): string | undefined {
  let candidate = input;
  if (!/^https?:\/\//i.test(candidate)) {
    if (SCHEME.test(candidate)) return undefined;
    candidate = `https://${candidate.replace(/^\/+/, '')}`;
  }
  if (/\s/.test(candidate) || !URL.canParse(candidate)) return undefined;
  const url = new URL(candidate);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname.includes('.') && !url.hostname.startsWith('[')) return undefined;
  if (url.hostname.startsWith('.') || url.hostname.includes('..')) return undefined;
  if (url.username || url.password) return undefined; // credentials do not belong in a public link
  return candidate;
}

const website = optional('website', LIMITS.website).transform((v, ctx) => {
  if (v === null) return null;
  const url = normaliseWebsite(v);
  if (url === undefined) {
    ctx.addIssue({ code: 'custom', message: 'website must be an http or https URL, like https://example.com' });
    return z.NEVER;
  }
  return url;
});

const TYPE_LIST = TYPE_IDS.join(', ');
const type = z.preprocess(
  (v) => {
    const c = clean(v);
    if (c === undefined || (typeof c === 'string' && c.trim() === '')) return 'general';
    return typeof c === 'string' ? c.trim().toLowerCase() : c;
  },
  z.enum(TYPE_IDS, {
    error: (iss) => (typeof iss.input === 'string' ? `type must be one of ${TYPE_LIST}` : 'type must be a string'),
  }),
);

const email = z.preprocess(
  clean,
  text('email', LIMITS.email)
    .refine((v) => v.length > 0, { error: 'email is required', abort: true })
    .pipe(z.email({ error: 'email must be a valid email address, like name@example.com' })),
);

export const InquiryRequest = z.object(
  {
    name: required('name', LIMITS.name),
    email,
    company: optional('company', LIMITS.company),
    website,
    type,
    message: required('message', LIMITS.message, true),
  },
  { error: 'the request body must be an object with name, email and message' },
);

export type ValidationResult = { ok: true; inquiry: Inquiry } | { ok: false; errors: FieldError[] };

/** Validates a parsed body (JSON or form). Errors come one per field, in the form's field order. */
export function validateInquiry(body: unknown): ValidationResult {
  const parsed = InquiryRequest.safeParse(body);
  if (parsed.success) return { ok: true, inquiry: parsed.data };
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as InquiryField | undefined;
    if (errors.some((e) => e.field === field)) continue;
    errors.push({ field, message: issue.message });
  }
  return { ok: false, errors };
}

/** The spec's rule: an enterprise or AI-provider applicant who names their company. */
export function isFastTrack(inquiry: Pick<Inquiry, 'type' | 'company'>): boolean {
  return FAST_TRACK_TYPES.includes(inquiry.type) && inquiry.company !== null;
}

/** Whether a bot filled in the field people cannot see. */
export function honeypotFilled(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, HONEYPOT_FIELD)) return false;
  const value: unknown = (body as Record<string, unknown>)[HONEYPOT_FIELD];
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}
