/**
 * Everything the API routes use, built once by the composition root.
 */
import type { Hocuspocus } from '@hocuspocus/server'
import type { AccessPolicy } from '../access/access-policy.ts'
import type { ChangeLog } from '../changelog/change-log.ts'
import type { AutoVersions } from '../history/auto-versions.ts'
import type { RestoreLog } from '../history/restore-log.ts'
import type { VersionStore } from '../history/version-store.ts'
import type { Logger } from '../log.ts'
import type { DocumentStore } from '../storage/document-store.ts'
import type { WebhookService } from '../webhooks/webhook-service.ts'
import type { DocumentRegistry } from './document-registry.ts'
import type { DocumentService } from './document-service.ts'

/** The services behind the API. */
export interface ApiServices {
  hocuspocus: Hocuspocus
  store: DocumentStore
  policy: AccessPolicy
  registry: DocumentRegistry
  documents: DocumentService
  changeLog: ChangeLog
  versions: VersionStore
  autoVersions: AutoVersions
  restores: RestoreLog
  /** Resolves once the registry reflects every change applied so far. */
  registryFlushed(): Promise<void>
  webhooks: WebhookService
  log: Logger
}
