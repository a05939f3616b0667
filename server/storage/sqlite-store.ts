/**
 * The embedded default store: SQLite through Node's built-in `node:sqlite` (no native addon), in
 * WAL mode so readers never block the writer and a commit is one sequential append.
 * Synchronous: the server runs it on a worker thread (threaded-sqlite-store.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { DocumentStore, DocumentSummary, StoreOperation, StoredDocument } from './document-store.ts'
import { OwnWrites, type LogEntry } from './fold-snapshot.ts'

/** File name of the database inside the data directory. */
export const SQLITE_FILE = 'documents.sqlite'

/** Options for {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * SQLite `synchronous` level. `FULL` (default) fsyncs the WAL on every commit, so an acknowledged
   * change survives power loss; `NORMAL` survives a killed process but not a power cut.
   */
  synchronous?: 'FULL' | 'NORMAL'
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    name       TEXT PRIMARY KEY,
    snapshot   BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS updates (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS updates_by_name ON updates (name, seq);
`

/** {@link DocumentStore} on a SQLite file in `dataDir`. */
export class SqliteStore implements DocumentStore {
  readonly file: string
  private readonly db: DatabaseSync
  private readonly ownWrites = new OwnWrites()
  private readonly statements: {
    touch: StatementSync
    append: StatementSync
    snapshot: StatementSync
    clearLog: StatementSync
    loadSnapshot: StatementSync
    loadUpdates: StatementSync
    loadLog: StatementSync
    deleteDocument: StatementSync
    list: StatementSync
  }

  constructor(dataDir: string, options: SqliteStoreOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true })
    this.file = path.join(dataDir, SQLITE_FILE)
    this.db = new DatabaseSync(this.file)
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA busy_timeout = 5000;`)
    this.db.exec(SCHEMA)
    this.statements = {
      touch: this.db.prepare(
        `INSERT INTO documents (name, snapshot, created_at, updated_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at`,
      ),
      append: this.db.prepare('INSERT INTO updates (name, data, created_at) VALUES (?, ?, ?)'),
      snapshot: this.db.prepare('UPDATE documents SET snapshot = ?, updated_at = ? WHERE name = ?'),
      clearLog: this.db.prepare('DELETE FROM updates WHERE name = ?'),
      loadSnapshot: this.db.prepare('SELECT snapshot FROM documents WHERE name = ?'),
      loadUpdates: this.db.prepare('SELECT data FROM updates WHERE name = ? ORDER BY seq'),
      loadLog: this.db.prepare('SELECT seq, data FROM updates WHERE name = ? ORDER BY seq'),
      deleteDocument: this.db.prepare('DELETE FROM documents WHERE name = ?'),
      list: this.db.prepare('SELECT name, updated_at FROM documents ORDER BY updated_at DESC'),
    }
  }

  async load(name: string): Promise<StoredDocument | null> {
    // One read transaction, so another process compacting in between cannot hide log entries.
    this.db.exec('BEGIN')
    try {
      const row = this.statements.loadSnapshot.get(name) as { snapshot: Uint8Array | null } | undefined
      if (!row) return null
      const updates = (this.statements.loadUpdates.all(name) as { data: Uint8Array }[]).map((r) => r.data)
      return { snapshot: row.snapshot, updates }
    } finally {
      this.db.exec('COMMIT')
    }
  }

  async write(operations: readonly StoreOperation[]): Promise<void> {
    if (operations.length === 0) return
    const now = Date.now()
    const own = this.ownWrites.begin()
    this.db.exec('BEGIN IMMEDIATE')
    try {
      // One touch per document, not per update: a burst of keystrokes is one batch.
      for (const name of new Set(operations.map((op) => op.document))) this.statements.touch.run(name, now, now)
      for (const op of operations) {
        if (op.kind === 'append') {
          own.appended(op.document, Number(this.statements.append.run(op.document, op.update, now).lastInsertRowid))
        } else {
          // Read, merge and replace inside this write transaction (BEGIN IMMEDIATE holds the write
          // lock), so appends by another process sharing the file are folded in, never dropped.
          const row = this.statements.loadSnapshot.get(op.document) as { snapshot: Uint8Array | null } | undefined
          const log = this.statements.loadLog.all(op.document) as unknown as LogEntry[]
          const merged = own.fold(op.document, row?.snapshot ?? null, log, op.state)
          this.statements.clearLog.run(op.document)
          this.statements.snapshot.run(merged, now, op.document)
        }
      }
      this.db.exec('COMMIT')
      own.commit()
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  async delete(name: string): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      this.statements.clearLog.run(name)
      this.statements.deleteDocument.run(name)
      this.db.exec('COMMIT')
      this.ownWrites.forget(name)
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  async list(): Promise<DocumentSummary[]> {
    const rows = this.statements.list.all() as { name: string; updated_at: number }[]
    return rows.map((row) => ({ name: row.name, updatedAt: new Date(row.updated_at) }))
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close()
  }
}
