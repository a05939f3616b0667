/**
 * {@link Database} on PostgreSQL through a `pg` pool.
 */
import pg from 'pg'
import type { Database, SqlExecutor, SqlValue } from './database.ts'

/** Rewrites `?` placeholders to `$1, $2, ...` (our SQL never has `?` inside string literals). */
export function toPostgresPlaceholders(sql: string): string {
  let index = 0
  return sql.replace(/\?/g, () => `$${++index}`)
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []) {
      const result = await client.query(toPostgresPlaceholders(sql), params as unknown[])
      return result.rows as Row[]
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      const result = await client.query(toPostgresPlaceholders(sql), params as unknown[])
      return result.rowCount ?? 0
    },
  }
}

/** A PostgreSQL pool for `connectionString`. */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const
  readonly pool: pg.Pool
  private readonly direct: SqlExecutor

  constructor(connectionString: string, poolSize = 10) {
    this.pool = new pg.Pool({ connectionString, max: poolSize })
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on('error', () => undefined)
    this.direct = executor(this.pool)
  }

  query<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.direct.query<Row>(sql, params)
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.direct.run(sql, params)
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql)
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    // A connection dropped between queries emits 'error' on the checked-out client (the pool only
    // listens on idle ones); unheard, it would crash the process. The next query fails instead.
    let broken: Error | undefined
    const onError = (error: Error) => (broken = error)
    client.on('error', onError)
    try {
      await client.query('BEGIN')
      const value = await work(executor(client))
      await client.query('COMMIT')
      return value
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
      throw error
    } finally {
      client.off('error', onError)
      // A broken connection is discarded rather than returned to the pool.
      client.release(broken)
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
