import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Language, TierName } from '../../contract/index.js';
import { ConfigError } from '../config.js';

/**
 * The partner-editable shop copy (PLANS_FILE, default ./plans.json). Prices are NOT here: they come
 * from the API's settings. Strict objects, so a typo in a key is an error rather than silently
 * ignored copy.
 */
const Text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

const Features = z.array(Text(80)).max(8, { error: 'at most 8 features' });

/** A plan's copy in another language; whatever is left out is shown in English. */
const TranslatedCopy = z.strictObject({ name: Text(40).optional(), blurb: Text(200).optional(), features: Features.optional() });

const PlanCopy = z.strictObject({
  /** The spec's trial, s1, s2, s4, or a package the API's catalog sells under another name. */
  tier: TierName,
  name: Text(40),
  blurb: Text(200),
  features: Features.default([]),
  /** By language code, e.g. `"de": { "name": "Starter", "blurb": "…" }`. */
  translations: z.record(Language, TranslatedCopy).default({}),
});

const PlansFile = z
  .strictObject({
    $comment: z.string().optional(),
    featured: TierName.optional(),
    plans: z.array(PlanCopy).min(1, { error: 'list at least one plan' }),
    languages: z
      .array(z.strictObject({ code: Language, label: Text(40) }))
      .min(1, { error: 'list at least one language' })
      .default([{ code: 'en', label: 'English' }]),
    support_email: z.email({ error: 'must be an email address' }).optional(),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.plans.forEach((plan, i) => {
      if (seen.has(plan.tier)) ctx.addIssue({ code: 'custom', path: ['plans', i, 'tier'], message: `"${plan.tier}" is listed twice` });
      seen.add(plan.tier);
    });
    if (file.featured && !seen.has(file.featured)) {
      ctx.addIssue({ code: 'custom', path: ['featured'], message: `"${file.featured}" is not one of the listed plans` });
    }
    const codes = new Set<string>();
    file.languages.forEach((lang, i) => {
      if (codes.has(lang.code)) ctx.addIssue({ code: 'custom', path: ['languages', i, 'code'], message: `"${lang.code}" is listed twice` });
      codes.add(lang.code);
    });
  });

export type PlanCopy = z.infer<typeof PlanCopy>;

/** A plan's name, blurb and features in `lang`, each falling back to the English copy. */
export function planCopyIn(plan: PlanCopy, lang: string): { name: string; blurb: string; features: string[] } {
  const own = plan.translations[lang] ?? {};
  return { name: own.name ?? plan.name, blurb: own.blurb ?? plan.blurb, features: own.features ?? plan.features };
}
export type Plans = z.infer<typeof PlansFile>;

/** Reads and validates the plans file; any problem is one ConfigError line naming PLANS_FILE. */
export function loadPlans(file: string): Plans {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigError(`PLANS_FILE: cannot read ${path}${code === 'ENOENT' ? ' (no such file)' : code ? ` (${code})` : ''}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`PLANS_FILE: ${path} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = PlansFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.map(String).join('.') : 'file';
    throw new ConfigError(`PLANS_FILE: ${path}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}
