import { Router } from 'express';
import { z } from 'zod';
import { UpsertDnsRecordRequest } from '../../contract/index.js';
import type { StubContext } from '../context.js';
import { validationError } from '../domain/api-error.js';
import { parseBody, parseId, parseQuery } from '../http/body.js';
import { requireLivePartner } from '../http/partner-status.js';

const ListQuery = z.object({ name: z.string({ error: 'must be given once' }).max(253, { error: 'must be at most 253 characters' }).optional() });

/**
 * GET/POST /dns/records, DELETE /dns/records/{id}. No Idempotency-Key here: upserts converge on
 * their own (spec). Each call checks the partner's DNS setup first, then its input.
 */
export function dnsRouter(ctx: StubContext): Router {
  const router = Router();
  const { dns } = ctx;
  const live = requireLivePartner(ctx.config);

  router.get('/dns/records', (req, res) => {
    dns.requireConfigured();
    res.json(dns.list(parseQuery(ListQuery, req.query).name));
  });

  router.post('/dns/records', live, (req, res) => {
    dns.requireConfigured();
    const { subdomain, ip } = parseBody(UpsertDnsRecordRequest, req.body);
    res.json(ctx.store.transaction(() => dns.upsert(subdomain, ip)));
  });

  router.delete('/dns/records/:id', live, (req, res) => {
    dns.requireConfigured();
    const id = parseId(req.params.id);
    if (id === null) throw validationError('record_id: must be a numeric record id as returned by GET /dns/records');
    res.json(dns.delete(id));
  });

  return router;
}
