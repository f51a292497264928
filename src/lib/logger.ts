import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Secrets are redacted by path as a second line of defence; the first is
 * never putting them in a log call.
 */
export function createLogger(level: LevelWithSilent | string = 'info', name?: string): Logger {
  return pino({
    level,
    ...(name ? { name } : {}),
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'apiKey',
        'api_key',
        'secret',
        'password',
      ],
      censor: '[redacted]',
    },
  });
}
