import type { RateStore } from '../limits/store.js';

/** Failed sign-ins are remembered this long. */
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;
/** The longest back-off between two tries. */
const MAX_WAIT_SECONDS = 15 * 60;

/**
 * Failures allowed in the window before each further try waits 2, 4, 8 … seconds after the last
 * failure. `pair` is one address guessing one username; `user` is one username from any address
 * (guesses spread over many addresses); `address` is one address over any username.
 */
const FREE_FAILURES = { pair: 5, device: 5, user: 20, address: 50 } as const;
export type SignInScope = keyof typeof FREE_FAILURES;

export interface SignInAttempt {
  ip: string;
  username: string;
  /** Set when the browser carries a valid admin_device cookie for this username. */
  device: string | null;
}

export interface SignInWait {
  scope: SignInScope;
  seconds: number;
}

/**
 * Back-off for admin sign-in, kept in the database (rate_hits) so it holds across processes and
 * restarts. A browser that has signed in as this admin before is counted on its own (its device
 * id), so someone else's wrong guesses — at another address, or behind the same proxy — never
 * lock the right password out of it. Other browsers are throttled per address + username, per
 * username and per address.
 */
export class SignInLimits {
  constructor(
    private readonly rates: RateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long this attempt must wait before its password is even checked (undefined: go ahead). */
  async wait(attempt: SignInAttempt): Promise<SignInWait | undefined> {
    let longest: SignInWait | undefined;
    for (const [scope, bucket] of buckets(attempt)) {
      const seen = await this.rates.history(bucket, SIGNIN_WINDOW_MS);
      const free = FREE_FAILURES[scope];
      if (seen.count < free || seen.newest === null) continue;
      const backoff = Math.min(2 ** (seen.count - free + 1), MAX_WAIT_SECONDS);
      const seconds = Math.ceil((seen.newest + backoff * 1000 - this.now()) / 1000);
      if (seconds > 0 && (!longest || seconds > longest.seconds)) longest = { scope, seconds };
    }
    return longest;
  }

  async failed(attempt: SignInAttempt): Promise<void> {
    for (const [, bucket] of buckets(attempt)) await this.rates.record(bucket, SIGNIN_WINDOW_MS);
  }

  /** The right password: this browser's (or this address's) own failures are forgotten. */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    const own = buckets(attempt)[0]![1];
    if ((await this.rates.history(own, SIGNIN_WINDOW_MS)).count > 0) await this.rates.clear(own);
  }
}

function buckets(a: SignInAttempt): Array<[SignInScope, string]> {
  const user = a.username.slice(0, 100);
  if (a.device) return [['device', `signin:device:${a.device}`]];
  return [
    ['pair', `signin:pair:${a.ip}\n${user}`],
    ['user', `signin:user:${user}`],
    ['address', `signin:ip:${a.ip}`],
  ];
}
