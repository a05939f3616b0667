import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIGNATURE_HEADER, verifySignature } from '../../server/webhooks/signature.ts'
import { connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from '../api/api-client.ts'

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  event: { id: string; type: string; document: string; actor: unknown; data: any }
}

/** A real HTTP receiver on loopback; `answer` picks the status for each request. */
async function startReceiver(answer: (count: number) => number = () => 204) {
  const received: Received[] = []
  let count = 0
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const status = answer(++count)
      if (status < 300) received.push({ headers: request.headers, body, event: JSON.parse(body) })
      response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { url, received, attempts: () => count, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const SECRET = 'receiver-secret-0123456789'

describe('Webhooks', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let admin: string
  beforeAll(async () => {
    server = await startTestServer({ WEBHOOK_DEBOUNCE_MS: '150', WEBHOOK_RETRY_DELAYS_MS: '50,100,150', VERSION_SETTLE_MS: '600000' })
    admin = await testToken('Admin')
  })
  afterAll(async () => {
    await server.close()
  })

  it('[HOOK1] a global webhook receives signed created, changed (debounced), version-saved and deleted events', async () => {
    const receiver = await startReceiver()
    try {
      const hook = await api(server.url, 'POST', '/api/webhooks', { token: admin, body: { url: receiver.url, secret: SECRET } })
      expect(hook.status).toBe(201)
      expect(hook.body).toMatchObject({ document: null, url: receiver.url, secret: SECRET })
      const created = await api(server.url, 'POST', '/api/documents', { token: admin, body: {} })
      const name = created.body.name as string
      await waitFor(() => receiver.received.some((r) => r.event.type === 'document.created'), 'created event')
      const a = connectClient(server.url, name, await testToken('Alice'))
      const b = connectClient(server.url, name, await testToken('Bob'))
      try {
        await waitFor(() => a.provider.synced && b.provider.synced, 'synced')
        for (let i = 0; i < 5; i++) paragraphText(a.ydoc).insert(0, 'a')
        paragraphText(b.ydoc).insert(0, 'b')
        await waitForSaved(a)
        await waitForSaved(b)
        await waitFor(() => receiver.received.some((r) => r.event.type === 'document.changed'), 'changed event')
      } finally {
        a.destroy()
        b.destroy()
      }
      await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: admin, body: { label: 'Milestone' } })
      await waitFor(() => receiver.received.some((r) => r.event.type === 'version.saved' && r.event.data.kind === 'named'), 'version event')
      await api(server.url, 'DELETE', `/api/documents/${name}`, { token: admin })
      await waitFor(() => receiver.received.some((r) => r.event.type === 'document.deleted'), 'deleted event')
      const changed = receiver.received.filter((r) => r.event.type === 'document.changed')
      // Seven updates from two people settle into one event.
      expect(changed).toHaveLength(1)
      expect(changed[0]!.event.data.authors.map((author: { name: string }) => author.name).sort()).toEqual(['Alice', 'Bob'])
      // Closing the document saved an automatic version too; the named one is the user's.
      expect(receiver.received.find((r) => r.event.type === 'version.saved' && r.event.data.kind === 'named')!.event.data).toMatchObject({ label: 'Milestone' })
      for (const delivery of receiver.received) {
        expect(delivery.event.document).toBe(name)
        expect(delivery.headers['x-collab-event']).toBe(delivery.event.type)
        expect(verifySignature(SECRET, delivery.body, String(delivery.headers[SIGNATURE_HEADER]))).toBe(true)
        expect(verifySignature('wrong-secret-wrong-secret', delivery.body, String(delivery.headers[SIGNATURE_HEADER]))).toBe(false)
      }
      const log = await api(server.url, 'GET', `/api/webhooks/${hook.body.id}/deliveries`, { token: admin })
      expect(log.body.deliveries.length).toBe(receiver.received.length)
      expect(log.body.deliveries.every((d: { status: string; lastStatus: number }) => d.status === 'delivered' && d.lastStatus === 204)).toBe(true)
      await api(server.url, 'DELETE', `/api/webhooks/${hook.body.id}`, { token: admin })
    } finally {
      await receiver.close()
    }
  })

  it('[HOOK3] failed deliveries are retried with backoff and logged; after the last retry they are marked failed', async () => {
    const flaky = await startReceiver((count) => (count <= 2 ? 500 : 200))
    const dead = await startReceiver(() => 503)
    try {
      const created = await api(server.url, 'POST', '/api/documents', { token: admin, body: {} })
      const name = created.body.name as string
      const flakyHook = await api(server.url, 'POST', '/api/webhooks', { token: admin, body: { url: flaky.url, document: name, events: ['version.saved'] } })
      const deadHook = await api(server.url, 'POST', '/api/webhooks', { token: admin, body: { url: dead.url, document: name, events: ['version.saved'] } })
      await api(server.url, 'POST', `/api/documents/${name}/versions`, { token: admin, body: { label: 'v' } })
      await waitFor(() => flaky.received.length === 1, 'delivered on the third attempt')
      await waitFor(() => dead.attempts() === 4, 'dead receiver tried 1 + 3 times')
      let deadLog: any[] = []
      for (let i = 0; i < 100; i++) {
        deadLog = (await api(server.url, 'GET', `/api/webhooks/${deadHook.body.id}/deliveries`, { token: admin })).body.deliveries
        if (deadLog[0]?.status === 'failed') break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(deadLog[0]).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 503, lastError: 'receiver answered 503' })
      const flakyLog = await api(server.url, 'GET', `/api/webhooks/${flakyHook.body.id}/deliveries`, { token: admin })
      expect(flakyLog.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null })
      expect(flaky.received[0]!.event.type).toBe('version.saved')
    } finally {
      await flaky.close()
      await dead.close()
    }
  })

  it('[HOOK4] per-document webhooks get only their document, need the editor role, and inputs are validated', async () => {
    const receiver = await startReceiver()
    try {
      const one = (await api(server.url, 'POST', '/api/documents', { token: admin, body: {} })).body.name as string
      const two = (await api(server.url, 'POST', '/api/documents', { token: admin, body: {} })).body.name as string
      const editor = await testToken('Ed', { grants: { [one]: 'editor' } })
      const viewer = await testToken('Vi', { grants: { [one]: 'viewer' } })
      const hook = await api(server.url, 'POST', '/api/webhooks', { token: editor, body: { url: receiver.url, document: one, events: ['version.saved'] } })
      expect(hook.status).toBe(201)
      expect(hook.body.secret.length).toBeGreaterThanOrEqual(16)
      expect((await api(server.url, 'POST', '/api/webhooks', { token: viewer, body: { url: receiver.url, document: one } })).status).toBe(403)
      expect((await api(server.url, 'POST', '/api/webhooks', { token: editor, body: { url: receiver.url } })).body.code).toBe('forbidden')
      const badUrl = await api(server.url, 'POST', '/api/webhooks', { token: admin, body: { url: 'ftp://example.com/x' } })
      expect(badUrl.body.code).toBe('invalid-body')
      expect(badUrl.body.detail).toContain('url')
      const badEvent = await api(server.url, 'POST', '/api/webhooks', { token: admin, body: { url: receiver.url, events: ['document.exploded'] } })
      expect(badEvent.body.code).toBe('invalid-body')
      await api(server.url, 'POST', `/api/documents/${two}/versions`, { token: admin, body: { label: 'other doc' } })
      await api(server.url, 'POST', `/api/documents/${one}/versions`, { token: admin, body: { label: 'this doc' } })
      await waitFor(() => receiver.received.length > 0, 'event for its document')
      expect(receiver.received.map((r) => r.event.data.label)).toEqual(['this doc'])
      expect((await api(server.url, 'GET', '/api/webhooks', { token: editor })).body.webhooks.map((h: { id: string }) => h.id)).toEqual([hook.body.id])
      expect((await api(server.url, 'GET', `/api/webhooks/${hook.body.id}/deliveries`, { token: viewer })).status).toBe(404)
    } finally {
      await receiver.close()
    }
  })

  it('[HOOK3] a delivery still pending when the server stops is sent after the restart', async () => {
    const receiver = await startReceiver((count) => (count === 1 ? 500 : 204))
    const first = await startTestServer({ WEBHOOK_RETRY_DELAYS_MS: '600000' })
    try {
      const created = await api(first.url, 'POST', '/api/documents', { token: admin, body: {} })
      const name = created.body.name as string
      const hook = await api(first.url, 'POST', '/api/webhooks', { token: admin, body: { url: receiver.url, document: name, events: ['version.saved'] } })
      await api(first.url, 'POST', `/api/documents/${name}/versions`, { token: admin, body: { label: 'before restart' } })
      await waitFor(() => receiver.attempts() === 1, 'first attempt refused')
      let log: any[] = []
      for (let i = 0; i < 100 && log[0]?.attempts !== 1; i++) {
        log = (await api(first.url, 'GET', `/api/webhooks/${hook.body.id}/deliveries`, { token: admin })).body.deliveries
        if (log[0]?.attempts !== 1) await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(log[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 })
      await first.close()
      const second = await startTestServer({ DATA_DIR: first.dataDir })
      try {
        await waitFor(() => receiver.received.length === 1, 'delivered after the restart')
        expect(receiver.received[0]!.event.data.label).toBe('before restart')
      } finally {
        await second.close()
      }
    } finally {
      await receiver.close()
    }
  })

  it('[HOOK5] with WEBHOOK_ALLOW_PRIVATE=false internal destinations are refused on registration', async () => {
    const guarded = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: 'false' })
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://169.254.169.254/latest', 'http://[::1]:9/x']) {
        const refused = await api(guarded.url, 'POST', '/api/webhooks', { token: admin, body: { url } })
        expect(refused.status, url).toBe(400)
        expect(refused.body.code).toBe('invalid-body')
        expect(refused.body.detail).toContain('internal address')
      }
    } finally {
      await guarded.close()
    }
  })
})
