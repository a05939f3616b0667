/**
 * Authentication and read-only access against a real server with real provider clients.
 */
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintToken } from '../server/auth/tokens.ts'
import { BODY_FRAGMENT } from '../shared/protocol.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { startTestServer, testToken } from './helpers/server.ts'

describe('authentication', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let owner: TestClient
  const clients: TestClient[] = []

  beforeAll(async () => {
    server = await startTestServer()
    owner = connectClient(server.url, 'secret-doc', await testToken('Owner'))
    await waitFor(() => owner.provider.synced, 'owner synced')
    paragraphText(owner.ydoc).insert(0, 'confidential')
    await waitForSaved(owner)
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    owner.destroy()
    await server.close()
  })

  async function expectRefused(token: string, expectedReason: RegExp, document = 'secret-doc') {
    const client = connectClient(server.url, document, token)
    clients.push(client)
    await waitFor(() => client.refusals.length > 0, 'a permission-denied message')
    expect(client.refusals[0]).toMatch(expectedReason)
    // Not one byte of the document reached the refused client.
    expect(client.ydoc.getXmlFragment(BODY_FRAGMENT).length).toBe(0)
    expect(client.provider.isAuthenticated).toBe(false)
  }

  it('[AUTH1] refuses a connection without a token', async () => {
    await expectRefused('', /^unauthorized: no token/)
  })

  it('[AUTH2] refuses a token signed with another secret', async () => {
    const forged = await mintToken('another-secret-another-secret-another-secret', { user: { id: 'mallory', name: 'Mallory' } })
    await expectRefused(forged, /^unauthorized: token signature invalid/)
  })

  it('[AUTH3] refuses an expired token', async () => {
    const expired = await mintToken((await import('./helpers/server.ts')).TEST_SECRET, {
      user: { id: 'late', name: 'Late' },
      expiresIn: Math.floor(Date.now() / 1000) - 10,
    })
    await expectRefused(expired, /^unauthorized: token expired/)
  })

  it('[AUTH4] refuses a token whose grants name other documents', async () => {
    await expectRefused(await testToken('Eve', { grants: { 'other-doc': 'editor' } }), /^forbidden: no access to document "secret-doc"/)
  })

  it('[AUTH5] refuses an invalid document name with a clear reason', async () => {
    await expectRefused(await testToken('Alice'), /^invalid-document-name: document name may contain only/, 'bad name!')
  })

  it('[AUTH6] a viewer receives the document but its updates are not applied, stored or broadcast', async () => {
    const viewer = connectClient(server.url, 'secret-doc', await testToken('Viewer', { grants: { 'secret-doc': 'viewer' } }))
    clients.push(viewer)
    await waitFor(() => viewer.provider.synced && bodyText(viewer.ydoc) === 'confidential', 'viewer sees the document')
    expect(viewer.provider.authorizedScope).toBe('readonly')

    const broadcasts: Uint8Array[] = []
    owner.ydoc.on('update', (update: Uint8Array) => broadcasts.push(update))
    paragraphText(viewer.ydoc).insert(0, 'VANDALISM ')
    // Give the server time to (wrongly) apply and broadcast, then prove nothing moved.
    await new Promise((resolve) => setTimeout(resolve, 300))
    await server.writer.whenDurable()

    expect(broadcasts).toHaveLength(0)
    expect(bodyText(owner.ydoc)).toBe('confidential')
    expect(bodyText(server.hocuspocus.documents.get('secret-doc')!)).toBe('confidential')
    const stored = await server.store.load('secret-doc')
    const replica = new Y.Doc()
    if (stored?.snapshot) Y.applyUpdate(replica, stored.snapshot)
    for (const update of stored?.updates ?? []) Y.applyUpdate(replica, update)
    expect(bodyText(replica)).toBe('confidential')
    // The viewer is told its change was not saved.
    expect(viewer.provider.hasUnsyncedChanges).toBe(true)
  })

  it('[AUTH7] an editor grant for the document opens it read-write', async () => {
    const editor = connectClient(server.url, 'secret-doc', await testToken('Editor', { grants: { 'secret-doc': 'editor' } }))
    clients.push(editor)
    await waitFor(() => editor.provider.synced && bodyText(editor.ydoc) === 'confidential', 'editor synced')
    expect(editor.provider.authorizedScope).toBe('read-write')
  })
})
