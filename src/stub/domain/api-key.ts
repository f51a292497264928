import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyStore } from '../store/api-key.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The partner's single API key. Rotation revokes the previous key at once (no grace window) and
 * is stored, so a restart keeps the rotated key. A different STUB_API_KEY than the one the stored
 * key descends from is the operator's new choice and wins.
 */
export class ApiKeyRing {
  private key: string;
  private keyDigest: Buffer;
  private created: number;

  constructor(
    configured: string,
    now: number,
    private readonly store: ApiKeyStore,
  ) {
    const configuredDigest = digest(configured).toString('hex');
    const stored = store.get();
    if (stored && stored.configured_digest === configuredDigest) {
      this.key = stored.key;
      this.created = stored.created_at;
    } else {
      this.key = configured;
      this.created = now;
      store.set({ key: configured, created_at: now, configured_digest: configuredDigest });
    }
    this.keyDigest = digest(this.key);
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
    const key = `mo_test_${randomBytes(16).toString('hex')}`;
    const stored = this.store.get()!;
    this.store.set({ ...stored, key, created_at: now });
    this.key = key;
    this.keyDigest = digest(key);
    this.created = now;
    return key;
  }
}
