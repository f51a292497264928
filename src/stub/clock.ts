/**
 * The stub's notion of "now": real time plus an offset that only grows, moved by
 * `POST /_stub/clock` so tests can jump over 24 h checkout expiry or an agent's lifetime.
 * `POST /_stub/reset` alone puts it back to real time.
 * Webhook signatures never use it: they carry real wall time (DESIGN.md).
 */
export class StubClock {
  constructor(private offset = 0) {}

  now(): number {
    return Date.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  advance(seconds: number): void {
    this.offset += Math.round(seconds * 1000);
  }

  reset(): void {
    this.offset = 0;
  }
}
