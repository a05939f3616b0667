import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyDocument, replaceBody } from '../../shared/content/yjs-document.ts'
import { markdownToDocument } from '../../shared/content/markdown.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from '../api/api-client.ts'

const SETTINGS = { VERSION_SETTLE_MS: '150', VERSION_MIN_INTERVAL_MS: '0' }

async function open(url: string, name: string, user: string): Promise<TestClient> {
  const client = connectClient(url, name, await testToken(user))
  await waitFor(() => client.provider.synced, `${user} synced`)
  return client
}

describe('Version history', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let alice: string
  beforeAll(async () => {
    server = await startTestServer(SETTINGS)
    alice = await testToken('Alice')
  })
  afterAll(async () => {
    await server.close()
  })

  it('[HIST1] saves an automatic version once a burst of editing settles, listing its authors', async () => {
    const a = await open(server.url, 'hist-auto', 'Alice')
    const b = await open(server.url, 'hist-auto', 'Bob')
    try {
      paragraphText(a.ydoc).insert(0, 'from alice ')
      await waitForSaved(a)
      await waitFor(() => bodyText(b.ydoc) === 'from alice ', 'bob sees alice')
      paragraphText(b.ydoc).insert(11, 'and bob')
      await waitForSaved(b)
      let versions: any[] = []
      for (let i = 0; i < 200 && versions.length === 0; i++) {
        versions = (await api(server.url, 'GET', '/api/documents/hist-auto/versions', { token: alice })).body.versions
        if (versions.length === 0) await new Promise((resolve) => setTimeout(resolve, 25))
      }
      expect(versions).toHaveLength(1)
      expect(versions[0]).toMatchObject({ kind: 'auto', createdBy: null })
      expect(versions[0].authors.map((author: { name: string }) => author.name).sort()).toEqual(['Alice', 'Bob'])
      const text = await api(server.url, 'GET', `/api/documents/hist-auto/versions/${versions[0].id}?format=text`, { token: alice })
      expect(text.text).toBe('from alice and bob')
    } finally {
      a.destroy()
      b.destroy()
    }
  })

  it('[HIST1] a document closing between edits adds no early version: one version follows once editing settles', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'one' } })
    const name = created.body.name as string
    // Each API change opens the document, changes it and closes it again.
    await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'two', contentType: 'text/markdown' })
    await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'three', contentType: 'text/markdown' })
    let versions: any[] = []
    for (let i = 0; i < 200 && versions.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      versions = (await api(server.url, 'GET', `/api/documents/${name}/versions`, { token: alice })).body.versions
    }
    // Settling takes 150 ms here; give a second version the chance to (wrongly) appear.
    await new Promise((resolve) => setTimeout(resolve, 300))
    versions = (await api(server.url, 'GET', `/api/documents/${name}/versions`, { token: alice })).body.versions
    expect(versions).toHaveLength(1)
    expect((await api(server.url, 'GET', `/api/documents/${name}/versions/${versions[0].id}?format=text`, { token: alice })).text).toBe('three')
  })

  it('[HIST2] saves a named version and serves it in every format', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: '# v1\n\nfirst draft' } })
    const name = created.body.name as string
    const saved = await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: alice, body: { label: 'Draft one' } })
    expect(saved.status).toBe(201)
    expect(saved.body).toMatchObject({ kind: 'named', label: 'Draft one', createdBy: { id: 'alice', name: 'Alice' } })
    await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: '# v2\n\nrewritten', contentType: 'text/markdown' })
    const markdown = await api(server.url, 'GET', `/api/documents/${name}/versions/${saved.body.id}?format=markdown`, { token: alice })
    expect(markdown.text).toBe('# v1\n\nfirst draft')
    const json = await api(server.url, 'GET', `/api/documents/${name}/versions/${saved.body.id}`, { token: alice })
    expect(json.body.content.content[1].content[0].text).toBe('first draft')
    const list = await api(server.url, 'GET', `/api/documents/${name}/versions`, { token: alice })
    expect(list.body.versions.map((v: { label: string }) => v.label)).toContain('Draft one')
    expect((await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: alice, body: { label: '' } })).body.code).toBe('invalid-body')
    expect((await api(server.url, 'GET', `/api/documents/${name}/versions/999999`, { token: alice })).body.code).toBe('version-not-found')
    expect((await api(server.url, 'GET', `/api/documents/${name}/versions/abc`, { token: alice })).status).toBe(404)
  })

  it('[HIST3] shows the changes since a version, attributed to their authors', async () => {
    const a = await open(server.url, 'hist-diff', 'Alice')
    const b = await open(server.url, 'hist-diff', 'Bob')
    try {
      paragraphText(a.ydoc).insert(0, 'keep drop')
      await waitForSaved(a)
      const saved = await api(server.url, 'POST', '/api/documents/hist-diff/versions', { token: alice, body: { label: 'base' } })
      await waitFor(() => bodyText(b.ydoc) === 'keep drop', 'bob synced the base')
      const text = paragraphText(b.ydoc)
      b.ydoc.transact(() => {
        text.delete(4, 5)
        text.insert(4, ' added')
      })
      await waitForSaved(b)
      const changes = await api(server.url, 'GET', `/api/documents/hist-diff/versions/${saved.body.id}/changes`, { token: alice })
      expect(changes.status).toBe(200)
      expect(changes.body.blocks).toEqual([
        {
          type: 'paragraph',
          attrs: {},
          depth: 0,
          change: null,
          runs: [
            { text: 'keep', change: null },
            { text: ' drop', change: { kind: 'removed', author: null } },
            { text: ' added', change: { kind: 'added', author: { id: 'bob', name: 'Bob' } } },
          ],
        },
      ])
    } finally {
      a.destroy()
      b.destroy()
    }
  })

  it('[HIST4] restoring merges with a concurrent offline edit, and can be undone later keeping edits made since', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'alpha\n\nbeta' } })
    const name = created.body.name as string
    const v1 = await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: alice, body: { label: 'v1' } })
    await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'ALPHA CHANGED\n\nbeta', contentType: 'text/markdown' })
    const bob = await open(server.url, name, 'Bob')
    try {
      await waitFor(() => bodyText(bob.ydoc) === 'ALPHA CHANGED\nbeta', 'bob has the changed text')
      bob.socket.disconnect()
      await waitFor(() => bob.socket.status === 'disconnected', 'bob offline')
      const beta = (bob.ydoc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText
      beta.insert(4, ' by bob')
      const restored = await api(server.url, 'POST', `/api/documents/${name}/versions/${v1.body.id}/restore`, { token: alice })
      expect(restored.status).toBe(200)
      expect(restored.body.previous.label).toBe(`Before restoring version ${v1.body.id}`)
      void bob.socket.connect()
      await waitFor(() => bodyText(bob.ydoc) === 'alpha\nbeta by bob', 'restore merged with the offline edit')
      await waitForSaved(bob)
      // Undo the restore after Bob's edit reached the server: exactly the restore is reverted.
      const undo = await api(server.url, 'POST', restored.body.undo, { token: alice })
      expect(undo.status).toBe(200)
      await waitFor(() => bodyText(bob.ydoc) === 'ALPHA CHANGED\nbeta by bob', 'restore undone, bob edit kept')
      expect((await api(server.url, 'POST', restored.body.undo, { token: alice })).body.code).toBe('conflict')
      // The state before the restore is also kept as a version.
      const previous = await api(server.url, 'GET', `/api/documents/${name}/versions/${restored.body.previous.id}?format=text`, { token: alice })
      expect(previous.text).toBe('ALPHA CHANGED\n\nbeta')
    } finally {
      bob.destroy()
    }
  })

  it('[HIST5] a restore made as a local editor change can be undone with the user\'s undo manager, keeping others\' edits', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'one\n\ntwo' } })
    const name = created.body.name as string
    const v1 = await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: alice, body: { label: 'v1' } })
    await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'one edited\n\ntwo', contentType: 'text/markdown' })
    const a = await open(server.url, name, 'Alice')
    const b = await open(server.url, name, 'Bob')
    try {
      await waitFor(() => bodyText(a.ydoc) === 'one edited\ntwo' && bodyText(b.ydoc) === 'one edited\ntwo', 'both synced')
      const version = await api(server.url, 'GET', `/api/documents/${name}/versions/${v1.body.id}`, { token: alice })
      const origin = Symbol('alice-restore')
      const undo = new Y.UndoManager(a.ydoc.getXmlFragment('default'), { trackedOrigins: new Set([origin]) })
      a.ydoc.transact(() => replaceBody(a.ydoc, markdownToDocument('one\n\ntwo')), origin)
      expect(bodyDocument(a.ydoc).toJSON()).toEqual(version.body.content)
      await waitFor(() => bodyText(b.ydoc) === 'one\ntwo', 'bob sees the restore')
      const two = (b.ydoc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText
      two.insert(3, '!')
      await waitFor(() => bodyText(a.ydoc) === 'one\ntwo!', 'alice sees bob')
      undo.undo()
      await waitFor(() => bodyText(b.ydoc) === 'one edited\ntwo!', 'undo reaches bob, his edit kept')
      await waitForSaved(a)
    } finally {
      a.destroy()
      b.destroy()
    }
  })
})

