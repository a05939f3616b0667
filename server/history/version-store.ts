/**
 * Versions of documents: full Yjs states (`Y.encodeStateAsUpdate`) saved automatically or by
 * name, with who made the changes since the previous version.
 *
 * Each version is a complete, self-contained state in its own table, independent of the storage
 * engine's snapshot and update log, so compacting that log never loses history.
 */
import type { Database } from '../db/database.ts'
import type { Author } from '../api/document-registry.ts'

/** How a version came to be. */
export type VersionKind = 'auto' | 'named'

/** A version without its state. */
export interface VersionInfo {
  id: number
  document: string
  kind: VersionKind
  /** The name a user gave it, or a description for automatic versions (may be `''`). */
  label: string
  createdAt: Date
  /** Who saved it; `null` for automatic versions. */
  createdBy: Author | null
  /** Who changed the document since the previous version. */
  authors: Author[]
  /** Size of the stored state, bytes. */
  bytes: number
}

/** A version with its state. */
export interface Version extends VersionInfo {
  state: Uint8Array
}

/** What {@link VersionStore.save} takes. */
export interface NewVersion {
  document: string
  kind: VersionKind
  label: string
  createdBy: Author | null
  authors: readonly Author[]
  state: Uint8Array
  at?: Date
}

interface Row {
  id: number
  document: string
  kind: VersionKind
  label: string
  created_at: number
  created_by_id: string | null
  created_by_name: string | null
  authors: string
  bytes: number
  state?: Uint8Array
}

/** Creates the versions table if missing. */
export async function migrateVersionStore(db: Database): Promise<void> {
  const id = db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'
  const blob = db.dialect === 'postgres' ? 'BYTEA' : 'BLOB'
  await db.exec(`
    CREATE TABLE IF NOT EXISTS api_versions (
      id ${id},
      document TEXT NOT NULL,
      kind TEXT NOT NULL,
      label TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      created_by_id TEXT,
      created_by_name TEXT,
      authors TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      state ${blob} NOT NULL
    );
    CREATE INDEX IF NOT EXISTS api_versions_document ON api_versions (document, id);
  `)
}

/** Default number of automatic versions kept per document; older ones are deleted as new ones are saved. */
export const MAX_AUTO_VERSIONS = 200

const COLUMNS = 'id, document, kind, label, created_at, created_by_id, created_by_name, authors, bytes'

/** Saves, lists and loads versions. */
export class VersionStore {
  private readonly db: Database
  private readonly listeners: ((version: VersionInfo) => void)[] = []

  private readonly maxAutoVersions: number

  /** `maxAutoVersions`: automatic versions kept per document (default {@link MAX_AUTO_VERSIONS}). */
  constructor(db: Database, options: { maxAutoVersions?: number } = {}) {
    this.db = db
    this.maxAutoVersions = options.maxAutoVersions ?? MAX_AUTO_VERSIONS
  }

  /** Calls `listener` after every saved version. */
  onSaved(listener: (version: VersionInfo) => void): void {
    this.listeners.push(listener)
  }

  /** Stores a version and returns it (without state). */
  async save(version: NewVersion): Promise<VersionInfo> {
    const at = version.at ?? new Date()
    const rows = await this.db.query<{ id: number }>(
      `INSERT INTO api_versions (document, kind, label, created_at, created_by_id, created_by_name, authors, bytes, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        version.document,
        version.kind,
        version.label,
        at.getTime(),
        version.createdBy?.id ?? null,
        version.createdBy?.name ?? null,
        JSON.stringify(version.authors),
        version.state.byteLength,
        version.state,
      ],
    )
    const info: VersionInfo = {
      id: Number(rows[0]!.id),
      document: version.document,
      kind: version.kind,
      label: version.label,
      createdAt: at,
      createdBy: version.createdBy,
      authors: [...version.authors],
      bytes: version.state.byteLength,
    }
    if (version.kind === 'auto') await this.prune(version.document)
    for (const listener of this.listeners) listener(info)
    return info
  }

  /**
   * Keeps the newest `maxAutoVersions` automatic versions of `document`; named versions
   * and states a restore can still be undone to are kept regardless.
   */
  private async prune(document: string): Promise<void> {
    await this.db.run(
      `DELETE FROM api_versions WHERE document = ? AND kind = 'auto' AND id NOT IN (
         SELECT id FROM (SELECT id FROM api_versions WHERE document = ? AND kind = 'auto' ORDER BY id DESC LIMIT ?) AS newest
       ) AND id NOT IN (SELECT before_version_id FROM api_restores WHERE document = ? AND undone_at IS NULL)`,
      [document, document, this.maxAutoVersions, document],
    )
  }

  /** Versions of `document`, newest first. */
  async list(document: string, limit = 200): Promise<VersionInfo[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM api_versions WHERE document = ? ORDER BY id DESC LIMIT ?`, [document, limit])
    return rows.map(fromRow)
  }

  /** Version `id` of `document` with its state, or `null`. */
  async get(document: string, id: number): Promise<Version | null> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS}, state FROM api_versions WHERE document = ? AND id = ?`, [document, id])
    const row = rows[0]
    if (!row) return null
    return { ...fromRow(row), state: new Uint8Array(row.state!) }
  }

  /** The newest version of `document` with its state, or `null`. */
  async latest(document: string): Promise<Version | null> {
    const rows = await this.db.query<{ id: number }>('SELECT id FROM api_versions WHERE document = ? ORDER BY id DESC LIMIT 1', [document])
    return rows[0] ? this.get(document, Number(rows[0].id)) : null
  }

  /** Removes every version of `document`. */
  async deleteDocument(document: string): Promise<void> {
    await this.db.run('DELETE FROM api_versions WHERE document = ?', [document])
  }
}

function fromRow(row: Row): VersionInfo {
  return {
    id: Number(row.id),
    document: row.document,
    kind: row.kind,
    label: row.label,
    createdAt: new Date(Number(row.created_at)),
    createdBy: row.created_by_id === null ? null : { id: row.created_by_id, name: row.created_by_name ?? row.created_by_id },
    authors: JSON.parse(row.authors) as Author[],
    bytes: Number(row.bytes),
  }
}
