import { RollingWindowLimiter } from '../../lib/rate-limit.js';
import type { PortalDeps } from '../deps.js';
import { honeypotFilled, isFastTrack, SUCCESS_MESSAGES, validateInquiry, type FieldError } from './inquiry.js';
import type { InquiryStore } from './store.js';

export interface SuccessBody {
  success: true;
  fastTrack: boolean;
  message: string;
}

export type SubmitOutcome =
  | { kind: 'accepted'; body: SuccessBody; inquiryId: number | undefined }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'failed' };

export const FAILED_MESSAGE = 'Failed to send message';

export function successBody(fastTrack: boolean): SuccessBody {
  return { success: true, fastTrack, message: fastTrack ? SUCCESS_MESSAGES.fastTrack : SUCCESS_MESSAGES.standard };
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `Rate limit exceeded - please try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`;
}


/**
 * The one path every inquiry takes, from the JSON API and from the page's form alike:
 * rate limit → validation → honeypot → store (inquiry + outbox row in one transaction).
 *
 * Only inquiries that pass validation count against the per-IP limit, so a person fixing a typo
 * is not locked out; a client already over the limit is refused before its body is looked at.
 */
export class InquiryService {
  private readonly limiter: RollingWindowLimiter;
  private readonly store: InquiryStore;
  private readonly now: () => number;

  constructor(
    private readonly deps: Pick<PortalDeps, 'config' | 'logger' | 'stores'>,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.limiter = new RollingWindowLimiter(deps.config.inquiryRateLimit, deps.config.inquiryRateWindowMs, this.now);
    this.store = deps.stores.inquiries;
  }

  /** `ip` is the client's address as clientIp() gives it. */
  async submit(body: unknown, ip: string | undefined, reqId: string): Promise<SubmitOutcome> {
    const key = ip ?? 'unknown';
    const early = this.limiter.peek(key);
    if (!early.allowed) return this.rateLimited(reqId, key, early.retryAfterSeconds);

    const result = validateInquiry(body);
    if (!result.ok) {
      this.deps.logger.info({ reqId, fields: result.errors.map((e) => e.field ?? 'body') }, 'inquiry refused: invalid');
      return { kind: 'invalid', errors: result.errors };
    }

    const decision = this.limiter.hit(key);
    if (!decision.allowed) return this.rateLimited(reqId, key, decision.retryAfterSeconds);

    const fastTrack = isFastTrack(result.inquiry);
    if (honeypotFilled(body)) {
      // A bot: it gets the answer a person would get, and nothing is stored or sent.
      this.deps.logger.info({ reqId }, 'inquiry dropped: honeypot filled');
      return { kind: 'accepted', body: successBody(fastTrack), inquiryId: undefined };
    }

    try {
      const inquiryId = await this.store.save(
        { ...result.inquiry, fastTrack, clientIp: ip ?? null, createdAt: this.now() },
        this.deps.config.inquiryNotifyUrl !== undefined,
      );
      this.deps.logger.info({ reqId, inquiryId, type: result.inquiry.type, fastTrack }, 'inquiry stored');
      return { kind: 'accepted', body: successBody(fastTrack), inquiryId };
    } catch (err) {
      this.deps.logger.error({ reqId, err }, 'inquiry could not be stored');
      return { kind: 'failed' };
    }
  }

  private rateLimited(reqId: string, clientIp: string, retryAfterSeconds: number): SubmitOutcome {
    this.deps.logger.info({ reqId, clientIp, retryAfterSeconds }, 'inquiry refused: rate limited');
    return { kind: 'rate_limited', retryAfterSeconds };
  }
}
