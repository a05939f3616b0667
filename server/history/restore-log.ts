/**
 * The restores made over the API, each with the exact Yjs update it applied and the state it was
 * applied to (kept as the "Before restoring" version), so a restore can be undone later without
 * losing what happened since (see `undo-restore.ts`).
 */
import type { Database } from '../db/database.ts'
import type { Author } from '../api/document-registry.ts'

/** One restore. */
export interface RestoreRecord {
  id: number
  document: string
  /** The version that was restored. */
  versionId: number
  /** The version holding the state the restore was applied to. */
  beforeVersionId: number
  /** The Yjs update the restore applied. */
  update: Uint8Array
  createdAt: Date
  createdBy: Author
  /** When it was undone, or `null`. */
  undoneAt: Date | null
}

interface Row {
  id: number
  document: string
  version_id: number
  before_version_id: number
  update_data: Uint8Array
  created_at: number
  created_by_id: string
  created_by_name: string
  undone_at: number | null
}

/** Creates the restores table if missing. */
export async function migrateRestoreLog(db: Database): Promise<void> {
  const id = db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'
  const blob = db.dialect === 'postgres' ? 'BYTEA' : 'BLOB'
  await db.exec(`
    CREATE TABLE IF NOT EXISTS api_restores (
      id ${id},
      document TEXT NOT NULL,
      version_id BIGINT NOT NULL,
      before_version_id BIGINT NOT NULL,
      update_data ${blob} NOT NULL,
      created_at BIGINT NOT NULL,
      created_by_id TEXT NOT NULL,
      created_by_name TEXT NOT NULL,
      undone_at BIGINT
    );
  `)
}

/** Records restores and their undoing. */
export class RestoreLog {
  private readonly db: Database

  constructor(db: Database) {
    this.db = db
  }

  /** Records a restore; returns its id. */
  async record(entry: { document: string; versionId: number; beforeVersionId: number; update: Uint8Array; createdBy: Author }): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      `INSERT INTO api_restores (document, version_id, before_version_id, update_data, created_at, created_by_id, created_by_name)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [entry.document, entry.versionId, entry.beforeVersionId, entry.update, Date.now(), entry.createdBy.id, entry.createdBy.name],
    )
    return Number(rows[0]!.id)
  }

  /** Restore `id` of `document`, or `null`. */
  async get(document: string, id: number): Promise<RestoreRecord | null> {
    const rows = await this.db.query<Row>('SELECT * FROM api_restores WHERE document = ? AND id = ?', [document, id])
    const row = rows[0]
    if (!row) return null
    return {
      id: Number(row.id),
      document: row.document,
      versionId: Number(row.version_id),
      beforeVersionId: Number(row.before_version_id),
      update: new Uint8Array(row.update_data),
      createdAt: new Date(Number(row.created_at)),
      createdBy: { id: row.created_by_id, name: row.created_by_name },
      undoneAt: row.undone_at === null ? null : new Date(Number(row.undone_at)),
    }
  }

  /** Marks restore `id` undone; false when it already was. */
  async markUndone(id: number): Promise<boolean> {
    return (await this.db.run('UPDATE api_restores SET undone_at = ? WHERE id = ? AND undone_at IS NULL', [Date.now(), id])) === 1
  }

  /** Forgets every restore of `document`. */
  async deleteDocument(document: string): Promise<void> {
    await this.db.run('DELETE FROM api_restores WHERE document = ?', [document])
  }
}
