import pg from 'pg';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Portal } from '../../src/portal/index.js';
import type { Sql } from '../../src/portal/store/sql.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Which database this project runs the store tests on (vitest.config.ts). */
    database: 'sqlite' | 'postgres';
  }
}

/** The database of this run's project. */
export const DATABASE = inject('database');

let admin: Promise<pg.Client> | undefined;
let made = 0;

/** A new, empty PostgreSQL database on the run's throwaway cluster; its URL. */
export async function newPostgresDatabase(): Promise<string> {
  const url = inject('postgresUrl');
  admin ??= (async () => {
    const client = new pg.Client(url);
    await client.connect();
    return client;
  })();
  const name = `portal_${process.pid}_${++made}`;
  await (await admin).query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/**
 * The environment that gives a portal a fresh database of this project's kind: DB_PATH in `dir`
 * on SQLite, DATABASE_URL of a new database on PostgreSQL. Call again with the same `dir` for a
 * second portal on the same SQLite file; pass the returned env on for the same PostgreSQL one.
 */
export async function freshDatabaseEnv(dir: string, file = 'portal.db'): Promise<Record<string, string>> {
  return DATABASE === 'postgres' ? { DATABASE_URL: await newPostgresDatabase() } : { DB_PATH: join(dir, file) };
}

const byDir = new Map<string, Promise<Record<string, string>>>();

/** Like freshDatabaseEnv, but the same database every time for the same `dir` (restart tests). */
export function databaseEnvFor(dir: string): Promise<Record<string, string>> {
  let env = byDir.get(dir);
  if (!env) {
    env = freshDatabaseEnv(dir);
    byDir.set(dir, env);
  }
  return env;
}

/** The portal's database, for checking what a test did (`@name` parameters, both dialects). */
export function sqlOf(portal: Pick<Portal, 'database'>): Sql {
  return portal.database.sql;
}

/** All rows of a query. */
export function rows<Row = Record<string, unknown>>(portal: Pick<Portal, 'database'>, text: string, params?: Record<string, unknown>): Promise<Row[]> {
  return sqlOf(portal).all<Row>(text, params);
}

/** How many rows a table has. */
export async function countRows(portal: Pick<Portal, 'database'>, table: string): Promise<number> {
  return (await sqlOf(portal).get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
}

/** The column that orders `orders` rows by insertion (SQLite's rowid, PostgreSQL's identity). */
export const ORDER_INSERTION_KEY = DATABASE === 'postgres' ? 'seq' : 'rowid';

/**
 * Makes every write to `table` fail as a full or read-only disk would (a trigger that raises), on
 * either database; `allowWrites` undoes it.
 */
export async function refuseWrites(portal: Pick<Portal, 'database'>, table: string): Promise<void> {
  const sql = sqlOf(portal);
  if (sql.dialect === 'postgres') {
    await sql.run(`CREATE OR REPLACE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'writes refused (test)'; END $$`);
    await sql.run(`CREATE TRIGGER refuse_${table} BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_write()`);
  } else {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      await sql.run(`CREATE TRIGGER refuse_${table}_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'writes refused (test)'); END`);
    }
  }
}

export async function allowWrites(portal: Pick<Portal, 'database'>, table: string): Promise<void> {
  const sql = sqlOf(portal);
  if (sql.dialect === 'postgres') await sql.run(`DROP TRIGGER refuse_${table} ON ${table}`);
  else for (const op of ['insert', 'update', 'delete']) await sql.run(`DROP TRIGGER refuse_${table}_${op}`);
}
