import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'
import { bodyText, connectClient, waitFor, waitForSaved } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from './api-client.ts'

/** Body text without formatting (XmlText.toString() would include mark tags). */
function plainBody(ydoc: Y.Doc): string {
  return ydoc
    .getXmlFragment(BODY_FRAGMENT)
    .toArray()
    .map((node) => (node as Y.XmlElement).toArray().map((child) => (child instanceof Y.XmlText ? child.toDelta().map((op: { insert: string }) => op.insert).join('') : '')).join(''))
    .join('\n')
}

const MARKDOWN = '# Plan\n\nShip **fast** and [read](https://example.com).\n\n- one\n- two\n'

describe('Content API', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let alice: string
  beforeAll(async () => {
    server = await startTestServer()
    alice = await testToken('Alice')
  })
  afterAll(async () => {
    await server.close()
  })

  it('[API8] imports Markdown into a new document and exports it as ProseMirror JSON, Markdown, HTML and text', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { title: 'Plan', markdown: MARKDOWN } })
    expect(created.status).toBe(201)
    const name = created.body.name as string
    const json = await api(server.url, 'GET', `/api/documents/${name}/content`, { token: alice })
    expect(json.body.type).toBe('doc')
    expect(json.body.content[0]).toMatchObject({ type: 'heading', attrs: { level: 1 } })
    expect(json.body.content[2].type).toBe('bulletList')
    const markdown = await api(server.url, 'GET', `/api/documents/${name}/content?format=markdown`, { token: alice })
    expect(markdown.headers.get('content-type')).toContain('text/markdown')
    expect(markdown.text).toBe(MARKDOWN.trimEnd())
    const html = await api(server.url, 'GET', `/api/documents/${name}/content?format=html`, { token: alice })
    expect(html.text).toContain('<h1>Plan</h1>')
    expect(html.text).toContain('<strong>fast</strong>')
    expect(html.text).toContain('<a href="https://example.com"')
    const text = await api(server.url, 'GET', `/api/documents/${name}/content?format=text`, { token: alice })
    expect(text.text).toBe('Plan\n\nShip fast and read.\n\none\n\ntwo')
    const bad = await api(server.url, 'GET', `/api/documents/${name}/content?format=pdf`, { token: alice })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('invalid-query')
    expect(bad.body.detail).toContain('format')
  })

  it('[API9] replacing content is a CRDT change: a connected editor sees it live', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'before' } })
    const name = created.body.name as string
    const client = connectClient(server.url, name, await testToken('Bob'))
    try {
      await waitFor(() => client.provider.synced && bodyText(client.ydoc) === 'before', 'initial content')
      const put = await api(server.url, 'PUT', `/api/documents/${name}/content`, {
        token: alice,
        body: '<h2>Now</h2><p>with <em>HTML</em></p><script>alert(1)</script><p><a href="javascript:alert(1)">x</a></p>',
        contentType: 'text/html',
      })
      expect(put.status).toBe(200)
      await waitFor(() => plainBody(client.ydoc) === 'Now\nwith HTML\nx', 'API change to arrive')
      // Scripts are dropped and an unsafe link keeps only its text [SCHEMA2].
      expect(JSON.stringify(client.ydoc.getXmlFragment(BODY_FRAGMENT).toJSON())).not.toContain('javascript')
      const heading = client.ydoc.getXmlFragment(BODY_FRAGMENT).get(0) as Y.XmlElement
      expect(heading.nodeName).toBe('heading')
      expect(heading.getAttribute('level')).toBe(2)
    } finally {
      client.destroy()
    }
  })

  it('[API10] a replacement merges with a concurrent offline edit instead of overwriting it', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'first\n\nsecond' } })
    const name = created.body.name as string
    const client = connectClient(server.url, name, await testToken('Bob'))
    try {
      await waitFor(() => client.provider.synced && bodyText(client.ydoc) === 'first\nsecond', 'initial content')
      client.socket.disconnect()
      await waitFor(() => client.socket.status === 'disconnected', 'offline')
      // Offline: Bob appends to the second paragraph while the API rewrites the first.
      const second = (client.ydoc.getXmlFragment(BODY_FRAGMENT).get(1) as Y.XmlElement).get(0) as Y.XmlText
      second.insert(second.length, ' plus Bob')
      const put = await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'FIRST\n\nsecond', contentType: 'text/markdown' })
      expect(put.status).toBe(200)
      void client.socket.connect()
      await waitFor(() => bodyText(client.ydoc) === 'FIRST\nsecond plus Bob', 'merge on the client')
      await waitForSaved(client)
      const text = await api(server.url, 'GET', `/api/documents/${name}/content?format=text`, { token: alice })
      expect(text.text).toBe('FIRST\n\nsecond plus Bob')
    } finally {
      client.destroy()
    }
  })

  it('[API11] validates imported content and its media type', async () => {
    const created = await api(server.url, 'POST', '/api/documents', { token: alice, body: {} })
    const name = created.body.name as string
    const wrongType = await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'x', contentType: 'application/pdf' })
    expect(wrongType.status).toBe(415)
    expect(wrongType.body.code).toBe('unsupported-media-type')
    const badDoc = await api(server.url, 'PUT', `/api/documents/${name}/content`, {
      token: alice,
      body: JSON.stringify({ type: 'doc', content: [{ type: 'table' }] }),
      contentType: 'application/json',
    })
    expect(badDoc.status).toBe(400)
    expect(badDoc.body.code).toBe('invalid-body')
    expect(badDoc.body.detail).toContain('table')
    const good = await api(server.url, 'PUT', `/api/documents/${name}/content`, {
      token: alice,
      body: JSON.stringify({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'json in' }] }] }),
      contentType: 'application/json',
    })
    expect(good.status).toBe(200)
    expect((await api(server.url, 'GET', `/api/documents/${name}/content?format=text`, { token: alice })).text).toBe('json in')
    const huge = await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: alice, body: 'x'.repeat(3 * 1024 * 1024), contentType: 'text/plain' })
    expect(huge.status).toBe(413)
    expect(huge.body.code).toBe('payload-too-large')
    const both = await api(server.url, 'POST', '/api/documents', { token: alice, body: { markdown: 'a', html: '<p>b</p>' } })
    expect(both.body.code).toBe('invalid-body')
    const viewer = await testToken('Vera', { grants: { [name]: 'viewer' } })
    expect((await api(server.url, 'PUT', `/api/documents/${name}/content`, { token: viewer, body: 'x', contentType: 'text/plain' })).status).toBe(403)
  })
})
