import { KV } from './queries.js';
import type { Sql } from './sql.js';

/** The kv table: small values the portal keeps across restarts (settings, the CSRF key). */
export interface KvStore {
  get(key: string): Promise<{ value: string; updatedAt: number } | undefined>;
  put(key: string, value: string, now: number): Promise<void>;
  /** Stores `value` unless the key has one; resolves with the value that is stored (first writer wins). */
  putIfAbsent(key: string, value: string, now: number): Promise<string>;
  delete(key: string): Promise<void>;
  /**
   * Takes or renews the lease `key` for `holder` (one job that one process runs at a time):
   * true when `holder` has it now, for `ttlMs` unless renewed.
   */
  lease(key: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
}

export class SqlKvStore implements KvStore {
  constructor(private readonly sql: Sql) {}

  async get(key: string): Promise<{ value: string; updatedAt: number } | undefined> {
    const row = await this.sql.get<{ value: string; updated_at: number }>(KV.get, { key });
    return row && { value: row.value, updatedAt: row.updated_at };
  }

  async put(key: string, value: string, now: number): Promise<void> {
    await this.sql.run(KV.put, { key, value, now });
  }

  async putIfAbsent(key: string, value: string, now: number): Promise<string> {
    await this.sql.run(KV.putIfAbsent, { key, value, now });
    return (await this.get(key))!.value;
  }

  async delete(key: string): Promise<void> {
    await this.sql.run(KV.delete, { key });
  }

  async lease(key: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return (await this.sql.run(KV.lease, { key, value: holder, now, expired: now - ttlMs })) === 1;
  }
}
