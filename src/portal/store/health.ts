import { hostname } from 'node:os';
import { KV } from './queries.js';
import type { Sql } from './sql.js';

/** GET /healthz's database check: a real write and read back, so a read-only or full disk shows. */
export interface HealthProbe {
  /** Resolves true when the write and the read-back both worked; rejects when the database fails. */
  check(): Promise<boolean>;
}

/** The probe on either database: a kv row only this process writes (processes may share the database). */
export class SqlHealthProbe implements HealthProbe {
  private readonly key = `healthz:${hostname()}:${process.pid}`;

  constructor(private readonly sql: Sql) {}

  async check(): Promise<boolean> {
    const value = String(process.hrtime.bigint());
    await this.sql.run(KV.put, { key: this.key, value, now: Date.now() });
    return (await this.sql.get<{ value: string }>(KV.get, { key: this.key }))?.value === value;
  }
}
