import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';

const KV_KEY = 'admin_device_key';
export const DEVICE_COOKIE = 'admin_device';
const COOKIE_PATTERN = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?:;|$)`);

/**
 * "This browser has signed in as this admin before": a random id and an HMAC of it with the
 * username, set after a successful sign-in. It is not a credential (the password is still
 * checked); it only lets the admin's own browser through while someone else's guesses have the
 * username or the shared address throttled. The key lives in the kv table.
 */
export class DeviceCookies {
  private readonly key: Buffer;

  constructor(db: Db) {
    db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING').run(KV_KEY, randomBytes(32).toString('hex'), Date.now());
    const row = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(KV_KEY)!;
    this.key = Buffer.from(row.value, 'hex');
  }

  /** A new cookie value for `username`. */
  issue(username: string): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.mac(id, username).toString('base64url')}`;
  }

  /** The device id when the Cookie header holds a valid cookie for `username`, else null. */
  idFrom(cookieHeader: string | undefined, username: string): string | null {
    const match = cookieHeader ? COOKIE_PATTERN.exec(cookieHeader) : null;
    if (!match) return null;
    const [id, mac] = match[1]!.split('.') as [string, string];
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(id, username);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  private mac(id: string, username: string): Buffer {
    return createHmac('sha256', this.key).update(`admin-device\n${id}\n${username}`).digest();
  }
}
