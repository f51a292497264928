import { z } from 'zod';
import { createDocument, type ZodOpenApiObject, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  ApiErrorBody,
  ClockRequest,
  ClockState,
  CreateOrderRequest,
  DeliveryDetail,
  DeliveryItem,
  DeliveryList,
  DnsDeleteResponse,
  DnsListResponse,
  DnsUpsertResponse,
  EVENT_TYPES,
  FaultsRequest,
  FaultsState,
  FireEventRequest,
  ListOrdersQuery,
  LoggedRequest,
  Order,
  OrderList,
  PackageCatalog,
  Partner,
  Subscription,
  CreateSubscriptionRequest,
  Payout,
  RenewOrderRequest,
  RequestLogList,
  ResetResult,
  Revenue,
  RevenueQuery,
  RotatedKey,
  Settings,
  UpsertDnsRecordRequest,
  WebhookPayload,
} from '../../contract/index.js';
import * as examples from './examples.js';

const json = (schema: z.ZodType, example?: unknown) => ({
  'application/json': example === undefined ? { schema } : { schema, examples: { spec: { summary: "The spec's example", value: example } } },
});
const html = { 'text/html': { schema: z.string() } };
const ok = (description: string, schema: z.ZodType, example?: unknown) => ({ description, content: json(schema, example) });

/** Error answers, all in the spec's envelope; each status lists the codes it carries. */
const ERROR_CODES_BY_STATUS: Record<string, string> = {
  '400': 'missing_idempotency_key',
  '401': 'unauthenticated, invalid_api_key',
  '403': 'partner_not_live (writes while the partner is onboarding or paused)',
  '404': 'not_found',
  '405': 'method_not_allowed (a known path with another method; see the Allow header)',
  '409': 'idempotency_key_mismatch',
  '413': 'validation_error (body over 64 KB)',
  '422': 'validation_error, quota_exceeded (with deploys_used and deploy_quota), dns_not_configured, dns_provider_unsupported',
  '429': 'rate_limited (see Retry-After)',
  '502': 'payment_gateway_error, dns_provider_error',
};
function errors(...statuses: (keyof typeof ERROR_CODES_BY_STATUS)[]): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const status of ['401', '405', '429', ...statuses]) {
    responses[status as '401'] = { description: `Error: ${ERROR_CODES_BY_STATUS[status]}`, content: json(ApiErrorBody, status === '401' ? examples.errorExample : undefined) };
  }
  return responses;
}

const IdempotencyHeaders = z.object({
  'Idempotency-Key': z.string().meta({ description: 'Any UUID per distinct request; a replay within 24 h answers the stored response with Idempotent-Replay: true.' }),
});
const OrderIdPath = z.object({ id: z.string().meta({ description: 'The order id (a positive integer).', example: '42' }) });
const SessionPath = z.object({ sessionId: z.string().meta({ description: 'The cs_test_… id at the end of checkout_url.' }) });
const EventIdPath = z.object({ eventId: z.string().meta({ description: 'The X-Mintbot-Event-Id, e.g. evt_42_order.paid_1747371234567.' }) });
const redirect = (description: string) => ({ description, headers: z.object({ Location: z.string() }) });

