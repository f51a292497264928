import { once } from 'node:events';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { formatApiTime } from '../../contract/index.js';
import { money, statusName } from './labels.js';
import type { InquiryRow, OrderRow } from './queries.js';

/**
 * CSV exports for spreadsheets. csv-stringify does the quoting (commas, quotes, line breaks) and
 * `escape_formulas` neutralises cells a spreadsheet would run (starting with = + - @, tab, CR):
 * names, messages and external ids come from outside.
 */
const utc = (ms: number | null) => (ms === null ? '' : `${formatApiTime(ms)} UTC`);

type Column<Row> = [header: string, value: (row: Row) => string | number | null];

const ORDER_COLUMNS: Array<Column<OrderRow>> = [
  ['reference', (o) => o.ref],
  ['mintbot_id', (o) => o.api_order_id],
  ['status', (o) => statusName(o.status)],
  ['tier', (o) => o.tier],
  ['months', (o) => o.duration_months],
  ['credit_usd', (o) => o.credit_usd],
  ['amount', (o) => (o.amount_cents === null ? '' : money(o.amount_cents, o.currency))],
  ['amount_cents', (o) => o.amount_cents],
  ['currency', (o) => (o.currency ?? '').toUpperCase()],
  ['renews', (o) => o.renews_ref],
  ['paid_at', (o) => (o.paid_at ? `${o.paid_at} UTC` : '')],
  ['expires_at', (o) => (o.expires_at ? `${o.expires_at} UTC` : '')],
  ['panel_url', (o) => o.panel_url],
  ['error', (o) => [o.error_step, o.error_message].filter(Boolean).join(': ')],
  ['created_at', (o) => utc(o.created_at)],
  ['updated_at', (o) => utc(o.updated_at)],
];

const INQUIRY_COLUMNS: Array<Column<InquiryRow>> = [
  ['id', (q) => q.id],
  ['received_at', (q) => utc(q.created_at)],
  ['name', (q) => q.name],
  ['email', (q) => q.email],
  ['company', (q) => q.company],
  ['website', (q) => q.website],
  ['type', (q) => q.type],
  ['fast_track', (q) => (q.fast_track ? 'yes' : 'no')],
  ['message', (q) => q.message],
  ['handled_at', (q) => utc(q.handled_at)],
  ['handled_by', (q) => q.handled_by],
];

const BATCH = 500;

/** Writes the rows in batches, waiting whenever the client reads slower than we write. */
async function send<Row>(res: Response, filename: string, columns: Array<Column<Row>>, rows: AsyncIterable<Row>): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  // A bare LF or CR inside a value is quoted too (csv-stringify quotes only the record delimiter by default).
  const options = { escape_formulas: true, record_delimiter: 'windows' as const, quoted_match: /[\r\n]/ };
  // A BOM so spreadsheet programs read the file as UTF-8 (names are not all ASCII).
  res.write('\uFEFF' + stringify([columns.map(([h]) => h)], options));
  let batch: Array<Array<string | number | null>> = [];
  const flush = async () => {
    if (!res.write(stringify(batch, options))) await once(res, 'drain');
    batch = [];
  };
  for await (const row of rows) {
    batch.push(columns.map(([, value]) => value(row)));
    if (batch.length === BATCH) await flush();
  }
  if (batch.length) await flush();
  res.end();
}

export function sendOrdersCsv(res: Response, rows: AsyncIterable<OrderRow>, now: number): Promise<void> {
  return send(res, `orders-${formatApiTime(now).slice(0, 10)}.csv`, ORDER_COLUMNS, rows);
}

export function sendInquiriesCsv(res: Response, rows: AsyncIterable<InquiryRow>, now: number): Promise<void> {
  return send(res, `inquiries-${formatApiTime(now).slice(0, 10)}.csv`, INQUIRY_COLUMNS, rows);
}
