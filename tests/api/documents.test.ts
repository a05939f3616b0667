import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { META_MAP, TITLE_KEY } from '../../shared/protocol.ts'
import { connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from './api-client.ts'

describe('Documents API', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let alice: string
  beforeAll(async () => {
    server = await startTestServer()
    alice = await testToken('Alice')
  })
  afterAll(async () => {
    await server.close()
  })

  it('[API1] refuses requests without a valid bearer token with a problem', async () => {
    const response = await api(server.url, 'GET', '/api/documents')
    expect(response.status).toBe(401)
    expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' })
    const bad = await api(server.url, 'GET', '/api/documents', { token: 'nonsense' })
    expect(bad.status).toBe(401)
  })

  it('[API2] creates a document with a generated name and lists it newest first with its title and author', async () => {
    const first = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'First' } })
    expect(first.status).toBe(201)
    expect(first.body.name).toMatch(/^[a-z0-9]{12}$/)
    expect(first.body.title).toBe('First')
    const second = await api(server.url, 'POST', '/api/documents', { token: alice, body: {} })
    expect(second.status).toBe(201)
    expect(second.body.title).toBe('')
    const list = await api(server.url, 'GET', '/api/documents', { token: alice })
    expect(list.status).toBe(200)
    const names = list.body.documents.map((doc: { name: string }) => doc.name)
    expect(names.indexOf(second.body.name)).toBeLessThan(names.indexOf(first.body.name))
    const entry = list.body.documents.find((doc: { name: string }) => doc.name === first.body.name)
    expect(entry).toMatchObject({ title: 'First', updatedBy: { id: 'alice', name: 'Alice' }, role: 'owner' })
    expect(new Date(entry.updatedAt).toISOString()).toBe(entry.updatedAt)
  })

  it('[API3] renaming writes meta.title into the CRDT, so a connected editor sees it live', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'Old' } })
    const client = connectClient(server.url, created.body.name, await testToken('Bob'))
    try {
      await waitFor(() => client.provider.synced, 'synced')
      expect(client.ydoc.getMap(META_MAP).get(TITLE_KEY)).toBe('Old')
      const renamed = await api(server.url, 'PATCH', `/api/documents/${created.body.name}`, { token: alice, body: { title: 'New title' } })
      expect(renamed.status).toBe(200)
      await waitFor(() => client.ydoc.getMap(META_MAP).get(TITLE_KEY) === 'New title', 'title to arrive')
      const got = await api(server.url, 'GET', `/api/documents/${created.body.name}`, { token: alice })
      expect(got.body).toMatchObject({ name: created.body.name, title: 'New title', role: 'owner' })
    } finally {
      client.destroy()
    }
  })

  it('[API4] lists documents created over the WebSocket, with the last editor', async () => {
    const client = connectClient(server.url, 'ws-made', await testToken('Carol'))
    try {
      await waitFor(() => client.provider.synced, 'synced')
      paragraphText(client.ydoc).insert(0, 'hello')
      await waitForSaved(client)
      const list = await api(server.url, 'GET', '/api/documents', { token: alice })
      expect(list.body.documents[0]).toMatchObject({ name: 'ws-made', updatedBy: { id: 'carol', name: 'Carol' } })
    } finally {
      client.destroy()
    }
  })

  it('[API5] deleting closes connections, removes the content, and refuses reconnects', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'Doomed' } })
    const name = created.body.name as string
    const client = connectClient(server.url, name, alice)
    try {
      await waitFor(() => client.provider.synced, 'synced')
      paragraphText(client.ydoc).insert(0, 'secret')
      await waitForSaved(client)
      const deleted = await api(server.url, 'DELETE', `/api/documents/${name}`, { token: alice })
      expect(deleted.status).toBe(204)
      // Hocuspocus closes the document on the open socket; the provider is no longer synced.
      await waitFor(() => !client.provider.synced, 'connection closed')
      expect(await server.store.load(name)).toBeNull()
      const again = connectClient(server.url, name, alice)
      try {
        await waitFor(() => again.refusals.some((reason) => reason.includes('was deleted')), 'reconnect refused')
        expect(again.ydoc.share.size === 0 || again.ydoc.getXmlFragment('default').length === 0).toBe(true)
      } finally {
        again.destroy()
      }
      const list = await api(server.url, 'GET', '/api/documents', { token: alice })
      expect(list.body.documents.map((doc: { name: string }) => doc.name)).not.toContain(name)
      expect((await api(server.url, 'GET', `/api/documents/${name}`, { token: alice })).body.code).toBe('document-not-found')
    } finally {
      client.destroy()
    }
  })

  it('[API6] validates input and answers with stable problem codes', async () => {
    const long = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'x'.repeat(300) } })
    expect(long.status).toBe(400)
    expect(long.body).toMatchObject({ code: 'invalid-body' })
    expect(long.body.detail).toContain('title')
    const extra = await api(server.url, 'POST', '/api/documents', { token: alice, body: { titel: 'typo' } })
    expect(extra.body.code).toBe('invalid-body')
    expect(extra.body.detail).toContain('titel')
    const notJson = await api(server.url, 'POST', '/api/documents', { token: alice, body: '{nope', contentType: 'application/json' })
    expect(notJson.body.code).toBe('invalid-body')
    const badName = await api(server.url, 'PATCH', '/api/documents/..bad', { token: alice, body: { title: 'x' } })
    expect(badName.body.code).toBe('invalid-document-name')
    const missing = await api(server.url, 'PATCH', '/api/documents/nothing-here', { token: alice, body: { title: 'x' } })
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe('document-not-found')
    const method = await api(server.url, 'PUT', '/api/documents', { token: alice })
    expect(method.status).toBe(405)
    expect(method.body.code).toBe('method-not-allowed')
  })

  it('[API13] refuses changes from other sites (cookies would ride along), allows reads and same-origin changes', async () => {
    const evil = await fetch(`${server.url}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(evil.status).toBe(403)
    expect(((await evil.json()) as { code: string }).code).toBe('forbidden')
    const same = await fetch(`${server.url}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, origin: server.url, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(same.status).toBe(201)
    const read = await fetch(`${server.url}/api/documents`, { headers: { authorization: `Bearer ${alice}`, origin: 'http://evil.example' } })
    expect(read.status).toBe(200)
  })

  it('[API7] roles come from the same access policy: a viewer may read but not rename or delete, others get 403', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'Shared' } })
    const name = created.body.name as string
    const viewer = await testToken('Vera', { grants: { [name]: 'viewer' } })
    const list = await api(server.url, 'GET', '/api/documents', { token: viewer })
    expect(list.body.documents).toEqual([expect.objectContaining({ name, role: 'viewer' })])
    expect((await api(server.url, 'GET', `/api/documents/${name}`, { token: viewer })).status).toBe(200)
    const rename = await api(server.url, 'PATCH', `/api/documents/${name}`, { token: viewer, body: { title: 'Mine' } })
    expect(rename.status).toBe(403)
    expect(rename.body.code).toBe('forbidden')
    expect((await api(server.url, 'DELETE', `/api/documents/${name}`, { token: viewer })).status).toBe(403)
    const stranger = await testToken('Sam', { grants: { other: 'editor' } })
    expect((await api(server.url, 'GET', `/api/documents/${name}`, { token: stranger })).status).toBe(403)
  })
})
