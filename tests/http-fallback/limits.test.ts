/**
 * [HTTP5] The HTTP fallback holds no more than the WebSocket path lets a client hold: the same
 * message size limit, a cap on sessions per address, idle expiry, bounded replay buffers, and
 * strict checks on every request. Raw HTTP against a real server.
 */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse, type SseEvent } from '../../client/sync/http-fallback/sse-reader.ts'
import type { RunningServer } from '../../server/app.ts'
import { createHttpFallbackEndpoint, type HttpFallbackEndpoint, type HttpFallbackLimits } from '../../server/transport/http-fallback-endpoint.ts'
import { encodeFrames, HTTP_FALLBACK_PATH } from '../../shared/http-fallback.ts'
import { waitFor } from '../helpers/clients.ts'
import { startTestServer } from '../helpers/server.ts'

let server: RunningServer
const base = () => `${server.url}${HTTP_FALLBACK_PATH}`

beforeAll(async () => {
  server = await startTestServer({ MAX_MESSAGE_BYTES: '2048' })
})
afterAll(async () => {
  await server.close()
})

async function openSession(url = base()): Promise<string> {
  const response = await fetch(`${url}/sessions`, { method: 'POST' })
  expect(response.status).toBe(201)
  return ((await response.json()) as { id: string }).id
}

/** Reads a session's event stream into `events` until it ends. */
function collect(url: string, events: SseEvent[], lastEventId?: number): { done: Promise<void>; abort(): void } {
  const aborter = new AbortController()
  const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }
  const done = fetch(url, { headers, signal: aborter.signal })
    .then((response) => readSse(response.body!, (event) => events.push(event)))
    .catch(() => {})
  return { done, abort: () => aborter.abort() }
}

const post = (id: string, seq: number, body: Uint8Array, url = base()) =>
  fetch(`${url}/sessions/${id}/messages?seq=${seq}&ack=0`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: body as Uint8Array<ArrayBuffer> })

describe('HTTP fallback limits', () => {
  it('[HTTP5] a message over MAX_MESSAGE_BYTES is refused with 413 and closes the session with 1009, as on a WebSocket', async () => {
    const id = await openSession()
    const events: SseEvent[] = []
    const stream = collect(`${base()}/sessions/${id}/events`, events)
    const response = await post(id, 0, encodeFrames([new Uint8Array(4096)]))
    expect(response.status).toBe(413)
    await stream.done
    const close = events.find((event) => event.event === 'close')
    expect(JSON.parse(close!.data)).toMatchObject({ code: 1009, reason: expect.stringMatching(/^message-too-big/) })
  })

  it('[HTTP5] a POST whose body is cut off (the client hung up) applies nothing and leaves the session open for the retry', async () => {
    const id = await openSession()
    const { port } = new URL(server.url)
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST ${HTTP_FALLBACK_PATH}/sessions/${id}/messages?seq=0&ack=0 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n0123456789`)
        setTimeout(() => socket.destroy(), 100)
      })
      socket.on('close', () => resolve())
      socket.on('error', () => {})
    })
    // The retry of seq 0 is taken: the session was not closed.
    const retried = await post(id, 0, encodeFrames([]))
    expect(retried.status).toBe(204)
  })

  it('[HTTP5] malformed frames close the session with 4422', async () => {
    const id = await openSession()
    const events: SseEvent[] = []
    const stream = collect(`${base()}/sessions/${id}/events`, events)
    const response = await post(id, 0, Uint8Array.of(0x10, 1, 2))
    expect(response.status).toBe(400)
    await stream.done
    expect(JSON.parse(events.find((event) => event.event === 'close')!.data)).toMatchObject({ code: 4422 })
  })

  it('[HTTP5] refuses cross-site requests, as the API does', async () => {
    const crossSite = await fetch(`${base()}/sessions`, { method: 'POST', headers: { origin: 'https://evil.example' } })
    expect(crossSite.status).toBe(403)
    const sameSite = await fetch(`${base()}/sessions`, { method: 'POST', headers: { origin: server.url } })
    expect(sameSite.status).toBe(201)
    await fetch(`${base()}/sessions/${((await sameSite.json()) as { id: string }).id}`, { method: 'DELETE' })
  })

  it('[HTTP5] refuses unknown sessions, wrong methods, sequence gaps and impossible Last-Event-IDs', async () => {
    expect((await fetch(`${base()}/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/events`)).status).toBe(404)
    expect((await fetch(`${base()}/sessions`)).status).toBe(405)
    const id = await openSession()
    expect((await post(id, 5, encodeFrames([]))).status).toBe(409)
    expect((await post(id, 0, encodeFrames([]))).status).toBe(204)
    // A retried POST (same seq) is acknowledged again but not applied twice.
    expect((await post(id, 0, encodeFrames([]))).status).toBe(204)
    const events: SseEvent[] = []
    await collect(`${base()}/sessions/${id}/events`, events, 99).done
    expect(events.map((event) => event.event)).toEqual(['error'])
    expect((await fetch(`${base()}/sessions/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await post(id, 1, encodeFrames([]))).status).toBe(410)
  })
})

