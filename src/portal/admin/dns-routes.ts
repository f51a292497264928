import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { PortalDeps } from '../deps.js';
import { describeFailure } from './partner.js';
import { optional, type AdminContext } from './context.js';

const DnsQuery = z.object({
  saved: optional(z.string().regex(/^[A-Za-z0-9._@-]{1,253}$/)),
  deleted: optional(z.string().regex(/^[A-Za-z0-9._-]{1,253}$/)),
});
const DnsUpsertForm = z.object({
  subdomain: z.string().max(253).default(''),
  ip: z.string().max(64).default(''),
});
const RecordId = z.object({ id: z.string().min(1).max(100) });
/** `name` only words the flash message after the delete; anything odd falls back to the id. */
const DeleteForm = RecordId.extend({ name: z.string().regex(/^[A-Za-z0-9._-]{1,253}$/).optional().catch(undefined) });

/**
 * /admin/dns: A-records through mintbot's DNS proxy. Deleting takes two steps that work without
 * JavaScript: the list links to a confirmation page naming the record, whose form deletes it.
 */
export function dnsRoutes(deps: PortalDeps, page: AdminContext['page']): Router {
  const { api, logger } = deps;
  const router = Router();

  async function listPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const list = await api.listDnsRecords();
    await page(
      req,
      res,
      'dns',
      {
        title: 'DNS',
        tab: 'dns',
        list: list.ok ? list.value : null,
        listError: list.ok ? null : describeFailure('DNS records', list.error),
        values: { subdomain: '', ip: '' },
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const query = DnsQuery.safeParse(req.query);
    const flash = !query.success ? null : query.data.saved ? `Saved the A-record for ${query.data.saved}.` : query.data.deleted ? `Deleted the A-record for ${query.data.deleted}.` : null;
    await listPage(req, res, { flash });
  });

  router.post('/', async (req, res) => {
    const parsed = DnsUpsertForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      return listPage(req, res, { formError: 'Subdomain and IP must be short text fields.' }, 400);
    }
    const values = { subdomain: parsed.data.subdomain.trim(), ip: parsed.data.ip.trim() };
    const result = await api.upsertDnsRecord(values);
    if (result.ok) {
      logger.info({ reqId: req.id, fqdn: result.value.fqdn }, 'admin: DNS record upserted');
      return res.redirect(303, `/admin/dns?saved=${encodeURIComponent(result.value.fqdn)}`);
    }
    const error = result.error;
    const status = error.kind === 'rejected' && error.status < 500 ? 422 : 502;
    const formError = error.kind === 'rejected' ? error.message : describeFailure('Saving the record', error);
    await listPage(req, res, { values, formError }, status);
  });

  // Step 1: which record, by name and destination, read from mintbot (never from the link).
  router.get('/delete', async (req, res) => {
    const parsed = RecordId.safeParse(req.query);
    if (!parsed.success) return listPage(req, res, { deleteError: 'Pick a record to delete.' }, 400);
    const list = await api.listDnsRecords();
    if (!list.ok) return listPage(req, res, { deleteError: describeFailure('Looking up the record', list.error) }, 502);
    const record = list.value.items.find((r) => r.id === parsed.data.id);
    if (!record) return listPage(req, res, { deleteError: 'That record is not there any more: it may have been deleted already.' }, 404);
    await page(req, res, 'dns-delete', { title: `Delete ${record.name}?`, tab: 'dns', record, apex: list.value.apex });
  });

  // Step 2: the confirmation form.
  router.post('/delete', async (req, res) => {
    const parsed = DeleteForm.safeParse(req.body ?? {});
    if (!parsed.success) return listPage(req, res, { deleteError: 'Pick a record to delete.' }, 400);
    const result = await api.deleteDnsRecord(parsed.data.id);
    if (result.ok) {
      logger.info({ reqId: req.id, id: parsed.data.id }, 'admin: DNS record deleted');
      return res.redirect(303, `/admin/dns?deleted=${encodeURIComponent(parsed.data.name ?? result.value.id)}`);
    }
    const status = result.error.kind === 'rejected' && result.error.status < 500 ? 422 : 502;
    await listPage(req, res, { deleteError: describeFailure('Deleting the record', result.error) }, status);
  });

  return router;
}
