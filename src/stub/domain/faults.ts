export type FaultKind = 'payment_gateway_error' | 'dns_provider_error';

/** Upstream failures armed by `POST /_stub/faults`: the next N calls of a kind fail. */
export class Faults {
  private readonly remaining: Record<FaultKind, number> = { payment_gateway_error: 0, dns_provider_error: 0 };

  arm(counts: Partial<Record<FaultKind, number>>): void {
    for (const [kind, count] of Object.entries(counts) as [FaultKind, number][]) this.remaining[kind] = count;
  }

  /** Whether this call should fail; counts it down if so. */
  take(kind: FaultKind): boolean {
    if (this.remaining[kind] <= 0) return false;
    this.remaining[kind] -= 1;
    return true;
  }

  snapshot(): Record<FaultKind, number> {
    return { ...this.remaining };
  }
}
