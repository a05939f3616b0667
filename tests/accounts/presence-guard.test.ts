/**
 * What a hostile client can do to presence and, as a viewer, to the document: raw frames against
 * a real server, an honest provider watching.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { bodyText, paragraphText, waitFor } from '../helpers/clients.ts'
import { collabUrl, startTestServer, testToken } from '../helpers/server.ts'
import { Person } from './people.ts'
import { MSG, RawClient } from './raw-client.ts'

/** An awareness update carrying `states` for the given client ids (clock 1 each). */
function awarenessUpdate(states: Map<number, Record<string, unknown>>): Uint8Array {
  const awareness = new Awareness(new Y.Doc())
  for (const id of states.keys()) awareness.meta.set(id, { clock: 1, lastUpdated: Date.now() })
  return encodeAwarenessUpdate(awareness, [...states.keys()], states)
}

describe('presence and viewer guard', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let olive: Person
  let doc: string
  const cleanups: (() => void)[] = []

  function watcher(token: string, name: string) {
    const ydoc = new Y.Doc()
    const socket = new HocuspocusProviderWebsocket({ url: collabUrl(server.url), delay: 50, minDelay: 50, maxDelay: 500, jitter: false })
    const stateless: string[] = []
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: doc, document: ydoc, token, onStateless: ({ payload }) => void stateless.push(payload) })
    provider.attach()
    provider.setAwarenessField('user', { id: 'ignored', name, color: '#123456' })
    cleanups.push(() => {
      provider.destroy()
      socket.destroy()
    })
    return { ydoc, provider, stateless }
  }
  async function raw(token: string) {
    const client = await RawClient.open(server.url)
    cleanups.push(() => client.close())
    client.auth(doc, token)
    client.sync(doc, 0, Y.encodeStateVector(new Y.Doc()))
    await waitFor(() => client.framesOf(doc, MSG.auth, 2).length > 0, 'raw client authenticated')
    return client
  }

  beforeAll(async () => {
    server = await startTestServer()
    olive = new Person(server.url, 'olive')
    await olive.register({ name: 'Olive' })
    doc = (await olive.api('POST', '/api/documents', { markdown: 'original' })).body.name
    for (const [username, role] of [
      ['vic', 'viewer'],
      ['mal', 'editor'],
    ] as const) {
      const person = new Person(server.url, username)
      await person.register({ name: username === 'vic' ? 'Vic' : 'Mal' })
      await olive.api('POST', `/api/documents/${doc}/members`, { user: username, role })
    }
  })
  afterAll(async () => {
    cleanups.forEach((cleanup) => cleanup())
    await server.close()
  })

  it('[ACCT10] nobody can claim another user\'s name or another connection\'s clientID; viewers publish only user and cursor', async () => {
    const oliveClient = watcher(await olive.token(), 'Olive')
    const observer = watcher(await testToken('Observer'), 'Observer')
    const oliveId = (await olive.call('GET', '/api/auth/session')).body.user.id as string
    await waitFor(() => observer.provider.awareness!.getStates().get(oliveClient.ydoc.clientID)?.user?.name === 'Olive', 'observer sees Olive')
    // The server wrote Olive's real id over the one her client claimed.
    expect(observer.provider.awareness!.getStates().get(oliveClient.ydoc.clientID)!.user.id).toBe(oliveId)

    const mal = new Person(server.url, 'mal')
    await mal.call('POST', '/api/auth/signin', { login: 'mal', password: mal.password })
    const malId = (await mal.call('GET', '/api/auth/session')).body.user.id as string
    const attacker = await raw(await mal.token())
    const malClientId = 424242
    attacker.awareness(
      doc,
      awarenessUpdate(
        new Map([
          [malClientId, { user: { id: oliveId, name: 'Olive', color: '#ff0000' }, cursor: null, note: 'editors may publish more' }],
          // Olive's own clientID: would move her caret and rename her entry.
          [oliveClient.ydoc.clientID, { user: { id: oliveId, name: 'Olive (hacked)' } }],
        ]),
      ),
    )
    await waitFor(() => observer.provider.awareness!.getStates().has(malClientId), 'attacker presence arrives')
    expect(observer.provider.awareness!.getStates().get(malClientId)).toEqual({ user: { id: malId, name: 'Mal', color: '#ff0000' }, cursor: null, note: 'editors may publish more' })
    expect(observer.provider.awareness!.getStates().get(oliveClient.ydoc.clientID)!.user).toMatchObject({ id: oliveId, name: 'Olive' })
    // A second clientID on the same connection is dropped too.
    attacker.awareness(doc, awarenessUpdate(new Map([[malClientId + 1, { user: { name: 'Sock puppet' } }]])))

    const vic = new Person(server.url, 'vic')
    await vic.call('POST', '/api/auth/signin', { login: 'vic', password: vic.password })
    const viewer = await raw(await vic.token())
    const viewerClientId = 777001
    viewer.awareness(
      doc,
      awarenessUpdate(new Map([[viewerClientId, { user: { id: oliveId, name: 'Olive', color: '#00ff00', role: 'owner', avatar: 'x'.repeat(1000) }, cursor: { anchor: 1, head: 2 }, comment: 'spam' }]])),
    )
    await waitFor(() => observer.provider.awareness!.getStates().has(viewerClientId), 'viewer presence arrives')
    expect(observer.provider.awareness!.getStates().get(viewerClientId)).toEqual({ user: { id: expect.stringMatching(/^u_/), name: 'Vic', color: '#00ff00' }, cursor: { anchor: 1, head: 2 } })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(observer.provider.awareness!.getStates().has(malClientId + 1)).toBe(false)
    const names = [...observer.provider.awareness!.getStates().values()].map((state) => state.user?.name).sort()
    expect(names).toEqual(['Mal', 'Observer', 'Olive', 'Vic'])
  })

  it('[ACCT11][AUTH6] a viewer\'s update, sync step 2 and stateless frames change nothing anywhere', async () => {
    const observer = watcher(await testToken('Peer'), 'Peer')
    await waitFor(() => observer.provider.synced, 'peer synced')
    const before = bodyText(observer.ydoc)
    expect(before).toBe('original')
    const vic = new Person(server.url, 'vic')
    await vic.call('POST', '/api/auth/signin', { login: 'vic', password: vic.password })
    const viewer = await raw(await vic.token())
    await waitFor(() => viewer.framesOf(doc, MSG.sync, 1).length > 0, 'viewer got the document')
    // Build real edits on a replica of the document.
    const replica = new Y.Doc()
    Y.applyUpdate(replica, viewer.framesOf(doc, MSG.sync, 1)[0]!.payload!)
    const base = Y.encodeStateVector(replica)
    paragraphText(replica).insert(0, 'VIEWER WROTE THIS ')
    const edit = Y.encodeStateAsUpdate(replica, base)
    viewer.sync(doc, 2, edit)
    viewer.sync(doc, 1, Y.encodeStateAsUpdate(replica))
    viewer.send(doc, MSG.stateless, (encoder) => encoding.writeVarString(encoder, 'viewer says hi'))
    viewer.send(doc, MSG.broadcastStateless, (encoder) => encoding.writeVarString(encoder, 'viewer broadcasts'))
    // Let the server handle everything, then check the store, the live document and the peer.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(bodyText(observer.ydoc)).toBe(before)
    expect(observer.stateless).toEqual([])
    const live = server.hocuspocus.documents.get(doc)!
    expect(bodyText(live)).toBe(before)
    await server.writer.whenDurable()
    const stored = await server.store.load(doc)
    const storedDoc = new Y.Doc()
    if (stored?.snapshot) Y.applyUpdate(storedDoc, stored.snapshot)
    for (const update of stored?.updates ?? []) Y.applyUpdate(storedDoc, update)
    expect(bodyText(storedDoc)).toBe(before)
    expect(bodyText(storedDoc)).not.toContain('VIEWER')
    // An editor's same edit does go through (the test would pass vacuously otherwise).
    const mal = new Person(server.url, 'mal')
    await mal.call('POST', '/api/auth/signin', { login: 'mal', password: mal.password })
    const editor = await raw(await mal.token())
    editor.sync(doc, 2, edit)
    await waitFor(() => bodyText(observer.ydoc).startsWith('VIEWER WROTE THIS'), 'an editor\'s identical update applies')
  })
})
