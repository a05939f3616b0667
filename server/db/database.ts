/**
 * A small SQL database interface that SQLite (`node:sqlite`) and PostgreSQL (`pg`) both implement,
 * so each feature writes its queries once.
 *
 * Write SQL with `?` placeholders; the PostgreSQL implementation rewrites them to `$1, $2, ...`.
 * Keep to the common dialect (`INSERT ... ON CONFLICT`, `RETURNING`, integers, text); where the two
 * differ (blob and auto-increment column types), branch on `dialect`. Blobs come back as
 * `Uint8Array` (a `Buffer` on PostgreSQL, which is one).
 */

/** Which SQL engine is behind a {@link Database}. */
export type Dialect = 'sqlite' | 'postgres'

/** A value that can be bound to a placeholder. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array

/** Queries that run inside or outside a transaction. */
export interface SqlExecutor {
  /** Runs `sql` and returns all rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>
  /** Runs `sql` and returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>
}

/** A database connection (SQLite) or pool (PostgreSQL). */
export interface Database extends SqlExecutor {
  readonly dialect: Dialect
  /** Runs one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>
  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws.
   * On SQLite transactions are serialised; on PostgreSQL `work` gets its own pooled client.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /** Closes the connection or pool. */
  close(): Promise<void>
}
