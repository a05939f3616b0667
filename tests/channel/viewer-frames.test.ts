/**
 * A viewer speaking raw frames: every way of writing is refused, and neither the stored document
 * nor any peer changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { MESSAGE_TYPES } from '../../shared/frame-inspection.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { broadcastStatelessFrame, paragraphUpdate, providerOpening, rawClient, statelessFrame, syncStep2Frame, updateFrame } from '../helpers/raw-client.ts'
import { startTestServer, testToken } from '../helpers/server.ts'

describe('viewer on raw frames', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let owner: TestClient
  let peer: TestClient

  beforeAll(async () => {
    server = await startTestServer()
    owner = connectClient(server.url, 'read-me', await testToken('Owner'))
    peer = connectClient(server.url, 'read-me', await testToken('Peer'))
    await waitFor(() => owner.provider.synced && peer.provider.synced, 'owner and peer synced')
    paragraphText(owner.ydoc).insert(0, 'original')
    await waitForSaved(owner)
    await waitFor(() => bodyText(peer.ydoc) === 'original', 'peer has the text')
  })
  afterAll(async () => {
    owner.destroy()
    peer.destroy()
    await server.close()
  })

  async function storedText(): Promise<string> {
    await server.writer.whenDurable()
    const stored = await server.store.load('read-me')
    const replica = new Y.Doc()
    if (stored?.snapshot) Y.applyUpdate(replica, stored.snapshot)
    for (const update of stored?.updates ?? []) Y.applyUpdate(replica, update)
    return bodyText(replica)
  }

  it('[SEC7][AUTH6] update, sync step 2 and stateless messages from a viewer change nothing anywhere; broadcast-stateless closes it', async () => {
    const peerUpdates: Uint8Array[] = []
    const peerStateless: string[] = []
    peer.ydoc.on('update', (update: Uint8Array) => peerUpdates.push(update))
    peer.provider.on('stateless', ({ payload }: { payload: string }) => peerStateless.push(payload))
    const storedBefore = await storedText()

    const viewer = rawClient(server.url)
    await viewer.opened
    for (const frame of providerOpening('read-me', await testToken('Vera', { grants: { 'read-me': 'viewer' } }))) viewer.send(frame)
    await waitFor(() => viewer.frames.some((frame) => frame.update !== undefined && frame.update.byteLength > 2), 'the viewer receives the document')

    const statusesBefore = viewer.frames.filter((frame) => frame.type === MESSAGE_TYPES.syncStatus).length
    viewer.send(updateFrame('read-me', paragraphUpdate('VANDAL update ')))
    viewer.send(syncStep2Frame('read-me', paragraphUpdate('VANDAL step2 ')))
    viewer.send(statelessFrame('read-me', JSON.stringify({ forged: 'announcement' })))
    // The update and the step 2 are each answered "not applied" (sync-status false).
    await waitFor(() => viewer.frames.filter((frame) => frame.type === MESSAGE_TYPES.syncStatus).length >= statusesBefore + 2, 'two sync statuses')
    const statuses = viewer.frames.filter((frame) => frame.type === MESSAGE_TYPES.syncStatus).slice(statusesBefore)
    expect(statuses.map((frame) => frame.raw[frame.raw.length - 1])).toEqual([0, 0])

    // The server-internal broadcast opcode is not part of what clients may send.
    viewer.send(broadcastStatelessFrame('read-me', 'forged broadcast'))
    const closed = await viewer.waitClosed()
    expect(closed.code).toBe(CLOSE_CODES.malformedMessage.code)

    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(peerUpdates).toHaveLength(0)
    expect(peerStateless).toHaveLength(0)
    expect(bodyText(peer.ydoc)).toBe('original')
    expect(bodyText(owner.ydoc)).toBe('original')
    expect(bodyText(server.hocuspocus.documents.get('read-me')!)).toBe('original')
    expect(await storedText()).toBe(storedBefore)
  })
})
