/** How deep JSON bodies may nest. Real API and webhook bodies nest 3-4 levels. */
export const MAX_JSON_DEPTH = 100;

export const TOO_DEEP_MESSAGE = `must not be nested more than ${MAX_JSON_DEPTH} levels deep`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text opens more than `max` objects/arrays inside each other, counted on the raw
 * bytes in one loop (brackets inside strings do not count), so it is safe to run before anything
 * that walks the parsed value recursively. Malformed text is left for the parser to refuse.
 */
export function jsonNestedDeeperThan(text: Buffer | string, max: number = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // Fewer than `max` brackets in all cannot nest deeper: counted natively, this settles almost
  // every real body (a webhook has 3-5) without the byte loop below.
  if (countUpTo(bytes, OPEN_BRACE, max) + countUpTo(bytes, OPEN_BRACKET, max) <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** How often `byte` occurs in `bytes`, counting no further than `limit` + 1. */
function countUpTo(bytes: Buffer, byte: number, limit: number): number {
  let count = 0;
  for (let i = bytes.indexOf(byte); i !== -1 && count <= limit; i = bytes.indexOf(byte, i + 1)) count++;
  return count;
}

/**
 * A body-parser `verify` hook that refuses too-deep JSON before it is parsed. The error carries
 * type `entity.too.deep` and status 400, for each app's error handler to word.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonNestedDeeperThan(buf)) {
    throw Object.assign(new Error(`body: ${TOO_DEEP_MESSAGE}`), { status: 400, type: 'entity.too.deep' });
  }
}
