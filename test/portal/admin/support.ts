import type { Db } from '../../../src/portal/store/db.js';

export const ADMIN = { user: 'admin', password: 'correct-horse-battery' };

/** Inserts events straight into the store (fast seeding for pagination and filters). */
export function seedEvents(db: Db, events: Array<{ eventId: string; type: string; apiOrderId?: number | null; externalId?: string | null; payload?: string }>): void {
  const insert = db.prepare('INSERT INTO webhook_events (event_id, event_type, api_order_id, external_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    events.forEach((e, i) => void insert.run(e.eventId, e.type, e.apiOrderId ?? null, e.externalId ?? null, e.payload ?? '{"id":1}', Date.UTC(2026, 4, 16, 10, 0, i)));
  })();
}

export function seedInquiry(db: Db, values: { name: string; email: string; company?: string | null; website?: string | null; type?: string; message: string; fastTrack?: boolean }): void {
  db.prepare('INSERT INTO inquiries (name, email, company, website, type, message, fast_track, client_ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    values.name,
    values.email,
    values.company ?? null,
    values.website ?? null,
    values.type ?? 'general',
    values.message,
    values.fastTrack ? 1 : 0,
    '127.0.0.1',
    Date.now(),
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