const noAuth = { security: [] };
const stub = (summary: string, operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject => ({ tags: ['stub controls'], summary, ...operation });
const dashboardForm = (fields: z.ZodObject, summary: string): ZodOpenApiOperationObject => ({
  tags: ['stub dashboard'],
  summary,
  ...noAuth,
  description: 'Form post from the dashboard: needs the dashboard session cookie and its _csrf token.',
  requestBody: { content: { 'application/x-www-form-urlencoded': { schema: fields.extend({ _csrf: z.string() }) } } },
  responses: { '303': redirect('Back to the dashboard.'), '403': { description: 'No session, or a bad CSRF token.', content: html }, '422': { description: 'The dashboard, with what was wrong.', content: html } },
});

type Paths = Record<string, Record<string, ZodOpenApiOperationObject>>;

/** The Brand Partner API, as the spec describes it. */
function apiPaths(): Paths {
  return {
    '/api/v1/openapi.json': {
      get: { tags: ['meta'], summary: 'This document', ...noAuth, responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } } },
    },
    '/api/v1/orders': {
      post: {
        tags: ['orders'],
        summary: 'Create order',
        description: 'Creates an order and returns a (fake) Stripe Checkout URL. {ORDER_ID} in the return URLs is substituted.',
        requestParams: { header: IdempotencyHeaders },
        requestBody: { content: json(CreateOrderRequest, examples.createOrderExample) },
        responses: { '201': ok('Created', Order, examples.orderExample), ...errors('400', '403', '409', '413', '422', '502') },
      },
      get: {
        tags: ['orders'],
        summary: 'List orders',
        description: 'Cursor-paginated, newest first; next_cursor is null on the last page.',
        requestParams: { query: ListOrdersQuery },
        responses: { '200': ok('A page of orders', OrderList, examples.orderListExample), ...errors('422') },
      },
    },
    '/api/v1/orders/{id}': {
      get: { tags: ['orders'], summary: 'Get order', requestParams: { path: OrderIdPath }, responses: { '200': ok('The order', Order, examples.orderExample), ...errors('404') } },
    },
    '/api/v1/orders/{id}/renew': {
      post: {
        tags: ['orders'],
        summary: 'Renew order',
        description: 'A new order extending the agent of order {id} (deployed or expired) by duration_months. No chat credit.',
        requestParams: { path: OrderIdPath, header: IdempotencyHeaders },
        requestBody: { content: json(RenewOrderRequest, examples.renewOrderExample) },
        responses: { '201': ok('Created', Order), ...errors('400', '403', '404', '409', '413', '422', '502') },
      },
    },
    '/api/v1/revenue': {
      get: { tags: ['revenue'], summary: 'Read revenue', requestParams: { query: RevenueQuery }, responses: { '200': ok('Totals and the latest 200 ledger events', Revenue, examples.revenueExample), ...errors('422') } },
    },
    '/api/v1/partner': {
      get: { tags: ['partner'], summary: 'Get profile', responses: { '200': ok('The partner profile', Partner, examples.partnerExample), ...errors() } },
    },
    '/api/v1/settings': {
      get: { tags: ['settings'], summary: 'Get settings', responses: { '200': ok('The whole non-secret configuration', Settings, examples.settingsExample), ...errors() } },
    },
    '/api/v1/dns/records': {
      post: {
        tags: ['dns'],
        summary: 'Upsert an A-record',
        description: 'No Idempotency-Key needed. subdomain "" or "@" is the apex.',
        requestBody: { content: json(UpsertDnsRecordRequest, examples.dnsUpsertRequestExample) },
        responses: { '200': ok('The records of the FQDN after the duplicate sweep', DnsUpsertResponse, examples.dnsUpsertExample), ...errors('403', '413', '422', '502') },
      },
      get: {
        tags: ['dns'],
        summary: 'List records',
        requestParams: { query: z.object({ name: z.string().optional().meta({ description: 'A label ("www"), dotted labels ("api.eu") or the full FQDN.' }) }) },
        responses: { '200': ok('Every A-record on the apex, or one FQDN', DnsListResponse, examples.dnsListExample), ...errors('422', '502') },
      },
    },
    '/api/v1/dns/records/{id}': {
      delete: {
        tags: ['dns'],
        summary: 'Delete a record',
        description: 'Deleting a record that no longer exists is a success.',
        requestParams: { path: z.object({ id: z.string().meta({ description: 'record_id as GET /dns/records returns it.' }) }) },
        responses: { '200': ok('Deleted', DnsDeleteResponse, examples.dnsDeleteExample), ...errors('403', '422', '502') },
      },
    },
  };
}

const SubscriptionIdPath = z.object({ id: z.string().meta({ description: 'The subscription id (a positive integer).', example: '1' }) });

