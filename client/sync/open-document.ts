/**
 * Opens a document: a Y.Doc kept on the device by y-indexeddb and synced over one WebSocket by
 * the Hocuspocus provider. Local state loads first, so the document opens offline.
 */
import { HocuspocusProvider } from '@hocuspocus/provider'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { COLLAB_PATH } from '../../shared/protocol.ts'

/** An open document and its two persistence layers. */
export interface OpenDocument {
  name: string
  ydoc: Y.Doc
  provider: HocuspocusProvider
  local: IndexeddbPersistence
  /** Stops syncing and releases the document. */
  close(): void
}

/** Options for {@link openDocument}. */
export interface OpenDocumentOptions {
  name: string
  token: string
  /** Called when the server refuses the connection (bad token, no access). */
  onRefused?: (reason: string) => void
}

/** WebSocket URL of the collaboration endpoint on the page's own origin. */
export function collabUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${COLLAB_PATH}`
}

/** Opens `name`: IndexedDB first, then the server. */
export function openDocument(options: OpenDocumentOptions): OpenDocument {
  const ydoc = new Y.Doc()
  const local = new IndexeddbPersistence(`collab:${options.name}`, ydoc)
  const provider = new HocuspocusProvider({
    url: collabUrl(),
    name: options.name,
    document: ydoc,
    token: options.token,
    onAuthenticationFailed: ({ reason }) => options.onRefused?.(reason),
  })
  return {
    name: options.name,
    ydoc,
    provider,
    local,
    close() {
      provider.destroy()
      void local.destroy()
      ydoc.destroy()
    },
  }
}
