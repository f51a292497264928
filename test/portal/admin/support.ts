import type { Portal } from '../../../src/portal/index.js';
import { sqlOf } from '../../support/database.js';

type WithDb = Pick<Portal, 'database'>;

export const ADMIN = { user: 'admin', password: 'correct-horse-battery' };

/** Inserts events straight into the store (fast seeding for pagination and filters). */
export async function seedEvents(portal: WithDb, events: Array<{ eventId: string; type: string; apiOrderId?: number | null; externalId?: string | null; payload?: string }>): Promise<void> {
  const insert = 'INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at) VALUES (@eventId, @type, @apiOrderId, @externalId, @payload, @at)';
  for (const [i, e] of events.entries()) {
    await sqlOf(portal).run(insert, { eventId: e.eventId, type: e.type, apiOrderId: e.apiOrderId ?? null, externalId: e.externalId ?? null, payload: e.payload ?? '{"id":1}', at: Date.UTC(2026, 4, 16, 10, 0, i) });
  }
}

export async function seedInquiry(portal: WithDb, values: { name: string; email: string; company?: string | null; website?: string | null; type?: string; message: string; fastTrack?: boolean }): Promise<void> {
  await sqlOf(portal).run(
    'INSERT INTO inquiries (name, email, company, website, type, message, fast_track, client_ip, created_at) VALUES (@name, @email, @company, @website, @type, @message, @fastTrack, @ip, @at)',
    {
      name: values.name,
      email: values.email,
      company: values.company ?? null,
      website: values.website ?? null,
      type: values.type ?? 'general',
      message: values.message,
      fastTrack: values.fastTrack ? 1 : 0,
      ip: '127.0.0.1',
      at: Date.now(),
    },
  );
}

/** The event ids shown on an admin events page, in page order. */
export function shownEventIds(html: string): string[] {
  return [...html.matchAll(/<code class="event-id">([^<]*)<\/code>/g)].map((m) => m[1]!);
}

/** The CSRF token of the first admin form on a page. */
export function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1]!;
}

/** The href of a pager link by its label ("Older", "Newer", "Newest", "Oldest"). */
export function pagerLink(html: string, label: string): string | undefined {
  const match = new RegExp(`<a class="button secondary" href="([^"]+)"[^>]*>[^<]*${label}`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&');
}