/** Beyond the published spec: what partners' code already calls (the reference storefront). */
function beyondSpecPaths(): Paths {
  const beyond = 'Not in the published spec: the platform\'s reference storefront (mintbot-ai/partner-portal-example) calls it.';
  return {
    '/api/v1/catalog': {
      get: {
        tags: ['beyond the spec'],
        summary: 'The packages on sale, with resolved prices',
        description: `${beyond} Built from the same catalog as GET /settings pricing and allowed_credit_options (STUB_CATALOG_FILE; default the spec's tiers).`,
        responses: { '200': ok('The catalog', PackageCatalog), ...errors() },
      },
    },
    '/api/v1/subscriptions': {
      post: {
        tags: ['beyond the spec'],
        summary: 'Create a monthly subscription',
        description: `${beyond} No duration_months or credit_usd (any field not listed is a 422 naming it); a trial is never subscribable. Paid on the fake checkout through its first order, then charged every month on the stub clock (card 4000000000009995 pays, then every renewal fails).`,
        requestParams: { header: IdempotencyHeaders },
        requestBody: {
          content: json(CreateSubscriptionRequest, {
            tier: 's2',
            currency: 'usd',
            language: 'en',
            success_url: 'https://your.app/thank-you?session_id={CHECKOUT_SESSION_ID}',
            cancel_url: 'https://your.app/cancel',
            customer_email: 'buyer@example.com',
            product_name: 'AcmeAI Team · monthly',
          }),
        },
        responses: { '201': ok('Created: status pending, with its checkout_url', Subscription), ...errors('400', '403', '409', '413', '422', '502') },
      },
    },
    '/api/v1/subscriptions/{id}': {
      get: { tags: ['beyond the spec'], summary: 'Get a subscription (stub extension)', requestParams: { path: SubscriptionIdPath }, responses: { '200': ok('The subscription', Subscription), ...errors('404') } },
    },
    '/api/v1/subscriptions/{id}/cancel': {
      post: {
        tags: ['beyond the spec'],
        summary: 'Stop renewing (stub extension)',
        description: 'No more renewals; the agent runs to the end of the paid month. Cancelling an unpaid one closes its checkout (order.cancelled); cancelling twice changes nothing; one that has ended is 409.',
        requestParams: { path: SubscriptionIdPath, header: IdempotencyHeaders },
        responses: { '200': ok('The subscription, cancelled', Subscription), ...errors('400', '403', '404', '409') },
      },
    },
  };
}

/** The fake Stripe Checkout (browser pages). */
function checkoutPaths(): Paths {
  return {
    '/checkout/{sessionId}': {
      get: { tags: ['fake checkout'], summary: 'The fake Stripe Checkout page', ...noAuth, requestParams: { path: SessionPath }, responses: { '200': { description: 'Checkout page', content: html }, '404': { description: 'Unknown session', content: html }, '409': { description: 'Already paid or closed', content: html } } },
    },
    '/checkout/{sessionId}/pay': {
      post: {
        tags: ['fake checkout'],
        summary: 'Pay',
        description: 'Card 4000000000000002 is declined (402); 4000000000000341 pays and the deploy fails; 4000000000009995 pays, then a subscription\'s renewals fail; any other 12-19 digits pay. The email field is shown prefilled with customer_email and not stored.',
        ...noAuth,
        requestParams: { path: SessionPath },
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: z.object({ card_number: z.string().meta({ example: '4242 4242 4242 4242' }), email: z.string().optional() }) } } },
        responses: {
          '303': redirect('Paid: on to success_url with {ORDER_ID} and {CHECKOUT_SESSION_ID} replaced.'),
          '402': { description: 'Declined', content: html },
          '404': { description: 'Unknown session', content: html },
          '409': { description: 'Not awaiting payment', content: html },
          '422': { description: 'Not a card number', content: html },
        },
      },
    },
    '/checkout/{sessionId}/cancel': {
      post: { tags: ['fake checkout'], summary: 'Cancel', ...noAuth, requestParams: { path: SessionPath }, responses: { '303': redirect('Cancelled: on to cancel_url.'), '404': { description: 'Unknown session', content: html }, '409': { description: 'Not awaiting payment', content: html } } },
    },
  };
}

