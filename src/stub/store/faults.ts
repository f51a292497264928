import type { Db } from '../../lib/sqlite.js';

/** Armed upstream failures (`POST /_stub/faults`): kind → how many calls are still to fail. */
export class FaultStore {
  private readonly setStmt;
  private readonly allStmt;

  constructor(private readonly db: Db) {
    this.setStmt = db.prepare<[string, number], never>('INSERT OR REPLACE INTO faults (kind, remaining) VALUES (?, ?)');
    this.allStmt = db.prepare<[], { kind: string; remaining: number }>('SELECT kind, remaining FROM faults');
  }

  set(kind: string, remaining: number): void {
    this.setStmt.run(kind, remaining);
  }

  all(): Map<string, number> {
    return new Map(this.allStmt.all().map((row) => [row.kind, row.remaining]));
  }

  clear(): void {
    this.db.exec('DELETE FROM faults');
  }
}
