import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from '../api/api-client.ts'

describe('Change log', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let admin: string
  beforeAll(async () => {
    server = await startTestServer()
    admin = await testToken('Admin')
  })
  afterAll(async () => {
    await server.close()
  })

  it('[LOG1] records who changed which document, when, and how many bytes; queryable by time and user', async () => {
    const before = new Date(Date.now() - 1000).toISOString()
    const alice = connectClient(server.url, 'log-doc', await testToken('Alice'))
    const bob = connectClient(server.url, 'log-doc', await testToken('Bob'))
    try {
      await waitFor(() => alice.provider.synced && bob.provider.synced, 'synced')
      paragraphText(alice.ydoc).insert(0, 'a')
      await waitForSaved(alice)
      await waitFor(() => paragraphText(bob.ydoc).length === 1, 'bob sees alice')
      // Two changes: sent one after the other, not together (the server would apply and log
      // updates it reads together as one, SYNC5).
      paragraphText(bob.ydoc).insert(1, 'b')
      await waitForSaved(bob)
      paragraphText(bob.ydoc).insert(2, 'c')
      await waitForSaved(bob)
      const all = await api(server.url, 'GET', `/api/documents/log-doc/changes?since=${encodeURIComponent(before)}`, { token: admin })
      expect(all.status).toBe(200)
      // Alice: creating the paragraph and typing into it, two updates sent together and so one
      // change (SYNC5); Bob: two typing. Newest first.
      expect(all.body.changes.map((c: { user: { name: string } }) => c.user.name)).toEqual(['Bob', 'Bob', 'Alice'])
      for (const change of all.body.changes) {
        expect(change.document).toBe('log-doc')
        expect(change.bytes).toBeGreaterThan(0)
        expect(Date.parse(change.at)).toBeGreaterThanOrEqual(Date.parse(before))
      }
      const bobs = await api(server.url, 'GET', '/api/documents/log-doc/changes?user=bob', { token: admin })
      expect(bobs.body.changes).toHaveLength(2)
      const future = await api(server.url, 'GET', `/api/documents/log-doc/changes?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: admin })
      expect(future.body.changes).toEqual([])
      const limited = await api(server.url, 'GET', '/api/documents/log-doc/changes?limit=1', { token: admin })
      expect(limited.body.changes).toHaveLength(1)
      // "What changed today, by whom": one line per user.
      const summary = await api(server.url, 'GET', `/api/documents/log-doc/changes/summary?since=${encodeURIComponent(before)}`, { token: admin })
      expect(summary.body.authors.map((a: { user: { name: string }; changes: number }) => [a.user.name, a.changes])).toEqual([
        ['Bob', 2],
        ['Alice', 1],
      ])
      expect(summary.body.authors[0].bytes).toBeGreaterThan(0)
    } finally {
      alice.destroy()
      bob.destroy()
    }
  })

  it('[LOG2] records API changes with the API caller, and the global log shows only documents the caller may open', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: admin, body: { markdown: 'hi' } })
    const name = created.body.name as string
    const log = await api(server.url, 'GET', `/api/documents/${name}/changes`, { token: admin })
    expect(log.body.changes[0].user).toEqual({ id: 'admin', name: 'Admin' })
    const limitedToken = await testToken('Lim', { grants: { [name]: 'viewer' } })
    const global = await api(server.url, 'GET', '/api/changes', { token: limitedToken })
    expect(global.body.changes.length).toBeGreaterThan(0)
    expect(new Set(global.body.changes.map((c: { document: string }) => c.document))).toEqual(new Set([name]))
    expect((await api(server.url, 'GET', '/api/documents/log-doc/changes', { token: limitedToken })).status).toBe(403)
  })

  it('[LOG3] rejects malformed filters with a message naming the parameter', async () => {
    const bad = await api(server.url, 'GET', '/api/changes?since=yesterday&limit=0', { token: admin })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('invalid-query')
    expect(bad.body.detail).toContain('since')
    expect(bad.body.detail).toContain('limit')
    const unknown = await api(server.url, 'GET', '/api/changes?sinse=x', { token: admin })
    expect(unknown.body.code).toBe('invalid-query')
  })
})
