import { openDatabase, type Db } from '../../lib/sqlite.js';
import { PORTAL_MIGRATIONS } from './migrations.js';

export type { Db };

export function openPortalDb(path: string): Db {
  return openDatabase(path, PORTAL_MIGRATIONS);
}