describe('HTTP fallback configuration', () => {
  it('[HTTP5] HTTP_SESSIONS_PER_ADDRESS sets the per-address cap', async () => {
    const capped = await startTestServer({ HTTP_SESSIONS_PER_ADDRESS: '1' })
    try {
      const first = await fetch(`${capped.url}${HTTP_FALLBACK_PATH}/sessions`, { method: 'POST' })
      expect(first.status).toBe(201)
      expect((await fetch(`${capped.url}${HTTP_FALLBACK_PATH}/sessions`, { method: 'POST' })).status).toBe(429)
    } finally {
      await capped.close()
    }
  })
})

describe('HTTP fallback session bounds (standalone endpoint, short limits)', () => {
  let endpoint: HttpFallbackEndpoint
  let httpServer: http.Server
  let url = ''
  const limits: Partial<HttpFallbackLimits> = { maxSessionsPerAddress: 3, idleMs: 300, maxBufferedBytes: 4096, lingerMs: 100 }

  beforeAll(async () => {
    endpoint = createHttpFallbackEndpoint({ hocuspocus: server.hocuspocus, writer: server.writer, log: server.log, maxMessageBytes: 2048, limits })
    httpServer = http.createServer((request, response) => endpoint.handle(request, response))
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}${HTTP_FALLBACK_PATH}`
  })
  afterAll(async () => {
    endpoint.terminateAll()
    httpServer.closeAllConnections()
    await new Promise((resolve) => httpServer.close(resolve))
  })

  it('[HTTP5] caps sessions per client address; closing one makes room', async () => {
    const ids = [await openSession(url), await openSession(url), await openSession(url)]
    const refused = await fetch(`${url}/sessions`, { method: 'POST' })
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { code: string }).code).toBe('too-many-sessions')
    await fetch(`${url}/sessions/${ids[0]}`, { method: 'DELETE' })
    await waitFor(() => [...endpoint.sessions.values()].filter((session) => session.readyState === 1).length === 2, 'one session closed')
    const again = await openSession(url)
    for (const id of [again, ids[1], ids[2]]) await fetch(`${url}/sessions/${id}`, { method: 'DELETE' })
  })

  it('[HTTP5] a session with no stream and no requests expires', async () => {
    const id = await openSession(url)
    await waitFor(() => endpoint.sessions.get(id)?.readyState !== 1, 'idle session expires', 5_000)
    expect(endpoint.sessions.get(id)?.closedWith ?? { code: 1006 }).toMatchObject({ code: 1006 })
    await waitFor(() => !endpoint.sessions.has(id), 'expired session forgotten', 5_000)
    expect((await fetch(`${url}/sessions/${id}/events`)).status).toBe(404)
  })

  it('[HTTP5] a resumed stream gets exactly the unacknowledged events, in order; a client that never acknowledges is closed with 1013', async () => {
    const id = await openSession(url)
    const session = endpoint.sessions.get(id)!
    for (let i = 0; i < 5; i++) session.send(Uint8Array.of(i))
    // Acknowledge the first two in a POST, then resume after the third.
    expect((await fetch(`${url}/sessions/${id}/messages?seq=0&ack=2`, { method: 'POST', body: new Uint8Array(0) })).status).toBe(204)
    const events: SseEvent[] = []
    const stream = collect(`${url}/sessions/${id}/events`, events, 3)
    await waitFor(() => events.length >= 3, 'open and two replayed events')
    expect(events.map((event) => [event.event, event.id, event.data])).toEqual([
      ['open', undefined, ''],
      ['message', '4', Buffer.from([3]).toString('base64')],
      ['message', '5', Buffer.from([4]).toString('base64')],
    ])
    // Never acknowledged: past maxBufferedBytes the session closes rather than buffering more.
    for (let i = 0; i < 100 && session.readyState === 1; i++) session.send(new Uint8Array(200))
    await stream.done
    expect(session.closedWith).toMatchObject({ code: 1013 })
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ code: 1013 })
  })
})
