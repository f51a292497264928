import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The partner's single API key. Rotation revokes the previous key at once (no grace window). */
export class ApiKeyRing {
  private key: string;
  private keyDigest: Buffer;
  private created: number;

  constructor(initial: string, createdAt: number) {
    this.key = initial;
    this.keyDigest = digest(initial);
    this.created = createdAt;
  }

  current(): string {
    return this.key;
  }

  /** Spec shows 12 characters: `mo_live_a12b`. */
  prefix(): string {
    return this.key.slice(0, 12);
  }

  createdAt(): number {
    return this.created;
  }

  /** Constant-time: both sides are hashed to equal-length digests first. */
  matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.keyDigest);
  }

  rotate(now: number): string {
    this.key = `mo_test_${randomBytes(16).toString('hex')}`;
    this.keyDigest = digest(this.key);
    this.created = now;
    return this.key;
  }
}
