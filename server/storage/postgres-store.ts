/**
 * The PostgreSQL store (`DATABASE_URL=postgres://...`), for several server processes sharing one
 * database. Same contract as the SQLite store: a snapshot per document plus an append-only log;
 * each batch is one transaction, so an acknowledgement waits for one commit (PostgreSQL's default
 * `synchronous_commit = on` flushes the WAL before the commit returns).
 */
import pg from 'pg'
import type { DocumentStore, DocumentSummary, StoreOperation, StoredDocument } from './document-store.ts'
import { OwnWrites } from './fold-snapshot.ts'

/** Schema versions, applied in order at start; each runs once, under an advisory lock. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE store_documents (
     name       TEXT PRIMARY KEY,
     snapshot   BYTEA,
     created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE TABLE store_updates (
     seq        BIGSERIAL PRIMARY KEY,
     name       TEXT NOT NULL REFERENCES store_documents (name) ON DELETE CASCADE,
     data       BYTEA NOT NULL,
     created_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX store_updates_by_name ON store_updates (name, seq);`,
]

/** Tunables for {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** Pooled connections. Default 4: writes are batched, so few are needed. */
  poolSize?: number
  /** Give up connecting after this long, so an unreachable database fails fast and is retried. Default 5,000 ms. */
  connectionTimeoutMs?: number
  /** Give up on a query after this long (a silently dropped connection). Default 15,000 ms. */
  queryTimeoutMs?: number
}

/** {@link DocumentStore} on PostgreSQL. Create with {@link PostgresStore.open}. */
export class PostgresStore implements DocumentStore {
  private readonly pool: pg.Pool
  private readonly ownWrites = new OwnWrites()

  private constructor(pool: pg.Pool) {
    this.pool = pool
  }

  /** Connects to `connectionString` and creates or migrates the schema. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 15_000,
      keepAlive: true,
    })
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => undefined)
    const store = new PostgresStore(pool)
    try {
      await store.migrate()
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw error
    }
    return store
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      // Several instances may start at once; only one migrates, the others wait and see it done.
      await client.query('SELECT pg_advisory_xact_lock(hashtext(current_schema() || $1))', ['.store_schema'])
      await client.query('CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)')
      const rows = (await client.query<{ version: number }>('SELECT version FROM store_schema')).rows
      let version = rows[0]?.version ?? 0
      if (rows.length === 0) await client.query('INSERT INTO store_schema (version) VALUES (0)')
      for (; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version]!)
      await client.query('UPDATE store_schema SET version = $1', [version])
    })
  }

  async load(name: string): Promise<StoredDocument | null> {
    // One statement, so a compaction committing in between cannot make us miss log entries.
    const { rows } = await this.pool.query<{ snapshot: Buffer | null; updates: Buffer[] | null }>(
      `SELECT d.snapshot,
              (SELECT array_agg(u.data ORDER BY u.seq) FROM store_updates u WHERE u.name = d.name) AS updates
         FROM store_documents d WHERE d.name = $1`,
      [name],
    )
    const row = rows[0]
    if (!row) return null
    return { snapshot: row.snapshot ? toBytes(row.snapshot) : null, updates: (row.updates ?? []).map(toBytes) }
  }

  async write(operations: readonly StoreOperation[]): Promise<void> {
    if (operations.length === 0) return
    const own = this.ownWrites.begin()
    await this.transaction(async (client) => {
      // Lock every document row of the batch in name order first: concurrent batches from other
      // instances then queue behind each other instead of deadlocking, and a compaction below
      // sees every append committed before it (appends take the same row lock).
      const names = [...new Set(operations.map((op) => op.document))].sort()
      await client.query(
        `INSERT INTO store_documents (name) SELECT unnest($1::text[])
         ON CONFLICT (name) DO UPDATE SET updated_at = now()`,
        [names],
      )
      let appendNames: string[] = []
      let appendData: Buffer[] = []
      const flushAppends = async () => {
        if (appendNames.length === 0) return
        const inserted = await client.query<{ name: string; seq: string }>(
          `INSERT INTO store_updates (name, data)
           SELECT t.name, t.data FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS t(name, data, i) ORDER BY t.i
           RETURNING name, seq`,
          [appendNames, appendData],
        )
        for (const row of inserted.rows) own.appended(row.name, Number(row.seq))
        appendNames = []
        appendData = []
      }
      for (const op of operations) {
        if (op.kind === 'append') {
          appendNames.push(op.document)
          appendData.push(toBuffer(op.update))
          continue
        }
        await flushAppends()
        const stored = await client.query<{ snapshot: Buffer | null }>('SELECT snapshot FROM store_documents WHERE name = $1', [op.document])
        const log = await client.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM store_updates WHERE name = $1 ORDER BY seq', [op.document])
        const merged = own.fold(
          op.document,
          stored.rows[0]?.snapshot ? toBytes(stored.rows[0].snapshot) : null,
          log.rows.map((row) => ({ seq: Number(row.seq), data: toBytes(row.data) })),
          op.state,
        )
        await client.query('UPDATE store_documents SET snapshot = $1, updated_at = now() WHERE name = $2', [toBuffer(merged), op.document])
        const lastSeq = log.rows[log.rows.length - 1]?.seq
        if (lastSeq !== undefined) await client.query('DELETE FROM store_updates WHERE name = $1 AND seq <= $2', [op.document, lastSeq])
      }
      await flushAppends()
    })
    own.commit()
  }

  async delete(name: string): Promise<void> {
    await this.pool.query('DELETE FROM store_documents WHERE name = $1', [name])
    this.ownWrites.forget(name)
  }

  async list(): Promise<DocumentSummary[]> {
    const { rows } = await this.pool.query<{ name: string; updated_at: Date }>('SELECT name, updated_at FROM store_documents ORDER BY updated_at DESC')
    return rows.map((row) => ({ name: row.name, updatedAt: row.updated_at }))
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    // A connection dropped while no query is running emits 'error' on the checked-out client (the
    // pool only listens on idle ones); unheard, that event would crash the process. The pending or
    // next query fails instead, and the writer retries the batch.
    const onError = (error: Error) => (broken = error)
    client.on('error', onError)
    try {
      await client.query('BEGIN')
      await work(client)
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
      throw error
    } finally {
      client.off('error', onError)
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken)
    }
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A plain Uint8Array view (Yjs and our callers compare bytes, not Buffer instances). */
function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}
