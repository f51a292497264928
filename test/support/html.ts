/** A page's text as a person reads it: tags become spaces, runs of white space one space. */
export function visibleText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}
