/**
 * The value itself when it is an absolute http(s) URL with no whitespace, else null. Everything
 * that turns data from the API, a webhook or a form into a link or a redirect asks this, so a
 * `javascript:` URL can never become one.
 */
export function httpUrlOrNull(value: string | null | undefined): string | null {
  return value && /^https?:\/\/\S+$/i.test(value) && URL.canParse(value) ? value : null;
}
