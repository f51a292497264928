/** GET /healthz's database check: a real write and read back, so a read-only or full disk shows. */
export interface HealthProbe {
  /** Resolves true when the write and the read-back both worked; rejects when the database fails. */
  check(): Promise<boolean>;
}
