import type { FaultStore } from '../store/faults.js';

export const FAULT_KINDS = ['payment_gateway_error', 'dns_provider_error'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Upstream failures armed by `POST /_stub/faults`: the next N calls of a kind fail. Kept in the
 * stub's database, so a fault armed before a restart still fires after it.
 */
export class Faults {
  private readonly remaining: Record<FaultKind, number>;

  constructor(private readonly store: FaultStore) {
    const armed = store.all();
    this.remaining = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, armed.get(kind) ?? 0])) as Record<FaultKind, number>;
  }

  arm(counts: Partial<Record<FaultKind, number>>): void {
    for (const [kind, count] of Object.entries(counts) as [FaultKind, number][]) {
      this.remaining[kind] = count;
      this.store.set(kind, count);
    }
  }

  /**
   * Whether this call should fail; counts it down if so. A fault fires inside the request's
   * transaction, which its own error rolls back, so the new count is stored just after it.
   */
  take(kind: FaultKind): boolean {
    if (this.remaining[kind] <= 0) return false;
    const left = --this.remaining[kind];
    queueMicrotask(() => this.store.set(kind, left));
    return true;
  }

  snapshot(): Record<FaultKind, number> {
    return { ...this.remaining };
  }

  /** POST /_stub/reset (the store's rows go with the rest of the data). */
  forget(): void {
    for (const kind of FAULT_KINDS) this.remaining[kind] = 0;
  }
}
