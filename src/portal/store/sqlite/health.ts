import type { HealthProbe } from '../health.js';
import type { Db } from '../db.js';

export class SqliteHealthProbe implements HealthProbe {
  private readonly write;
  private readonly read;

  constructor(db: Db) {
    this.write = db.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('healthz', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
    this.read = db.prepare<[], { value: string }>("SELECT value FROM kv WHERE key = 'healthz'");
  }

  async check(): Promise<boolean> {
    const token = String(process.hrtime.bigint());
    this.write.run(token, Date.now());
    return this.read.get()?.value === token;
  }
}
