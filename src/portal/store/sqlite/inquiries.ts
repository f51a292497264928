import type { Db } from '../db.js';
import { SqlInquiryStore, type SaveInquiry } from '../inquiries.js';
import { INQUIRIES } from '../queries.js';
import type { SqliteSql } from './sql.js';

/** InquiryStore on SQLite: the inquiry and its outbox row in one synchronous transaction. */
export function sqliteInquiryStore(sql: SqliteSql): SqlInquiryStore {
  const db: Db = sql.db;
  const insert = sql.prepare(INQUIRIES.insert);
  const insertOutbox = sql.prepare(INQUIRIES.insertOutbox);
  const tx = db.transaction((params: Parameters<SaveInquiry>[0], notify: boolean): number => {
    const { id } = insert.get(params) as { id: number };
    if (notify) insertOutbox.run({ id, createdAt: params.createdAt });
    return id;
  });
  return new SqlInquiryStore(sql, async (params, notify) => tx(params, notify));
}
