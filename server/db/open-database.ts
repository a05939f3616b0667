/**
 * Opens the features database: PostgreSQL when a URL is configured, else
 * `DATA_DIR/history.sqlite`. Shared by the REST API's features and the accounts, so both keep
 * their tables in one place.
 */
import path from 'node:path'
import type { Database } from './database.ts'
import { PostgresDatabase } from './postgres-database.ts'
import { SqliteDatabase } from './sqlite-database.ts'

/** Opens the database for `dataDir` / `databaseUrl`. */
export function openFeatureDatabase(dataDir: string, databaseUrl: string | undefined): Database {
  // NORMAL: in WAL mode commits survive a killed process; only power loss may drop the last ones
  // (see openApiFeatures, whose change log writes every turn of editing).
  return databaseUrl ? new PostgresDatabase(databaseUrl, 4) : new SqliteDatabase(path.join(dataDir, 'history.sqlite'), { synchronous: 'NORMAL' })
}
