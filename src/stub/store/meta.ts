import type { Db } from '../../lib/sqlite.js';

/** Small facts that must survive a restart: when the fake partner was created, the clock offset. */
export class MetaStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.setStmt = db.prepare<[string, string], never>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  /** The stored value, storing `initial()` first if there is none. */
  getOrInit(key: string, initial: () => string): string {
    const value = this.get(key);
    if (value !== undefined) return value;
    const fresh = initial();
    this.set(key, fresh);
    return fresh;
  }
}
