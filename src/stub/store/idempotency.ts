import type { Db } from '../../lib/sqlite.js';

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
}

/** How long a key's response is replayed (spec: "We cache the response for 24 hours"). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export class IdempotencyStore {
  private readonly findStmt;
  private readonly saveStmt;
  private readonly purgeStmt;

  constructor(private readonly db: Db) {
    this.findStmt = db.prepare<[string, number], StoredResponse>(
      'SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ? AND created_at > ?',
    );
    this.saveStmt = db.prepare<[string, string, number, string, number], never>(
      'INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.purgeStmt = db.prepare<[number], never>('DELETE FROM idempotency_keys WHERE created_at <= ?');
  }

  /** The response stored under `key` within the last 24 h of stub time, if any. */
  find(key: string, now: number): StoredResponse | undefined {
    return this.findStmt.get(key, now - IDEMPOTENCY_TTL_MS);
  }

  save(key: string, response: StoredResponse, now: number): void {
    this.saveStmt.run(key, response.fingerprint, response.status, response.body, now);
  }

  purgeExpired(now: number): void {
    this.purgeStmt.run(now - IDEMPOTENCY_TTL_MS);
  }

  clear(): void {
    this.db.exec('DELETE FROM idempotency_keys');
  }
}
