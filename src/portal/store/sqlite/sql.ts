import type { Statement } from 'better-sqlite3';
import type { Db } from '../db.js';
import type { Params, Sql } from '../sql.js';

/** Sql on one better-sqlite3 connection: each text prepared once, run synchronously. */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  async all<Row>(text: string, params: Params = {}): Promise<Row[]> {
    return this.prepare(text).all(params) as Row[];
  }

  async get<Row>(text: string, params: Params = {}): Promise<Row | undefined> {
    return this.prepare(text).get(params) as Row | undefined;
  }

  async run(text: string, params: Params = {}): Promise<number> {
    return this.prepare(text).run(params).changes;
  }

  prepare(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
}
