import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { sharedFrameStats } from '../../server/sync/shared-frame-socket.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'

/** A stock y-websocket client for `document` with `token`, recording close events. */
function yWebsocketClient(httpUrl: string, document: string, token: string | null) {
  const ydoc = new Y.Doc()
  const closes: { code: number; reason: string }[] = []
  const provider = new WebsocketProvider(`${httpUrl.replace(/^http/, 'ws')}/yjs`, document, ydoc, {
    WebSocketPolyfill: WebSocket as never,
    params: token === null ? {} : { token },
    maxBackoffTime: 200,
  })
  provider.on('connection-close', (event: { code: number; reason: string } | null) => {
    if (event) closes.push({ code: event.code, reason: String(event.reason) })
  })
  return { ydoc, provider, closes, destroy: () => provider.destroy() }
}

describe('y-websocket interop', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('[INTEROP1] a stock y-websocket client and a Hocuspocus client co-edit one document, presence included', async () => {
    const hocus = connectClient(server.url, 'interop', await testToken('Alice'))
    const ywc = yWebsocketClient(server.url, 'interop', await testToken('Yuri'))
    try {
      await waitFor(() => hocus.provider.synced && ywc.provider.synced, 'both synced')
      paragraphText(hocus.ydoc).insert(0, 'hello')
      await waitForSaved(hocus)
      await waitFor(() => bodyText(ywc.ydoc) === 'hello', 'y-websocket client receives the Hocuspocus edit')
      paragraphText(ywc.ydoc).insert(5, ' world')
      await waitFor(() => bodyText(hocus.ydoc) === 'hello world', 'Hocuspocus client receives the y-websocket edit')
      ywc.provider.awareness.setLocalStateField('user', { name: 'Yuri' })
      await waitFor(
        () => [...hocus.provider.awareness!.getStates().values()].some((state) => state.user?.name === 'Yuri'),
        'presence crosses the bridge',
      )
      // The y-websocket edit went through the same storage and change log.
      await server.writer.whenDurable()
      const stored = new Y.Doc()
      const load = await server.store.load('interop')
      if (load?.snapshot) Y.applyUpdate(stored, load.snapshot)
      for (const update of load?.updates ?? []) Y.applyUpdate(stored, update)
      expect(bodyText(stored)).toBe('hello world')
    } finally {
      hocus.destroy()
      ywc.destroy()
    }
  })

  it('[INTEROP2] the same authentication applies: no token or a forged one is closed with 4401 and gets no content', async () => {
    const writer = connectClient(server.url, 'interop-secret', await testToken('Alice'))
    await waitFor(() => writer.provider.synced, 'synced')
    paragraphText(writer.ydoc).insert(0, 'secret')
    await waitForSaved(writer)
    writer.destroy()
    const anonymous = yWebsocketClient(server.url, 'interop-secret', null)
    const forged = yWebsocketClient(server.url, 'interop-secret', 'eyJhbGciOiJIUzI1NiJ9.e30.forged')
    try {
      await waitFor(() => anonymous.closes.length > 0 && forged.closes.length > 0, 'both closed')
      expect(anonymous.closes[0]).toMatchObject({ code: CLOSE_CODES.unauthorized.code })
      expect(anonymous.closes[0]!.reason).toContain('no token')
      expect(forged.closes[0]!.code).toBe(CLOSE_CODES.unauthorized.code)
      expect(bodyText(anonymous.ydoc)).toBe('')
      expect(bodyText(forged.ydoc)).toBe('')
    } finally {
      anonymous.destroy()
      forged.destroy()
    }
  })

  it('[INTEROP3] the same roles apply: a viewer receives the document but its edits are not applied', async () => {
    const editor = connectClient(server.url, 'interop-view', await testToken('Alice'))
    await waitFor(() => editor.provider.synced, 'synced')
    paragraphText(editor.ydoc).insert(0, 'read me')
    await waitForSaved(editor)
    const viewer = yWebsocketClient(server.url, 'interop-view', await testToken('Vic', { grants: { 'interop-view': 'viewer' } }))
    const stranger = yWebsocketClient(server.url, 'interop-view', await testToken('Sam', { grants: { other: 'editor' } }))
    try {
      await waitFor(() => viewer.provider.synced && bodyText(viewer.ydoc) === 'read me', 'viewer receives the document')
      paragraphText(viewer.ydoc).insert(0, 'vandal ')
      // A later editor change proves the viewer's earlier message was processed (and dropped).
      paragraphText(editor.ydoc).insert(7, '!')
      await waitForSaved(editor)
      await waitFor(() => bodyText(viewer.ydoc).endsWith('read me!'), 'viewer receives later edits')
      expect(bodyText(editor.ydoc)).toBe('read me!')
      await waitFor(() => stranger.closes.length > 0, 'stranger closed')
      expect(stranger.closes[0]!.code).toBe(CLOSE_CODES.forbidden.code)
      expect(bodyText(stranger.ydoc)).toBe('')
    } finally {
      editor.destroy()
      viewer.destroy()
      stranger.destroy()
    }
  })

  it('[INTEROP1] a broadcast to several y-websocket readers is framed once for all of them, and each gets every keystroke in order', async () => {
    const writer = connectClient(server.url, 'interop-fanout', await testToken('Writer'))
    const readers = await Promise.all([1, 2, 3, 4, 5].map(async (i) => yWebsocketClient(server.url, 'interop-fanout', await testToken(`Reader ${i}`))))
    try {
      await waitFor(() => writer.provider.synced && readers.every((reader) => reader.provider.synced), 'all synced')
      const text = paragraphText(writer.ydoc)
      await waitFor(() => readers.every((reader) => reader.ydoc.getXmlFragment('default').length === 1), 'the paragraph at every reader')
      const before = { ...sharedFrameStats }
      for (const letter of 'abcdefgh') {
        text.insert(text.length, letter)
        await waitFor(() => readers.every((reader) => bodyText(reader.ydoc) === text.toString()), `${letter} at every reader`)
      }
      // Eight broadcasts to five readers: each framed once and reused for the four others.
      expect(sharedFrameStats.reused - before.reused).toBeGreaterThanOrEqual(8 * 4)
      expect(sharedFrameStats.fallback - before.fallback).toBe(0)
    } finally {
      writer.destroy()
      for (const reader of readers) reader.destroy()
    }
  })

  it('[INTEROP4] the same limits apply: an oversized message closes the socket with 1009', async () => {
    const small = await startTestServer({ MAX_MESSAGE_BYTES: '2048' })
    const client = yWebsocketClient(small.url, 'interop-big', await testToken('Alice'))
    try {
      await waitFor(() => client.provider.synced, 'synced')
      paragraphText(client.ydoc).insert(0, 'x'.repeat(10_000))
      await waitFor(() => client.closes.some((close) => close.code === 1009), 'closed for size')
      expect(small.hocuspocus.documents.get('interop-big')?.getXmlFragment('default').length ?? 0).toBe(0)
    } finally {
      client.destroy()
      await small.close()
    }
  })
})
