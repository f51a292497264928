import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { clientIp } from '../../lib/client-ip.js';
import { refuseDeepJson, TOO_DEEP_MESSAGE } from '../../lib/json-depth.js';
import type { PortalDeps } from '../deps.js';
import { pageLanguage, plainQuery, requestLanguage } from '../http/language.js';
import { renderPage } from '../http/render.js';
import type { Translator } from '../i18n/index.js';
import { HONEYPOT_FIELD, LIMITS, PARTNER_TYPES, FAST_TRACK_TYPES, type FieldError } from './inquiry.js';
import { FAILED_MESSAGE, InquiryService, rateLimitMessage } from './service.js';

/** Far above the largest valid inquiry (~45 KB fully escaped), far below anything abusive. */
export const BODY_LIMIT_BYTES = 64 * 1024;
const ACCEPTED_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export interface PartnersRouterOptions {
  /** Clock for the rate limiter and created_at (tests). */
  now?: () => number;
}

/**
 * POST /api/partner (the spec's endpoint, JSON or form-encoded) and the /partners page whose
 * form posts to /partners without JavaScript. Both go through InquiryService.submit.
 */
export function partnersRouter(deps: PortalDeps, options: PartnersRouterOptions = {}): Router {
  const service = new InquiryService(deps, options);
  const router = Router();

  const parseBody: RequestHandler[] = [
    requireAcceptedType,
    express.json({ limit: BODY_LIMIT_BYTES, strict: true, verify: refuseDeepJson }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT_BYTES, parameterLimit: 50 }),
  ];

  // --- The JSON API -----------------------------------------------------------------------
  router.post('/api/partner', ...parseBody, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const outcome = await service.submit(req.body ?? {}, clientIp(req), req.id);
    switch (outcome.kind) {
      case 'accepted':
        res.status(200).json(outcome.body);
        return;
      case 'invalid':
        apiError(res, 400, outcome.errors[0]!.message);
        return;
      case 'rate_limited':
        res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        apiError(res, 429, rateLimitMessage(outcome.retryAfterSeconds));
        return;
      case 'failed':
        apiError(res, 500, FAILED_MESSAGE);
    }
  });
  router.all('/api/partner', (_req, res) => {
    res.setHeader('Allow', 'POST');
    apiError(res, 405, 'Use POST to submit a partner inquiry');
  });
  router.use('/api/partner', ((err, req, res, _next) => {
    const { status, message } = describeBodyError(err);
    logRefusal(deps, req, status, err);
    if (res.headersSent) return res.end();
    res.setHeader('Cache-Control', 'no-store');
    apiError(res, status, message);
  }) as ErrorRequestHandler);

  // --- The page -----------------------------------------------------------------------------
  router.get('/partners', (req, res) => {
    const sent = req.query.sent === 'fast-track' ? 'fast-track' : req.query.sent === 'standard' ? 'standard' : undefined;
    const preselected = PARTNER_TYPES.find((t) => t.id === req.query.type)?.id;
    renderPartners(deps, req, res, { sent, values: preselected ? { type: preselected } : {} });
  });
  router.post('/partners', ...parseBody, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body: unknown = req.body ?? {};
    const outcome = await service.submit(body, clientIp(req), req.id);
    const values = typedValues(body);
    switch (outcome.kind) {
      case 'accepted':
        // POST-redirect-GET: a reload shows the answer again instead of sending a second inquiry.
        res.redirect(303, `/partners?sent=${outcome.body.fastTrack ? 'fast-track' : 'standard'}#apply`);
        return;
      case 'invalid':
        renderPartners(deps, req, res, { values, errors: outcome.errors }, 400);
        return;
      case 'rate_limited':
        res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        renderPartners(deps, req, res, { values, formError: { key: 'partners.rateLimited', values: { seconds: outcome.retryAfterSeconds } } }, 429);
        return;
      case 'failed':
        renderPartners(deps, req, res, { values, formError: { key: 'partners.failed' } }, 500);
    }
  });
  router.use('/partners', ((err, req, res, next) => {
    const { status, message } = describeBodyError(err);
    if (status >= 500) return next(err); // not about the body: the app's error page
    logRefusal(deps, req, status, err);
    if (res.headersSent) return res.end();
    res.setHeader('Cache-Control', 'no-store');
    renderPartners(deps, req, res, { formError: { key: bodyErrorKey(status), values: { message } } }, status);
  }) as ErrorRequestHandler);

  return router;
}

function apiError(res: Response, status: number, error: string): void {
  res.status(status).json({ success: false, error });
}

/** A body we cannot read as JSON or a form is refused before a parser guesses at it. */
const requireAcceptedType: RequestHandler = (req, _res, next) => {
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  if (!empty && req.is(ACCEPTED_TYPES) === false) {
    const err = Object.assign(new Error('unsupported media type'), { status: 415, type: 'media.unsupported' });
    next(err);
    return;
  }
  next();
};

