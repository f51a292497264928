import type pg from 'pg';
import type { Params, Sql } from '../sql.js';

interface Rewritten {
  /** The server-side prepared statement's name (pg prepares it once per connection). */
  name: string;
  text: string;
  names: string[];
}

const rewritten = new Map<string, Rewritten>();

/**
 * `@name` placeholders to `$n`, once per text; a name used twice is one parameter. Quoted
 * literals are left alone ('x@example.com' is text, as SQLite reads it too).
 */
export function toPositional(text: string): Rewritten {
  let hit = rewritten.get(text);
  if (!hit) {
    const names: string[] = [];
    const out = text.replace(/'(?:[^']|'')*'|@([A-Za-z_][A-Za-z0-9_]*)/g, (literal: string, name: string | undefined) => {
      if (name === undefined) return literal;
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    hit = { name: `s${rewritten.size + 1}`, text: out, names };
    rewritten.set(text, hit);
  }
  return hit;
}

function query(text: string, params: Params): pg.QueryConfig {
  const r = toPositional(text);
  return {
    name: r.name,
    text: r.text,
    values: r.names.map((n) => {
      if (!(n in params)) throw new Error(`missing SQL parameter @${n}`);
      return params[n];
    }),
  };
}

/** Sql on a pool (each statement on any free connection) or on one client inside a transaction. */
export class PgSql implements Sql {
  readonly dialect = 'postgres';

  constructor(readonly on: pg.Pool | pg.PoolClient) {}

  async all<Row>(text: string, params: Params = {}): Promise<Row[]> {
    return (await this.on.query(query(text, params))).rows as Row[];
  }

  async get<Row>(text: string, params: Params = {}): Promise<Row | undefined> {
    return (await this.on.query(query(text, params))).rows[0] as Row | undefined;
  }

  async run(text: string, params: Params = {}): Promise<number> {
    return (await this.on.query(query(text, params))).rowCount ?? 0;
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
 * it throws (and the error goes on to the caller).
 */
export async function transaction<T>(pool: pg.Pool, work: (tx: PgSql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(new PgSql(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
