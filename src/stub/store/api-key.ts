import type { Db } from '../../lib/sqlite.js';

export interface ApiKeyRow {
  key: string;
  created_at: number;
  /** SHA-256 (hex) of the STUB_API_KEY this key descends from, to tell a rotation from a new setting. */
  configured_digest: string;
}

/** The partner's one API key (the stub's test key, kept so a rotation survives a restart). */
export class ApiKeyStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[], ApiKeyRow>('SELECT key, created_at, configured_digest FROM api_key WHERE id = 1');
    this.setStmt = db.prepare<ApiKeyRow, never>(
      'INSERT OR REPLACE INTO api_key (id, key, created_at, configured_digest) VALUES (1, @key, @created_at, @configured_digest)',
    );
  }

  get(): ApiKeyRow | undefined {
    return this.getStmt.get();
  }

  set(row: ApiKeyRow): void {
    this.setStmt.run(row);
  }
}
