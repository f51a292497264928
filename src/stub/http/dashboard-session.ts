import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ApiKeyRing } from '../domain/api-key.js';

export const SESSION_COOKIE = 'stub_dashboard';
const SESSION_TTL_MS = 12 * 3600 * 1000;
const MAX_SESSIONS = 100;

interface Session {
  csrf: string;
  /** The key signed in with: a rotation signs every dashboard out, as it revokes API callers. */
  key: string;
  expiresAt: number;
}

const sameText = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Dashboard sessions: signing in with the API key sets an HttpOnly, SameSite=Strict cookie
 * scoped to /_stub; every form carries the session's CSRF token. In memory: a restart signs
 * everyone out, which for a test stub is fine.
 */
export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly keys: ApiKeyRing,
    private readonly secureCookie: boolean,
  ) {}

  /** The session's CSRF token when the request carries a live session, else null. */
  current(req: Request): { id: string; csrf: string } | null {
    const id = cookieValue(req, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!id || !session) return null;
    if (session.expiresAt < Date.now() || !this.keys.matches(session.key)) {
      this.sessions.delete(id);
      return null;
    }
    return { id, csrf: session.csrf };
  }

  /** A form post: a live session and its CSRF token, or null. */
  verified(req: Request, token: unknown): { id: string; csrf: string } | null {
    const session = this.current(req);
    return session && typeof token === 'string' && sameText(token, session.csrf) ? session : null;
  }

  signIn(res: Response, key: string): void {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { csrf: randomBytes(32).toString('base64url'), key, expiresAt: Date.now() + SESSION_TTL_MS });
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: '/_stub', secure: this.secureCookie, maxAge: SESSION_TTL_MS });
  }

  signOut(req: Request, res: Response): void {
    const session = this.current(req);
    if (session) this.sessions.delete(session.id);
    res.clearCookie(SESSION_COOKIE, { path: '/_stub' });
  }
}