/** The stub's dashboard pages and JSON controls. */
function stubPaths(): Paths {
  return {
    '/_stub': {
      get: { tags: ['stub dashboard'], summary: 'Dashboard (or its sign-in form)', ...noAuth, responses: { '200': { description: 'HTML', content: html } } },
    },
    '/_stub/sign-in': {
      post: {
        tags: ['stub dashboard'],
        summary: 'Sign in with the API key',
        ...noAuth,
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: z.object({ api_key: z.string() }) } } },
        responses: { '303': redirect('Signed in: a session cookie is set.'), '401': { description: 'Wrong key', content: html }, '429': { description: 'Too many failed attempts', content: html } },
      },
    },
    '/_stub/sign-out': { post: dashboardForm(z.object({}), 'Sign out') },
    '/_stub/ui/clock': { post: dashboardForm(z.object({ advance_seconds: z.string() }), 'Advance the clock') },
    '/_stub/ui/faults': { post: dashboardForm(z.object({ payment_gateway_error: z.string(), dns_provider_error: z.string() }), 'Arm faults') },
    '/_stub/ui/resend': { post: dashboardForm(z.object({ event_id: z.string() }), 'Resend a delivery') },
    '/_stub/ui/events': { post: dashboardForm(z.object({ order_id: z.string(), type: z.enum(EVENT_TYPES) }), 'Fire an event') },
    '/_stub/ui/reset': { post: dashboardForm(z.object({}), 'Reset the stub') },
    '/_stub/clock': {
      get: stub('Read the stub clock', { responses: { '200': ok('Now, and how far it was moved', ClockState), ...errors() } }),
      post: stub('Advance the stub clock', {
        description: 'Checkout expiry, deploy ends and agent expiry that fell due are applied before it answers; every retry that fell due is sent, in order, without the answer waiting for receivers.',
        requestBody: { content: json(ClockRequest, { advance_seconds: 3600 }) },
        responses: { '200': ok('The clock after the move', ClockState), ...errors('413', '422') },
      }),
    },
    '/_stub/rotate-key': { post: stub('Rotate the API key (the old one is invalid_api_key at once)', { responses: { '200': ok('The new key', RotatedKey), ...errors() } }) },
    '/_stub/payouts': { post: stub('Pay out every unpaid revenue event', { responses: { '200': ok('The payout', Payout), ...errors() } }) },
    '/_stub/faults': {
      get: stub('Read armed faults', { responses: { '200': ok('Calls still to fail, per kind', FaultsState), ...errors() } }),
      post: stub('Arm faults: the next N calls fail with that 502', { requestBody: { content: json(FaultsRequest, { payment_gateway_error: 1 }) }, responses: { '200': ok('Armed faults', FaultsState), ...errors('413', '422') } }),
    },
    '/_stub/dns/records': {
      post: stub('Seed a DNS record without the sweep (to stage a duplicate)', { requestBody: { content: json(UpsertDnsRecordRequest) }, responses: { '201': ok('The record', z.object({ id: z.string(), name: z.string(), destination: z.string() })), ...errors('413', '422') } }),
    },
    '/_stub/reset': { post: stub('Start clean: no orders, deliveries, ledger, DNS records or faults; clock back to real time; the key stays', { responses: { '200': ok('Done', ResetResult), ...errors() } }) },
    '/_stub/requests': { get: stub('The last 1,000 API requests, newest first (the key shows as its 12-character prefix)', { responses: { '200': ok('Requests', RequestLogList), ...errors() } }) },
    '/_stub/deliveries': { get: stub('Webhook deliveries, newest first', { responses: { '200': ok('Deliveries', DeliveryList), ...errors() } }) },
    '/_stub/deliveries/{eventId}': {
      get: stub('One delivery: payload, headers and every attempt', { requestParams: { path: EventIdPath }, responses: { '200': ok('The newest delivery of that event', DeliveryDetail), ...errors('404') } }),
    },
    '/_stub/deliveries/{eventId}/resend': {
      post: stub('Send an event again: same event id and payload bytes, signed anew', { requestParams: { path: EventIdPath }, responses: { '202': ok('The new delivery, due now', DeliveryDetail), ...errors('404') } }),
    },
    '/_stub/events': {
      post: stub('Fire any event for an order (like stripe trigger); the order itself does not change', {
        requestBody: { content: json(FireEventRequest, { order_id: 42, type: 'order.paid' }) },
        responses: { '202': ok('The new delivery, due now', DeliveryDetail), ...errors('404', '413', '422') },
      }),
    },
  };
}

const WebhookHeaders = z.object({
  'X-Mintbot-Signature': z.string().meta({ description: 't=<unix_ts>,v1=<hex HMAC-SHA256(secret, "{t}.{raw_body}")>' }),
  'X-Mintbot-Event-Id': z.string().meta({ description: 'Same on every retry: dedupe on it.', example: 'evt_42_order.paid_1747371234567' }),
  'X-Mintbot-Event-Type': z.enum(EVENT_TYPES),
  'User-Agent': z.literal('mintbot-webhook/1.0'),
});

