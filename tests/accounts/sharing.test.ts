/**
 * Per-document roles, invites and share links through the real API and real sockets, and what
 * revoking does to connections that are open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { waitFor } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { Person } from './people.ts'
import { authScope, connectAuthenticated, MSG, RawClient } from './raw-client.ts'

describe('sharing', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let olive: Person
  let vic: Person
  let doc: string
  const sockets: RawClient[] = []
  const open = async (document: string, token: string) => {
    const client = await connectAuthenticated(server.url, document, token)
    sockets.push(client)
    return client
  }

  beforeAll(async () => {
    server = await startTestServer()
    olive = new Person(server.url, 'olive')
    vic = new Person(server.url, 'vic')
    await olive.register({ email: 'olive@example.com', name: 'Olive' })
    await vic.register({ email: 'vic@example.com', name: 'Vic' })
    const created = await olive.api('POST', '/api/documents', { title: 'Plans', markdown: 'secret plans' })
    expect(created.status).toBe(201)
    doc = created.body.name
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await server.close()
  })

  it('[ACCT5] the creator owns the document; others have no access and cannot share it', async () => {
    expect((await olive.api('GET', `/api/documents/${doc}`)).body.role).toBe('owner')
    expect((await vic.api('GET', `/api/documents/${doc}`)).status).toBe(403)
    expect((await vic.api('POST', `/api/documents/${doc}/links`, { role: 'editor' })).status).toBe(403)
    expect((await vic.api('GET', `/api/documents/${doc}/members`)).status).toBe(403)
    const members = await olive.api('GET', `/api/documents/${doc}/members`)
    expect(members.body.members).toEqual([expect.objectContaining({ role: 'owner', source: 'owner', user: expect.objectContaining({ name: 'Olive' }) })])
  })

  it('[ACCT12][AUTH4] a valid token for another document is refused with zero document bytes', async () => {
    const other = (await olive.api('POST', '/api/documents', { markdown: 'other text' })).body.name as string
    // An account token: no role on `doc`.
    const stranger = new Person(server.url, 'stranger')
    await stranger.register()
    const refused = await connectAuthenticated(server.url, doc, await stranger.token())
    // A minted token granting only `other`.
    const scoped = await connectAuthenticated(server.url, doc, await testToken('Scoped', { grants: { [other]: 'editor' } }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    for (const client of [refused, scoped]) {
      expect(authScope(client, doc)).toMatch(/^denied: forbidden: no access to document/)
      expect(client.documentFrames()).toEqual([])
      expect(client.frames.map((frame) => frame.type)).toEqual([MSG.auth])
      client.close()
    }
  })

  it('[ACCT6][ACCT8] owners invite by username or email with a role; changing and removing it reaches the open connection at once', async () => {
    expect((await olive.api('POST', `/api/documents/${doc}/members`, { user: 'nobody@example.com', role: 'viewer' })).status).toBe(404)
    const invited = await olive.api('POST', `/api/documents/${doc}/members`, { user: 'VIC@example.com', role: 'viewer' })
    expect(invited.body).toMatchObject({ role: 'viewer', source: 'invite', user: { name: 'Vic', username: 'vic' } })
    expect((await vic.api('GET', '/api/documents')).body.documents).toEqual([expect.objectContaining({ name: doc, role: 'viewer' })])
    const asViewer = await open(doc, await vic.token())
    expect(authScope(asViewer, doc)).toBe('readonly')
    await waitFor(() => asViewer.framesOf(doc, MSG.sync, 1).length > 0, 'viewer receives the document')

    // Promoted to editor: the read-only connection is told to reconnect, and comes back read-write.
    await olive.api('POST', `/api/documents/${doc}/members`, { user: 'vic', role: 'editor' })
    await waitFor(() => asViewer.framesOf(doc, MSG.close).length > 0, 'access-changed close')
    expect(asViewer.framesOf(doc, MSG.close)[0]!.text).toMatch(/^access-changed: /)
    const asEditor = await open(doc, await vic.token())
    expect(authScope(asEditor, doc)).toBe('read-write')

    const started = Date.now()
    const removed = await olive.api('DELETE', `/api/documents/${doc}/members/${invited.body.user.id}`)
    expect(removed.status).toBe(204)
    await waitFor(() => asEditor.framesOf(doc, MSG.close).length > 0, 'revoked connection closed', 1_000)
    console.log(`[ACCT8] invite revoked -> connection closed in ${Date.now() - started} ms`)
    expect(asEditor.framesOf(doc, MSG.close)[0]!.text).toBe('forbidden: access revoked')
    const again = await open(doc, await vic.token())
    expect(authScope(again, doc)).toMatch(/^denied: forbidden/)
    // The owner cannot be removed or demoted.
    const ownerId = (await olive.call('GET', '/api/auth/session')).body.user.id
    expect((await olive.api('DELETE', `/api/documents/${doc}/members/${ownerId}`)).status).toBe(404)
    expect((await olive.api('POST', `/api/documents/${doc}/members`, { user: 'olive', role: 'viewer' })).status).toBe(409)
  })

  it('[ACCT7][ACCT8] a share link grants its role to a signed-in user or a new guest; revoking it closes their connections and the link', async () => {
    const viewerLink = await olive.api('POST', `/api/documents/${doc}/links`, { role: 'viewer' })
    expect(viewerLink.status).toBe(201)
    expect(viewerLink.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(viewerLink.body.path).toBe(`/share/${viewerLink.body.secret}`)
    const editorLink = await olive.api('POST', `/api/documents/${doc}/links`, { role: 'editor' })
    const listed = await olive.api('GET', `/api/documents/${doc}/links`)
    expect(listed.body.links.map((link: { role: string }) => link.role)).toEqual(['viewer', 'editor'])
    expect(listed.text).not.toContain(viewerLink.body.secret)

    // A visitor without an account becomes a guest with a session of its own.
    const visitor = new Person(server.url, 'visitor')
    const accepted = await visitor.call('POST', '/api/share-links/accept', { secret: viewerLink.body.secret, name: 'Visiting Val' })
    expect(accepted.body).toMatchObject({ document: doc, role: 'viewer', user: { name: 'Visiting Val', kind: 'guest' } })
    expect(visitor.cookie).not.toBeNull()
    // A signed-in user keeps their account.
    const wes = new Person(server.url, 'wes')
    const wesUser = await wes.register()
    expect((await wes.call('POST', '/api/share-links/accept', { secret: editorLink.body.secret })).body).toMatchObject({ role: 'editor', user: { id: wesUser.id } })
    expect((await wes.call('POST', '/api/share-links/accept', { secret: 'x'.repeat(43) })).status).toBe(404)

    const guestSocket = await open(doc, await visitor.token())
    const wesSocket = await open(doc, await wes.token())
    expect(authScope(guestSocket, doc)).toBe('readonly')
    expect(authScope(wesSocket, doc)).toBe('read-write')

    const started = Date.now()
    expect((await olive.api('DELETE', `/api/documents/${doc}/links/${viewerLink.body.id}`)).status).toBe(204)
    await waitFor(() => guestSocket.framesOf(doc, MSG.close).length > 0, 'guest closed', 1_000)
    console.log(`[ACCT8] link revoked -> connection closed in ${Date.now() - started} ms`)
    expect(guestSocket.framesOf(doc, MSG.close)[0]!.text).toBe('forbidden: access revoked')
    // Only the revoked link's people are affected.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(wesSocket.framesOf(doc, MSG.close)).toEqual([])
    expect(authScope(await open(doc, await visitor.token()), doc)).toMatch(/^denied: forbidden/)
    expect((await new Person(server.url, 'late').call('POST', '/api/share-links/accept', { secret: viewerLink.body.secret })).status).toBe(404)
  })

  it('[ACCT5] only the owner may delete; editors may not', async () => {
    const mine = (await olive.api('POST', '/api/documents', {})).body.name as string
    await olive.api('POST', `/api/documents/${mine}/members`, { user: 'vic', role: 'editor' })
    expect((await vic.api('DELETE', `/api/documents/${mine}`)).status).toBe(403)
    expect((await olive.api('DELETE', `/api/documents/${mine}`)).status).toBe(204)
    // Roles of a deleted document are gone with it.
    expect((await vic.api('GET', '/api/documents')).body.documents.map((d: { name: string }) => d.name)).not.toContain(mine)
  })

  it('[ACCT8][INTEROP2] a stock y-websocket client whose access is revoked is closed with 4403', async () => {
    const yan = new Person(server.url, 'yan')
    const yanUser = await yan.register()
    await olive.api('POST', `/api/documents/${doc}/members`, { user: 'yan', role: 'editor' })
    const closes: { code: number; reason: string }[] = []
    const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, doc, new Y.Doc(), {
      WebSocketPolyfill: WebSocket as never,
      params: { token: await yan.token() },
      maxBackoffTime: 200,
    })
    provider.on('connection-close', (event: { code: number; reason: string } | null) => {
      if (event) closes.push({ code: event.code, reason: String(event.reason) })
    })
    try {
      await waitFor(() => provider.synced, 'y-websocket client synced')
      await olive.api('DELETE', `/api/documents/${doc}/members/${yanUser.id}`)
      await waitFor(() => closes.length > 0, 'closed', 2_000)
      expect(closes[0]).toEqual({ code: 4403, reason: 'forbidden: access revoked' })
    } finally {
      provider.destroy()
    }
  })
})
