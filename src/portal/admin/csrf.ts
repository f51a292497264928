import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { KvStore } from '../store/kv.js';

const KV_KEY = 'admin_csrf_key';
/** A token is good for the window it was issued in and the next one (so 1-2 hours). */
export const CSRF_WINDOW_MS = 60 * 60 * 1000;
export const CSRF_FIELD = '_csrf';

/**
 * Session-less CSRF tokens for the admin forms: `<window>.<HMAC(key, window + Basic username)>`.
 * The key is random, kept in the kv table so tokens survive a restart and hold on every process. Basic credentials are sent
 * by the browser on cross-site requests too, so every admin POST must carry one of these.
 */
export class CsrfTokens {
  private constructor(
    private readonly key: Buffer,
    private readonly now: () => number,
  ) {}

  /** The key from the store, made on first use (processes sharing a database share it). */
  static async open(kv: KvStore, now: () => number = Date.now): Promise<CsrfTokens> {
    const value = await kv.putIfAbsent(KV_KEY, randomBytes(32).toString('hex'), Date.now());
    return new CsrfTokens(Buffer.from(value, 'hex'), now);
  }

  issue(username: string): string {
    const window = Math.floor(this.now() / CSRF_WINDOW_MS);
    return `${window}.${this.mac(window, username).toString('base64url')}`;
  }

  check(username: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const window = Number(match[1]);
    const current = Math.floor(this.now() / CSRF_WINDOW_MS);
    if (window !== current && window !== current - 1) return false;
    const given = Buffer.from(match[2]!, 'base64url');
    const expected = this.mac(window, username);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(window: number, username: string): Buffer {
    return createHmac('sha256', this.key).update(`admin-csrf\n${window}\n${username}`).digest();
  }
}

/**
 * Whether a state-changing request comes from our own pages: a present Origin (or, without one,
 * Referer) must be this site's. "null" and unparsable values are foreign. Neither header: the
 * token alone decides.
 */
export function sameOrigin(req: Request, publicBaseUrl: string): boolean {
  const allowed = new Set([new URL(publicBaseUrl).origin]);
  const host = req.headers.host;
  if (host) allowed.add(`${req.protocol}://${host}`);
  const origin = req.headers.origin;
  if (origin !== undefined) return allowed.has(origin);
  const referer = req.headers.referer;
  if (referer !== undefined) {
    if (!URL.canParse(referer)) return false;
    return allowed.has(new URL(referer).origin);
  }
  return true;
}