describe('Versions survive compaction and restarts', () => {
  it('[HIST6] a version stays readable after the update log is compacted and the server restarts', async () => {
    const first = await startTestServer(SETTINGS)
    const token = await testToken('Alice')
    const created = await api(first.url, 'POST', '/api/documents', { token, body: { markdown: 'original words' } })
    const name = created.body.name as string
    const saved = await api(first.url, 'POST', `/api/documents/${name}/versions`, { token, body: { label: 'keep me' } })
    const client = await open(first.url, name, 'Alice')
    for (let i = 0; i < 20; i++) paragraphText(client.ydoc).insert(0, `${i} `)
    await waitForSaved(client)
    client.destroy()
    // Closing the last connection unloads the document, which folds the log into a snapshot.
    await waitFor(() => !first.hocuspocus.documents.has(name), 'document unloaded')
    await first.writer.whenDurable()
    const stored = await first.store.load(name)
    expect(stored?.updates).toHaveLength(0)
    await first.close()
    const second = await startTestServer({ ...SETTINGS, DATA_DIR: first.dataDir })
    try {
      const text = await api(second.url, 'GET', `/api/documents/${name}/versions/${saved.body.id}?format=text`, { token })
      expect(text.text).toBe('original words')
      const list = await api(second.url, 'GET', `/api/documents/${name}/versions`, { token })
      expect(list.body.versions.length).toBeGreaterThanOrEqual(2)
    } finally {
      await second.close()
    }
  })
})
