/**
 * Test clients on the HTTP fallback: a real Hocuspocus provider whose socket is an
 * {@link HttpFallbackSocket} (forced HTTP) or the adaptive transport (WebSocket first).
 */
import * as Y from 'yjs'
import { HttpFallbackSocket, type HttpSocketOptions } from '../../client/sync/http-fallback/http-socket.ts'
import { createTransportSelector, type TransportSelector, type TransportSelectorOptions } from '../../client/sync/http-fallback/transport-selector.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'

/** A test client that also exposes its transport. */
export interface FallbackTestClient extends TestClient {
  /** The HTTP socket in use (forced clients), or null. */
  readonly httpSocket: HttpFallbackSocket | null
  /** The selector (adaptive clients), or null. */
  readonly selector: TransportSelector | null
}

/** Fast retries for tests. */
const TEST_HTTP_OPTIONS: Partial<HttpSocketOptions> = { retryDelayMs: 50, ackDelayMs: 200 }

/** Connects a provider to `document` over HTTP only (WebSockets never tried). */
export function connectHttpClient(httpUrl: string, document: string, token: string, ydoc = new Y.Doc()): FallbackTestClient {
  let current: HttpFallbackSocket | null = null
  class TestHttpSocket extends HttpFallbackSocket {
    constructor(url: string) {
      super(url, TEST_HTTP_OPTIONS)
      current = this
    }
  }
  const client = connectClient(httpUrl, document, token, ydoc, TestHttpSocket)
  // A live getter (Object.assign would copy the first socket): the provider makes a new one per connection.
  return Object.defineProperties(client as FallbackTestClient, {
    httpSocket: { get: () => current },
    selector: { value: null },
  })
}

/** Connects a provider through the adaptive transport (WebSocket first, HTTP when it fails). */
export function connectAdaptiveClient(
  httpUrl: string,
  document: string,
  token: string,
  options: Partial<TransportSelectorOptions> = {},
  ydoc = new Y.Doc(),
): FallbackTestClient {
  const selector = createTransportSelector({ http: TEST_HTTP_OPTIONS, ...options })
  const client = connectClient(httpUrl, document, token, ydoc, selector.WebSocket)
  return {
    ...client,
    httpSocket: null,
    selector,
    destroy() {
      client.destroy()
      selector.destroy()
    },
  }
}
