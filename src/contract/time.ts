/** The API's timestamp format: UTC `YYYY-MM-DD HH:MM:SS`, as in every spec example. */
export function formatApiTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Milliseconds since the epoch for an API timestamp, or NaN when it is not one. */
export function parseApiTime(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return Number.NaN;
  return Date.parse(`${value.replace(' ', 'T')}Z`);
}
