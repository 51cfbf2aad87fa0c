/**
 * The little of a SQL client the store needs, so that one store runs on PGlite and on PostgreSQL: queries
 * with `$1` parameters, multi-statement scripts (migrations) and transactions.
 */
export interface SqlQueries {
  /** Runs one statement with `$n` parameters; its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlQueries {
  readonly kind: 'pglite' | 'postgres';
  readonly location: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
