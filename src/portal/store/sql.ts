/** Named parameters (`@name` in the SQL text), as both dialects' statements take them. */
export type Params = Record<string, unknown>;

/**
 * The few things a store shared by both databases needs from a connection: run one statement.
 * Texts use `@name` placeholders; each dialect prepares (SQLite) or rewrites to `$n` (PostgreSQL)
 * once per text. Transactions are not here on purpose: a store that needs one is per dialect.
 */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<Row>(text: string, params?: Params): Promise<Row[]>;
  get<Row>(text: string, params?: Params): Promise<Row | undefined>;
  /** Resolves with the number of rows changed. */
  run(text: string, params?: Params): Promise<number>;
}
