import type { HealthProbe } from '../health.js';
import type { Db } from '../db.js';

export class SqliteHealthProbe implements HealthProbe {
  // Reads the schema from the file: a closed or unreadable database throws, a held write lock
  // does not block it (WAL readers never wait for the writer).
  private readonly read;

  constructor(db: Db) {
    this.read = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sqlite_schema');
  }

  async check(): Promise<boolean> {
    return (this.read.get()?.n ?? 0) > 0;
  }
}
