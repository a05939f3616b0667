/**
 * {@link Database} on Node's built-in `node:sqlite`, in WAL mode.
 */
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Database, SqlExecutor, SqlValue } from './database.ts'

/** Options for {@link SqliteDatabase}. */
export interface SqliteDatabaseOptions {
  /** `FULL` (default) fsyncs every commit; `NORMAL` survives a killed process but not power loss. */
  synchronous?: 'FULL' | 'NORMAL'
}

/** A SQLite file opened in WAL mode. */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const
  /** The underlying handle, for hot paths that want prepared statements directly. */
  readonly handle: DatabaseSync
  private readonly statements = new Map<string, StatementSync>()
  // node:sqlite is synchronous, but `work` in a transaction may await: serialise transactions.
  private transactionQueue: Promise<unknown> = Promise.resolve()

  constructor(file: string, options: SqliteDatabaseOptions = {}) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    this.handle = new DatabaseSync(file)
    this.handle.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;`)
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.prepare(sql).all(...(params as SqlValue[] as never[])) as Row[]
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return Number(this.prepare(sql).run(...(params as never[])).changes)
  }

  async exec(sql: string): Promise<void> {
    this.handle.exec(sql)
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const result = this.transactionQueue.then(async () => {
      this.handle.exec('BEGIN IMMEDIATE')
      try {
        const value = await work(this)
        this.handle.exec('COMMIT')
        return value
      } catch (error) {
        this.handle.exec('ROLLBACK')
        throw error
      }
    })
    this.transactionQueue = result.catch(() => undefined)
    return result
  }

  async close(): Promise<void> {
    if (this.handle.isOpen) this.handle.close()
  }

  private prepare(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.handle.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }
}
