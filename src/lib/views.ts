import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';

/** The repository's `views/` folder, wherever the code runs from (src via vitest, dist via node). */
export const VIEWS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../views' : '../../views', import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../public' : '../../public', import.meta.url));

/** One Eta instance per app. autoEscape stays on: `<%= %>` escapes, `<%~ %>` is for trusted HTML only. */
export function createViews(options: { cache: boolean }): Eta {
  return new Eta({ views: VIEWS_DIR, cache: options.cache, autoEscape: true, autoTrim: false });
}
