/**
 * Hocuspocus extension refusing connections to documents deleted through the API, so a client
 * still holding a deleted document's content cannot recreate it by reconnecting.
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { ConnectionRefused } from '../auth/authentication.ts'
import type { DocumentRegistry } from './document-registry.ts'

/** Creates the guard. */
export function tombstoneGuard(registry: DocumentRegistry): Extension {
  return {
    extensionName: 'tombstone-guard',
    async onAuthenticate({ documentName }: onAuthenticatePayload) {
      if (await registry.wasDeleted(documentName)) throw new ConnectionRefused(CLOSE_CODES.forbidden, `document "${documentName}" was deleted`)
    },
  }
}
