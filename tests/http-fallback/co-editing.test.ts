/**
 * [HTTP1-HTTP3] A client on the HTTP fallback (SSE down, POST up) is a full participant: it
 * co-edits text and formatting with a WebSocket client, shares cursors, gets durable "saved",
 * resumes a cut event stream without losing or repeating anything, and is refused without a
 * valid token, exactly like a WebSocket client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { mintToken } from '../../server/auth/tokens.ts'
import type { RunningServer } from '../../server/app.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { connectHttpClient } from './http-clients.ts'
import { startProxy, type TestProxy } from './proxy.ts'

let server: RunningServer
const clients: TestClient[] = []
const track = <T extends TestClient>(client: T): T => (clients.push(client), client)

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  clients.forEach((client) => client.destroy())
  await server.close()
})

describe('HTTP fallback transport', () => {
  it('[HTTP1] co-edits text and formatting with a WebSocket client and gets durable acknowledgements', async () => {
    const http = track(connectHttpClient(server.url, 'http-coedit', await testToken('Hana')))
    const ws = track(connectClient(server.url, 'http-coedit', await testToken('Wes')))
    await waitForSaved(http)
    await waitForSaved(ws)

    paragraphText(http.ydoc).insert(0, 'over http')
    await waitFor(() => bodyText(ws.ydoc) === 'over http', 'HTTP edit reaches the WebSocket client')
    paragraphText(ws.ydoc).insert(0, 'and ws, ')
    await waitFor(() => bodyText(http.ydoc) === 'and ws, over http', 'WebSocket edit reaches the HTTP client')

    paragraphText(http.ydoc).format(0, 3, { bold: true })
    await waitFor(() => JSON.stringify(paragraphText(ws.ydoc).toDelta()[0]?.attributes) === '{"bold":true}', 'formatting reaches the WebSocket client')
    paragraphText(ws.ydoc).format(4, 2, { italic: true })
    await waitFor(() => paragraphText(http.ydoc).toDelta().some((op: { attributes?: object }) => JSON.stringify(op.attributes) === '{"italic":true}'), 'formatting reaches the HTTP client')

    // "Saved" over HTTP means stored, as on a WebSocket [DUR2].
    await waitForSaved(http)
    const stored = new Y.Doc()
    const record = (await server.store.load('http-coedit'))!
    for (const update of [record.snapshot, ...record.updates]) if (update) Y.applyUpdate(stored, update)
    expect(paragraphText(stored).toDelta()).toEqual(paragraphText(http.ydoc).toDelta())
    expect(paragraphText(stored).toString()).toBe('<bold>and</bold> <italic>ws</italic>, over http')
    expect(http.httpSocket?.readyState).toBe(1)
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { httpSessions: number }
    expect(health.httpSessions).toBeGreaterThanOrEqual(1)
  })

  it('[HTTP1] shares cursors (awareness) both ways', async () => {
    const http = track(connectHttpClient(server.url, 'http-cursors', await testToken('Hana')))
    const ws = track(connectClient(server.url, 'http-cursors', await testToken('Wes')))
    await waitForSaved(http)
    await waitForSaved(ws)
    http.provider.setAwarenessField('user', { name: 'Hana' })
    http.provider.setAwarenessField('cursor', { anchor: 3, head: 5 })
    ws.provider.setAwarenessField('user', { name: 'Wes' })
    const names = (client: TestClient) => [...client.provider.awareness!.getStates().values()].map((state) => (state.user as { name?: string } | undefined)?.name)
    const hanaCursor = () => [...ws.provider.awareness!.getStates().values()].find((state) => (state.user as { name?: string } | undefined)?.name === 'Hana')?.cursor
    await waitFor(() => hanaCursor() !== undefined, 'the HTTP client\'s cursor reaches the WebSocket client')
    expect(hanaCursor()).toEqual({ anchor: 3, head: 5 })
    await waitFor(() => names(http).includes('Wes'), 'the WebSocket client is present for the HTTP client')
    ws.provider.setAwarenessField('cursor', { anchor: 1, head: 1 })
    await waitFor(() => [...http.provider.awareness!.getStates().values()].some((state) => JSON.stringify(state.cursor) === '{"anchor":1,"head":1}'), 'the WebSocket client\'s cursor reaches the HTTP client')
  })

  it('[HTTP2] converges after its event stream is cut mid-session, resuming without loss or repeats', async () => {
    const proxy: TestProxy = await startProxy(server.url)
    try {
      const http = track(connectHttpClient(proxy.url, 'http-cut', await testToken('Hana')))
      const ws = track(connectClient(server.url, 'http-cut', await testToken('Wes')))
      await waitForSaved(http)
      await waitForSaved(ws)
      const session = http.httpSocket!.sessionId
      let received = 0
      http.ydoc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin === http.provider) received++
      })

      for (let round = 0; round < 3; round++) {
        expect(proxy.cutStreams()).toBeGreaterThan(0)
        // Edits on both sides while the stream is down.
        for (let i = 0; i < 20; i++) paragraphText(ws.ydoc).insert(paragraphText(ws.ydoc).length, `w${round}.${i} `)
        paragraphText(http.ydoc).insert(0, `h${round} `)
        await waitFor(() => bodyText(http.ydoc) === bodyText(ws.ydoc) && bodyText(ws.ydoc).includes(`h${round} `) && bodyText(http.ydoc).includes(`w${round}.19`), `round ${round} converges`)
      }
      await waitForSaved(http)
      // The same session carried on (resumed with Last-Event-ID), not a reconnect with a full resync.
      expect(http.httpSocket!.sessionId).toBe(session)
      expect(http.httpSocket!.resumes).toBeGreaterThanOrEqual(3)
      // Every server message arrived exactly once, in order: ids 1..n with no gap and no repeat.
      expect(http.httpSocket!.received).toBe(http.httpSocket!.lastEventId)
      // Each WebSocket edit arrived once: no repeats after resuming (3 rounds × 20 edits, possibly merged).
      expect(received).toBeGreaterThan(0)
      expect(received).toBeLessThanOrEqual(60)
      expect(bodyText(http.ydoc)).toBe(bodyText(ws.ydoc))
    } finally {
      await proxy.close()
    }
  })

  it('[HTTP2] when its session is lost (expired, server restarted) it reconnects with a new one and converges', async () => {
    const http = track(connectHttpClient(server.url, 'http-lost', await testToken('Hana')))
    const ws = track(connectClient(server.url, 'http-lost', await testToken('Wes')))
    await waitForSaved(http)
    paragraphText(http.ydoc).insert(0, 'before')
    await waitFor(() => bodyText(ws.ydoc) === 'before', 'first edit arrives')
    const lost = http.httpSocket!.sessionId
    // The server forgets the session (as after an idle expiry); the client's stream ends and its resume gets 404.
    expect((await fetch(`${server.url}/collab-http/sessions/${lost}`, { method: 'DELETE' })).status).toBe(204)
    paragraphText(ws.ydoc).insert(6, ' ws')
    paragraphText(http.ydoc).insert(0, 'http ')
    await waitFor(() => http.httpSocket!.sessionId !== lost && http.httpSocket!.readyState === 1, 'a new session')
    await waitFor(() => bodyText(http.ydoc) === 'http before ws' && bodyText(ws.ydoc) === 'http before ws', 'both converge')
    await waitForSaved(http)
  })

  it('[HTTP3] is refused without a valid token and receives no content', async () => {
    const owner = track(connectClient(server.url, 'http-secret', await testToken('Owner')))
    paragraphText(owner.ydoc).insert(0, 'secret')
    await waitForSaved(owner)

    const forged = await mintToken('another-secret-another-secret-another-secret', { user: { id: 'eve', name: 'Eve' } })
    const refused = track(connectHttpClient(server.url, 'http-secret', forged))
    await waitFor(() => refused.refusals.length > 0, 'a refusal over HTTP')
    expect(refused.refusals[0]).toMatch(/^unauthorized/)
    const none = track(connectHttpClient(server.url, 'http-secret', ''))
    await waitFor(() => none.refusals.length > 0, 'a refusal without a token')
    expect(none.refusals[0]).toMatch(/^unauthorized/)
    expect(bodyText(refused.ydoc)).toBe('')
    expect(bodyText(none.ydoc)).toBe('')
  })

  it('[HTTP3] a viewer over HTTP receives the document but its edits are not applied [AUTH6]', async () => {
    const editor = track(connectClient(server.url, 'http-viewer', await testToken('Ed')))
    paragraphText(editor.ydoc).insert(0, 'read me')
    await waitForSaved(editor)
    const viewer = track(connectHttpClient(server.url, 'http-viewer', await testToken('Vi', { grants: { 'http-viewer': 'viewer' } })))
    await waitFor(() => bodyText(viewer.ydoc) === 'read me', 'the viewer receives the document')
    paragraphText(viewer.ydoc).insert(0, 'vandal ')
    paragraphText(editor.ydoc).insert(7, '!')
    await waitFor(() => bodyText(viewer.ydoc).endsWith('read me!'), 'editor changes still reach the viewer')
    expect(bodyText(editor.ydoc)).toBe('read me!')
  })
})
