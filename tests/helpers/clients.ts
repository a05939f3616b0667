/**
 * Real Hocuspocus provider clients for tests, and small waiting helpers.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import * as Y from 'yjs'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'
import { collabUrl } from './server.ts'

/** A provider with its own Y.Doc and socket. */
export interface TestClient {
  ydoc: Y.Doc
  provider: HocuspocusProvider
  socket: HocuspocusProviderWebsocket
  /** Reasons from permission-denied messages. */
  refusals: string[]
  destroy(): void
}

/**
 * Connects a provider to `document` on the server at `httpUrl`. `webSocketClass` replaces the
 * global WebSocket (the HTTP fallback's tests pass their transports here).
 */
export function connectClient(httpUrl: string, document: string, token: string, ydoc = new Y.Doc(), webSocketClass?: unknown): TestClient {
  const socket = new HocuspocusProviderWebsocket({
    url: collabUrl(httpUrl),
    WebSocketPolyfill: webSocketClass, // undefined: the global WebSocket
    delay: 50,
    minDelay: 50,
    maxDelay: 500,
    jitter: false,
  })
  const refusals: string[] = []
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: document,
    document: ydoc,
    token,
    onAuthenticationFailed: ({ reason }) => refusals.push(reason),
  })
  provider.attach()
  return {
    ydoc,
    provider,
    socket,
    refusals,
    destroy() {
      provider.destroy()
      socket.destroy()
    },
  }
}

/** Polls `condition` every 10 ms until true, or throws after `timeoutMs` with `message`. */
export async function waitFor(condition: () => boolean, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Resolves once the provider has synced and the server acknowledged every local change. */
export function waitForSaved(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => client.provider.synced && !client.provider.hasUnsyncedChanges, 'all changes acknowledged', timeoutMs)
}

/** The single paragraph text used by text-level tests: first paragraph of the body, created if missing. */
export function paragraphText(ydoc: Y.Doc): Y.XmlText {
  const body = ydoc.getXmlFragment(BODY_FRAGMENT)
  let paragraph = body.get(0) as Y.XmlElement | undefined
  if (!paragraph) {
    ydoc.transact(() => {
      paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText()])
      body.insert(0, [paragraph])
    })
  }
  return paragraph!.get(0) as Y.XmlText
}

/** Plain text of the body: paragraphs' text joined by newlines. */
export function bodyText(ydoc: Y.Doc): string {
  return ydoc
    .getXmlFragment(BODY_FRAGMENT)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((child) => (child instanceof Y.XmlText ? child.toString() : '')).join('') : ''))
    .join('\n')
}