/** body-parser's errors (and our 415) as a status and a sentence a person can act on. */
function describeBodyError(err: unknown): { status: number; message: string } {
  const e = err as { type?: unknown; status?: unknown };
  switch (e?.type) {
    case 'entity.too.large':
      return { status: 413, message: `Request body too large (the limit is ${BODY_LIMIT_BYTES / 1024} KB)` };
    case 'parameters.too.many':
      return { status: 413, message: 'Too many form fields' };
    case 'entity.parse.failed':
      return { status: 400, message: 'Request body is not valid JSON' };
    case 'entity.too.deep':
      return { status: 400, message: `Request body ${TOO_DEEP_MESSAGE}` };
    case 'media.unsupported':
      return { status: 415, message: 'Send the inquiry as application/json or application/x-www-form-urlencoded' };
    case 'charset.unsupported':
      return { status: 415, message: 'Unsupported charset: send UTF-8' };
    case 'encoding.unsupported':
      return { status: 415, message: 'Unsupported Content-Encoding' };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, message: 'The request body could not be read' };
  }
  return { status: 500, message: FAILED_MESSAGE };
}

function logRefusal(deps: PortalDeps, req: Request, status: number, err: unknown): void {
  if (status >= 500) deps.logger.error({ reqId: req.id, err }, 'partner inquiry failed');
  else deps.logger.info({ reqId: req.id, status, reason: (err as { type?: unknown })?.type ?? 'body' }, 'partner inquiry refused');
}

type FormValues = Partial<Record<'name' | 'email' | 'company' | 'website' | 'type' | 'message', string>>;

/** What the person typed, to put back in the form (strings only; anything else is dropped). */
function typedValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const key of ['name', 'email', 'company', 'website', 'type', 'message'] as const) {
    const v: unknown = Object.hasOwn(body, key) ? (body as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string') values[key] = v;
  }
  return values;
}

interface PageState {
  values?: FormValues;
  errors?: FieldError[];
  formError?: { key: string; values?: Record<string, string | number> };
  sent?: 'fast-track' | 'standard' | undefined;
}

/** A refused body (too large, not a form) in the page's words. */
function bodyErrorKey(status: number): string {
  return status === 413 ? 'errors.too_large' : status === 415 ? 'errors.unsupported_type' : 'errors.bad_request';
}

/**
 * The validator's English sentence for a field (the JSON API's words, fixed by the spec) as the
 * page's words in the customer's language.
 */
function fieldMessage(e: FieldError, tr: Translator): string {
  const field = e.field ?? 'form';
  const label = tr.t(`partners.field.${field === 'form' ? 'message' : field}`);
  if (/ is required$/.test(e.message)) return tr.t('partners.error.required', { field: label });
  if (/ must be at most \d+ characters$/.test(e.message)) return tr.t('partners.error.tooLong', { field: label, max: Number(/(\d+)/.exec(e.message)![1]) });
  if (/control characters$/.test(e.message)) return tr.t('partners.error.control', { field: label });
  if (field === 'email') return tr.t('partners.error.email');
  if (field === 'website') return tr.t('partners.error.website');
  if (field === 'type') return tr.t('partners.error.type');
  return tr.t('partners.error.invalid', { field: label });
}

function renderPartners(deps: PortalDeps, req: Request, res: Response, state: PageState, status = 200): void {
  const lang = requestLanguage(deps.i18n, req, res);
  const language = pageLanguage(deps.i18n, lang, '/partners', plainQuery(req.originalUrl, ['type', 'sent']));
  const { tr } = language;
  const fieldErrors: Record<string, string> = {};
  let formError = state.formError ? tr.t(state.formError.key, state.formError.values) : undefined;
  for (const e of state.errors ?? []) {
    if (e.field) fieldErrors[e.field] = fieldMessage(e, tr);
    else formError ??= tr.t('errors.form_unreadable');
  }
  const errorCount = Object.keys(fieldErrors).length;
  const types = PARTNER_TYPES.map((t) => ({ id: t.id, label: tr.t(`partners.types.${t.id}.label`), description: tr.t(`partners.types.${t.id}.description`) }));
  renderPage(
    deps,
    req,
    res,
    'portal/partners',
    {
      title: tr.t('partners.title'),
      types,
      fastTrackTypes: FAST_TRACK_TYPES,
      values: state.values ?? {},
      fieldErrors,
      errorSummary: errorCount > 0 ? tr.t('partners.errorSummary', { count: errorCount }) : undefined,
      formError,
      requestId: req.id,
      sentMessage: state.sent === 'fast-track' ? tr.t('partners.sent.fastTrack') : state.sent === 'standard' ? tr.t('partners.sent.standard') : undefined,
      limits: LIMITS,
      honeypotField: HONEYPOT_FIELD,
    },
    language,
    status,
  );
}