const WHEN: Record<(typeof EVENT_TYPES)[number], string> = {
  'order.created': 'Stripe Checkout session minted, awaiting payment.',
  'order.paid': 'Stripe confirmed payment. Revenue event recorded.',
  'order.cancelled': 'Order timed out or was explicitly cancelled.',
  'agent.provisioning_started': 'Deploy pipeline started for this order.',
  'agent.ready': 'Deploy succeeded. Payload contains panel_url and expires_at.',
  'agent.failed': 'Deploy pipeline errored. Check the error field for the step that broke.',
  'agent.expired': 'Agent TTL elapsed. The partner may renew via POST /orders/{id}/renew.',
};

function webhooks() {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          tags: ['webhooks'],
          summary: type,
          description: `${WHEN[type]} Sent to the order's webhook_url (else the partner's) and retried 0 s, 30 s, 2 min, 10 min, 1 h, 6 h, 24 h until a 2xx arrives within 10 s.`,
          requestParams: { header: WebhookHeaders },
          // A $ref, not the zod schema: a request body is rendered as input, and this is what the stub sends (output).
          requestBody: {
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/WebhookPayload' },
                ...(type === 'order.paid' ? { examples: { spec: { summary: "The spec's sample (the stub sends the whole order)", value: examples.orderPaidPayloadExample } } } : {}),
              },
            },
          },
          responses: { '200': { description: 'Any 2xx within 10 seconds acknowledges the event.' } },
        },
      },
    ]),
  );
}

/**
 * The stub's OpenAPI 3.1 document, generated from the zod contract (zod-openapi renders the same
 * schemas the routes validate with, so the two cannot drift). Paths are relative to the server:
 * the Brand Partner API under /api/v1, plus the stub's checkout, dashboard and controls.
 */
export function stubOpenApiDocument(): ReturnType<typeof createDocument> {
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'mintbot Brand Partner API (local stub)',
      version: '1.0.0',
      description:
        'The Brand Partner API as the local stub serves it: every endpoint of the spec, plus the fake checkout, the /_stub dashboard and test controls. JSON in, JSON out; bearer auth; Idempotency-Key on every POST under /api/v1 except POST /dns/records; errors in the envelope {"error": {"code", "message", "request_id"}}.',
    },
    servers: [
      { url: 'http://127.0.0.1:8001', description: 'npm run stub (STUB_PORT)' },
      { url: 'https://mint.mintbot.ai', description: 'The live API (the /api/v1 paths only)' },
    ],
    security: [{ bearer: [] }],
    tags: [
      { name: 'orders' }, { name: 'revenue' }, { name: 'partner' }, { name: 'settings' }, { name: 'dns' },
      { name: 'beyond the spec', description: 'Not in the published spec: what partners\' code already calls (catalog, subscriptions), listed in the README\'s "What the stub adds".' },
      { name: 'webhooks', description: 'What the stub POSTs to your receiver.' },
      { name: 'fake checkout', description: 'Stands in for Stripe Checkout (stub only).' },
      { name: 'stub controls', description: 'Test controls (stub only): the API key, no Idempotency-Key.' },
      { name: 'stub dashboard', description: 'HTML pages (stub only).' },
      { name: 'meta' },
    ],
    paths: { ...apiPaths(), ...beyondSpecPaths(), ...checkoutPaths(), ...stubPaths() },
    webhooks: webhooks(),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' } },
      schemas: {
        Order,
        OrderList,
        CreateOrderRequest,
        PackageCatalog,
        CreateSubscriptionRequest,
        Subscription,
        RenewOrderRequest,
        Revenue,
        Partner,
        Settings,
        UpsertDnsRecordRequest,
        DnsUpsertResponse,
        DnsListResponse,
        DnsDeleteResponse,
        ErrorBody: ApiErrorBody,
        WebhookPayload,
        DeliveryItem,
        DeliveryDetail,
        LoggedRequest,
      },
    },
  };
  return createDocument(document, {
    // zod writes ±2^53-1 bounds on every integer; they say nothing to a reader.
    override: ({ jsonSchema }) => {
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
}
