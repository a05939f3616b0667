/**
 * The REST API and the features behind it (documents registry, change log, versions, webhooks),
 * composed in two steps because Hocuspocus needs their extensions before the API can use it:
 * {@link openApiFeatures} opens the database and returns the extensions; `attach` then builds the
 * `/api/*` handler around the running Hocuspocus.
 *
 * The features keep their tables (all prefixed `api_`) in their own SQLite file,
 * `DATA_DIR/history.sqlite`, separate from the document store, or in PostgreSQL when given a URL
 * (see README "REST API").
 */
import path from 'node:path'
import type { Extension, Hocuspocus } from '@hocuspocus/server'
import type { AccessPolicy } from '../access/access-policy.ts'
import { changeTracking } from '../changelog/change-tracking.ts'
import { ChangeLog, migrateChangeLog } from '../changelog/change-log.ts'
import type { Database } from '../db/database.ts'
import { PostgresDatabase } from '../db/postgres-database.ts'
import { SqliteDatabase } from '../db/sqlite-database.ts'
import { AutoVersions, type AutoVersionOptions } from '../history/auto-versions.ts'
import { migrateRestoreLog, RestoreLog } from '../history/restore-log.ts'
import { migrateVersionStore, VersionStore } from '../history/version-store.ts'
import type { Logger } from '../log.ts'
import type { DocumentStore } from '../storage/document-store.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'
import { migrateWebhooks, WebhookService, type WebhookOptions } from '../webhooks/webhook-service.ts'
import type { ApiServices } from './api-services.ts'
import { contentRoutes } from './content-routes.ts'
import { DocumentRegistry, migrateDocumentRegistry } from './document-registry.ts'
import { DocumentService } from './document-service.ts'
import { documentsRoutes } from './documents-routes.ts'
import { historyRoutes } from './history-routes.ts'
import { openApiRoutes } from './openapi-routes.ts'
import { registryTracking } from './registry-tracking.ts'
import { createRouter, type ApiHandler, type Authenticator, type Route } from './router.ts'
import { tombstoneGuard } from './tombstone-guard.ts'
import { webhookRoutes } from './webhook-routes.ts'

/** Options for {@link openApiFeatures}. */
export interface ApiFeatureOptions {
  dataDir: string
  log: Logger
  policy: AccessPolicy
  /** An existing database to keep the tables in instead of `DATA_DIR/history.sqlite`. */
  database?: Database
  /** A PostgreSQL URL to keep the tables in (used when `database` is not given). */
  databaseUrl?: string
  autoVersions?: AutoVersionOptions
  webhooks?: WebhookOptions
  /** More routes needing a signed-in caller (e.g. sharing), built from the services. */
  routes?: (services: ApiServices) => Route[]
  /** More routes that authenticate themselves (e.g. sign-in). */
  publicRoutes?: Route[]
}

/** What {@link openApiFeatures} returns. */
export interface ApiFeatures {
  /** Hocuspocus extensions: tombstone guard, change tracking, automatic versions. */
  extensions: Extension[]
  /** Builds the `/api/*` handler. */
  attach(deps: { hocuspocus: Hocuspocus; store: DocumentStore; writer: DurableWriter; authenticate: Authenticator }): ApiHandler
  webhooks: WebhookService
  /** Saves pending automatic versions, stops webhook timers, closes the database. */
  close(): Promise<void>
}

/** Opens the database, migrates it and creates the features' Hocuspocus extensions. */
export async function openApiFeatures(options: ApiFeatureOptions): Promise<ApiFeatures> {
  const { log, policy } = options
  const ownsDatabase = options.database === undefined
  // NORMAL: in WAL mode commits survive a killed process; only power loss may drop the last ones.
  // The change log writes every turn of editing, and a second fsync per turn would halve throughput.
  const db =
    options.database ??
    (options.databaseUrl ? new PostgresDatabase(options.databaseUrl, 4) : new SqliteDatabase(path.join(options.dataDir, 'history.sqlite'), { synchronous: 'NORMAL' }))
  await migrateDocumentRegistry(db)
  await migrateChangeLog(db)
  await migrateVersionStore(db)
  await migrateRestoreLog(db)
  await migrateWebhooks(db)
  const registry = new DocumentRegistry(db)
  await registry.init()
  const changeLog = new ChangeLog(db, log)
  const versions = new VersionStore(db)
  const restores = new RestoreLog(db)
  const autoVersions = new AutoVersions(versions, log, options.autoVersions)
  const webhooks = new WebhookService(db, log, options.webhooks)
  await webhooks.init()
  versions.onSaved((version) =>
    webhooks.emit({
      type: 'version.saved',
      document: version.document,
      actor: version.createdBy,
      data: { id: version.id, kind: version.kind, label: version.label, authors: version.authors },
    }),
  )
  const registryUpdates = registryTracking(registry, log)
  const tracking = changeTracking([
    (change) => changeLog.record(change),
    registryUpdates.listener,
    autoVersions.listener,
    (change) => webhooks.documentChanged(change.document, change.user),
  ])

  return {
    extensions: [tombstoneGuard(registry), tracking, autoVersions.extension],
    webhooks,
    attach({ hocuspocus, store, writer, authenticate }) {
      const documents = new DocumentService({ hocuspocus, store, writer, registry })
      const services: ApiServices = {
        hocuspocus,
        store,
        policy,
        registry,
        documents,
        changeLog,
        versions,
        autoVersions,
        restores,
        webhooks,
        log,
        registryFlushed: () => registryUpdates.flushed(),
      }
      return createRouter(
        [...documentsRoutes(services), ...contentRoutes(services), ...historyRoutes(services), ...webhookRoutes(services), ...(options.routes?.(services) ?? [])],
        authenticate,
        log,
        [...openApiRoutes(), ...(options.publicRoutes ?? [])],
      )
    },
    async close() {
      await autoVersions.flush()
      await webhooks.close()
      await changeLog.flushed()
      await registryUpdates.flushed()
      if (ownsDatabase) await db.close()
    },
  }
}
