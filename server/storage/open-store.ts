/**
 * Picks the document store from the configuration: PostgreSQL when `DATABASE_URL` is set (needed
 * for several instances), otherwise the embedded SQLite file in `DATA_DIR`, written from a worker
 * thread (see threaded-sqlite-store.ts).
 */
import type { DocumentStore } from './document-store.ts'
import { PostgresStore } from './postgres-store.ts'
import { ThreadedSqliteStore } from './threaded-sqlite-store.ts'

/** Where documents are stored. */
export interface StoreLocation {
  dataDir: string
  /** `postgres://` URL; when set, documents go to PostgreSQL. */
  databaseUrl?: string | undefined
}

/** Opens (and for PostgreSQL creates or migrates) the document store. */
export async function openDocumentStore(location: StoreLocation): Promise<DocumentStore> {
  if (location.databaseUrl) return PostgresStore.open(location.databaseUrl)
  return ThreadedSqliteStore.open(location.dataDir)
}
