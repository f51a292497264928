/**
 * GET /healthz's database check: can the portal serve? A read, never a write, so another process
 * holding the write lock (a backup, a migration) degrades webhooks but does not fail the probe.
 */
export interface HealthProbe {
  /** Resolves true when a read of the database worked; rejects when the database is unusable (closed, unreadable). */
  check(): Promise<boolean>;
}
