import type pg from 'pg';
import { SqlInquiryStore } from '../inquiries.js';
import { INQUIRIES } from '../queries.js';
import { PgSql, transaction } from './sql.js';

/** InquiryStore on PostgreSQL: claims skip rows another process is claiming at that moment. */
export function pgInquiryStore(pool: pg.Pool): SqlInquiryStore {
  return new SqlInquiryStore(
    new PgSql(pool),
    (params, notify) =>
      transaction(pool, async (tx) => {
        const { id } = (await tx.get<{ id: number }>(INQUIRIES.insert, params))!;
        if (notify) await tx.run(INQUIRIES.insertOutbox, { id, createdAt: params.createdAt });
        return id;
      }),
    'FOR UPDATE SKIP LOCKED',
  );
}
