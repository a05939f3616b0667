/**
 * The documents registry: the title, creator and last change of every document the API knows,
 * plus tombstones of deleted documents (so a client still holding a deleted document cannot
 * silently bring it back by reconnecting).
 *
 * The title lives in the document itself (`meta.title`, so it merges like content); this table
 * holds a copy for listings, refreshed on every change.
 */
import type { Database, SqlExecutor } from '../db/database.ts'

/** Who made a change. */
export interface Author {
  id: string
  name: string
}

/** One document's change, for {@link DocumentRegistry.touchAll}. */
export interface RegistryTouch {
  name: string
  at: Date
  /** `null` keeps the last known author. */
  by: Author | null
  /** `null` keeps the stored title. */
  title: string | null
}

/** One registered document. */
export interface RegisteredDocument {
  name: string
  title: string
  createdAt: Date
  createdBy: Author | null
  updatedAt: Date
  updatedBy: Author | null
}

interface Row {
  name: string
  title: string
  created_at: number
  created_by_id: string | null
  created_by_name: string | null
  updated_at: number
  updated_by_id: string | null
  updated_by_name: string | null
}

/** Creates the registry's tables if missing. */
export async function migrateDocumentRegistry(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS api_documents (
      name TEXT PRIMARY KEY,
      title TEXT NOT NULL DEFAULT '',
      created_at BIGINT NOT NULL,
      created_by_id TEXT,
      created_by_name TEXT,
      updated_at BIGINT NOT NULL,
      updated_by_id TEXT,
      updated_by_name TEXT
    );
    CREATE TABLE IF NOT EXISTS api_deleted_documents (
      name TEXT PRIMARY KEY,
      deleted_at BIGINT NOT NULL
    );
  `)
}

/** Reads and writes the registry. */
export class DocumentRegistry {
  private readonly db: Database
  // Names known to be deleted, so the per-connection check needs no query.
  private readonly tombstones = new Set<string>()

  constructor(db: Database) {
    this.db = db
  }

  /** Loads the tombstones into memory. Call once after migrating. */
  async init(): Promise<void> {
    for (const row of await this.db.query<{ name: string }>('SELECT name FROM api_deleted_documents')) this.tombstones.add(row.name)
  }

  /** Registers a new document. */
  async create(name: string, title: string, by: Author, at = new Date()): Promise<void> {
    await this.db.run(
      `INSERT INTO api_documents (name, title, created_at, created_by_id, created_by_name, updated_at, updated_by_id, updated_by_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [name, title, at.getTime(), by.id, by.name, at.getTime(), by.id, by.name],
    )
  }

  /** Records a change by `by` (`null` keeps the last known author) at `at`; registers the document if new. */
  async touch(name: string, at: Date, by: Author | null, title: string | null): Promise<void> {
    await this.touchWith(this.db, { name, at, by, title })
  }

  /** {@link touch} for several documents, in one transaction. */
  async touchAll(touches: readonly RegistryTouch[]): Promise<void> {
    if (touches.length === 0) return
    await this.db.transaction(async (tx) => {
      for (const touch of touches) await this.touchWith(tx, touch)
    })
  }

  private async touchWith(executor: SqlExecutor, { name, at, by, title }: RegistryTouch): Promise<void> {
    await executor.run(
      `INSERT INTO api_documents (name, title, created_at, created_by_id, created_by_name, updated_at, updated_by_id, updated_by_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET
         updated_at = excluded.updated_at,
         updated_by_id = COALESCE(excluded.updated_by_id, api_documents.updated_by_id),
         updated_by_name = COALESCE(excluded.updated_by_name, api_documents.updated_by_name),
         title = CASE WHEN ? = 1 THEN excluded.title ELSE api_documents.title END`,
      [name, title ?? '', at.getTime(), by?.id ?? null, by?.name ?? null, at.getTime(), by?.id ?? null, by?.name ?? null, title !== null ? 1 : 0],
    )
  }

  /** The registered document `name`, or `null`. */
  async get(name: string): Promise<RegisteredDocument | null> {
    const rows = await this.db.query<Row>('SELECT * FROM api_documents WHERE name = ?', [name])
    return rows[0] ? fromRow(rows[0]) : null
  }

  /** Every registered document, most recently updated first. */
  async list(): Promise<RegisteredDocument[]> {
    const rows = await this.db.query<Row>('SELECT * FROM api_documents ORDER BY updated_at DESC, name')
    return rows.map(fromRow)
  }

  /** True when this process knows `name` was deleted through the API (see {@link wasDeleted}). */
  isDeleted(name: string): boolean {
    return this.tombstones.has(name)
  }

  /**
   * True when `name` was deleted, asking the database when this process has not seen the
   * deletion (another server instance sharing the database may have made it).
   */
  async wasDeleted(name: string): Promise<boolean> {
    if (this.tombstones.has(name)) return true
    const rows = await this.db.query<{ name: string }>('SELECT name FROM api_deleted_documents WHERE name = ?', [name])
    if (rows.length > 0) this.tombstones.add(name)
    return rows.length > 0
  }

  /** Removes `name` and leaves a tombstone. */
  async delete(name: string, at = new Date()): Promise<void> {
    this.tombstones.add(name)
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM api_documents WHERE name = ?', [name])
      await tx.run('INSERT INTO api_deleted_documents (name, deleted_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, at.getTime()])
    })
  }
}

function fromRow(row: Row): RegisteredDocument {
  return {
    name: row.name,
    title: row.title,
    createdAt: new Date(Number(row.created_at)),
    createdBy: row.created_by_id === null ? null : { id: row.created_by_id, name: row.created_by_name ?? row.created_by_id },
    updatedAt: new Date(Number(row.updated_at)),
    updatedBy: row.updated_by_id === null ? null : { id: row.updated_by_id, name: row.updated_by_name ?? row.updated_by_id },
  }
}
