/**
 * The change log: for every update a document received, who sent it, when and how big it was;
 * and which Yjs client ids each user wrote with, so a version's changes can be attributed.
 *
 * Entries are inserted in one transaction per {@link WRITE_WINDOW_MS} (see write-window.ts); reads
 * write what is pending first. The log is an audit trail, separate from the storage engine's
 * update log (which is compacted away).
 */
import type { Database } from '../db/database.ts'
import type { Author } from '../api/document-registry.ts'
import type { Logger } from '../log.ts'
import { WriteWindow } from '../db/write-window.ts'

/**
 * How long entries wait to be written together. Reads flush first, so the window only decides how
 * often the main thread runs a SQLite transaction while people type: at 100 ms, one per keystroke
 * at typing speed (about 12 pwrite/fcntl calls on the main thread each, measured with strace),
 * timed to land on the next keystroke's fan-out; at 1 s, one per ten keystrokes.
 */
export const WRITE_WINDOW_MS = 1000

/** One stored update. */
export interface ChangeEntry {
  id: number
  document: string
  at: Date
  /** `null` for changes without a user (e.g. the server itself). */
  user: Author | null
  /** Size of the Yjs update in bytes. */
  bytes: number
}

/** What {@link ChangeLog.record} takes. */
export interface NewChange {
  document: string
  at: Date
  user: Author | null
  bytes: number
  /** Yjs client ids whose structs the update carries. */
  clients: readonly number[]
}

/** One user's share of a document's changes in a time range. */
export interface ChangeSummary {
  user: Author | null
  changes: number
  bytes: number
  firstAt: Date
  lastAt: Date
}

/** Filters for {@link ChangeLog.query}. */
export interface ChangeQuery {
  document?: string
  /** Inclusive lower bound. */
  since?: Date
  /** Exclusive upper bound. */
  until?: Date
  userId?: string
  /** Most entries returned, newest first. */
  limit: number
}

/** Creates the change log's tables if missing. */
export async function migrateChangeLog(db: Database): Promise<void> {
  const id = db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'
  await db.exec(`
    CREATE TABLE IF NOT EXISTS api_change_log (
      id ${id},
      document TEXT NOT NULL,
      at BIGINT NOT NULL,
      user_id TEXT,
      user_name TEXT,
      bytes INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS api_change_log_document_at ON api_change_log (document, at);
    CREATE TABLE IF NOT EXISTS api_client_authors (
      document TEXT NOT NULL,
      client_id BIGINT NOT NULL,
      user_id TEXT NOT NULL,
      user_name TEXT NOT NULL,
      PRIMARY KEY (document, client_id)
    );
  `)
}

/** Appends to and queries the change log. */
export class ChangeLog {
  private readonly db: Database
  private readonly log: Logger
  private pending: NewChange[] = []
  private readonly window = new WriteWindow(() => this.flush(), WRITE_WINDOW_MS)

  constructor(db: Database, log: Logger) {
    this.db = db
    this.log = log
  }

  /** Queues `change`; it is written with everything else recorded in its window. */
  record(change: NewChange): void {
    this.pending.push(change)
    this.window.schedule()
  }

  /** Resolves once everything recorded so far is written. */
  flushed(): Promise<void> {
    return this.window.flushed()
  }

  /** Entries matching `query`, newest first. */
  async query(query: ChangeQuery): Promise<ChangeEntry[]> {
    await this.flushed()
    const where: string[] = []
    const params: (string | number)[] = []
    if (query.document !== undefined) where.push('document = ?'), params.push(query.document)
    if (query.since) where.push('at >= ?'), params.push(query.since.getTime())
    if (query.until) where.push('at < ?'), params.push(query.until.getTime())
    if (query.userId !== undefined) where.push('user_id = ?'), params.push(query.userId)
    const rows = await this.db.query<{ id: number; document: string; at: number; user_id: string | null; user_name: string | null; bytes: number }>(
      `SELECT id, document, at, user_id, user_name, bytes FROM api_change_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`,
      [...params, query.limit],
    )
    return rows.map((row) => ({
      id: Number(row.id),
      document: row.document,
      at: new Date(Number(row.at)),
      user: row.user_id === null ? null : { id: row.user_id, name: row.user_name ?? row.user_id },
      bytes: Number(row.bytes),
    }))
  }

  /** Per user: how many updates and bytes `document` received in the time range, and when first and last. */
  async summary(query: { document: string; since?: Date; until?: Date }): Promise<ChangeSummary[]> {
    await this.flushed()
    const where = ['document = ?']
    const params: (string | number)[] = [query.document]
    if (query.since) where.push('at >= ?'), params.push(query.since.getTime())
    if (query.until) where.push('at < ?'), params.push(query.until.getTime())
    const rows = await this.db.query<{ user_id: string | null; user_name: string | null; changes: number; bytes: number; first_at: number; last_at: number }>(
      `SELECT user_id, MAX(user_name) AS user_name, COUNT(*) AS changes, SUM(bytes) AS bytes, MIN(at) AS first_at, MAX(at) AS last_at
       FROM api_change_log WHERE ${where.join(' AND ')} GROUP BY user_id ORDER BY MAX(at) DESC`,
      params,
    )
    return rows.map((row) => ({
      user: row.user_id === null ? null : { id: row.user_id, name: row.user_name ?? row.user_id },
      changes: Number(row.changes),
      bytes: Number(row.bytes),
      firstAt: new Date(Number(row.first_at)),
      lastAt: new Date(Number(row.last_at)),
    }))
  }

  /** The user each of `document`'s Yjs client ids wrote for. */
  async clientAuthors(document: string): Promise<Map<number, Author>> {
    await this.flushed()
    const rows = await this.db.query<{ client_id: number; user_id: string; user_name: string }>(
      'SELECT client_id, user_id, user_name FROM api_client_authors WHERE document = ?',
      [document],
    )
    return new Map(rows.map((row) => [Number(row.client_id), { id: row.user_id, name: row.user_name }]))
  }

  /** Forgets everything logged for `document`. */
  async deleteDocument(document: string): Promise<void> {
    await this.flushed()
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM api_change_log WHERE document = ?', [document])
      await tx.run('DELETE FROM api_client_authors WHERE document = ?', [document])
    })
  }

  private async flush(): Promise<void> {
    const batch = this.pending
    this.pending = []
    // A typist's window holds hundreds of updates from one client id: its author row needs one
    // upsert, not one per update (they were half the statements of a fast replay).
    const authorsWritten = new Set<string>()
    try {
      await this.db.transaction(async (tx) => {
        for (const change of batch) {
          await tx.run('INSERT INTO api_change_log (document, at, user_id, user_name, bytes) VALUES (?, ?, ?, ?, ?)', [
            change.document,
            change.at.getTime(),
            change.user?.id ?? null,
            change.user?.name ?? null,
            change.bytes,
          ])
          if (!change.user) continue
          for (const client of change.clients) {
            const key = `${change.document}\u0000${client}`
            if (authorsWritten.has(key)) continue
            authorsWritten.add(key)
            await tx.run(
              `INSERT INTO api_client_authors (document, client_id, user_id, user_name) VALUES (?, ?, ?, ?)
               ON CONFLICT (document, client_id) DO NOTHING`,
              [change.document, client, change.user.id, change.user.name],
            )
          }
        }
      })
    } catch (error) {
      // The audit trail must never take editing down; a lost batch is logged with its size.
      this.log.error({ err: error, entries: batch.length }, 'change log write failed')
    }
  }
}
