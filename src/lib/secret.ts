/**
 * How a secret the operator supplied is shown: its first 8 characters, as the platform's
 * dashboard displays key prefixes. Enough to tell two keys apart, not enough to use one.
 */
export function secretPrefix(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}

/** A connection URL with its password replaced, for start-up lines and errors. */
export function withoutPassword(url: string): string {
  if (!URL.canParse(url)) return '(unparseable URL)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
