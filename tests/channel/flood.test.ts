/**
 * Flooding: a client sending far faster than its budget is throttled (its frames wait, reading
 * from its socket pauses) or, when it ignores backpressure, closed with 4429, while honest
 * clients on the same document keep converging. Latency figures come from `bench/flood.ts`;
 * nothing here is timed tightly.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { AUTH_TYPES, MESSAGE_TYPES } from '../../shared/frame-inspection.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { encodeFrames, HTTP_FALLBACK_PATH } from '../../shared/http-fallback.ts'
import { providerOpening, queryAwarenessFrame, rawClient, updateFrame, yWebsocketUpdateFrame, type RawClient } from '../helpers/raw-client.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { connectHttpClient } from '../http-fallback/http-clients.ts'

const DOC = 'flooded'

/** An authenticated raw editor holding the document, able to produce many valid one-character updates. */
async function flooder(url: string, name: string): Promise<{ raw: RawClient; updates(count: number, char: string): Uint8Array[] }> {
  const raw = rawClient(url)
  await raw.opened
  for (const frame of providerOpening(DOC, await testToken(name))) raw.send(frame)
  await waitFor(() => raw.frames.some((frame) => frame.type === MESSAGE_TYPES.auth && frame.authType === AUTH_TYPES.authenticated), 'flooder authenticated')
  await waitFor(() => raw.frames.some((frame) => frame.update !== undefined), 'flooder received the document')
  const ydoc = new Y.Doc()
  for (const frame of raw.frames) if (frame.update) Y.applyUpdate(ydoc, frame.update)
  return {
    raw,
    updates(count, char) {
      const updates: Uint8Array[] = []
      const record = (update: Uint8Array) => updates.push(update)
      ydoc.on('update', record)
      const text = paragraphText(ydoc)
      for (let i = 0; i < count; i++) text.insert(0, char)
      ydoc.off('update', record)
      return updates
    },
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1
}

describe('flooding', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function serverWith(env: Record<string, string>) {
    const server = await startTestServer(env)
    cleanups.push(() => server.close())
    return server
  }
  function track(client: TestClient): TestClient {
    cleanups.push(() => client.destroy())
    return client
  }

  /** Two raw editors (named `firstName`, `secondName`) each send 1,500 updates at once; after a second, how many the server applied. */
  async function floodFromTwo(server: Awaited<ReturnType<typeof serverWith>>, firstName: string, secondName: string) {
    const first = await flooder(server.url, firstName)
    const second = await flooder(server.url, secondName)
    cleanups.push(() => first.raw.close(), () => second.raw.close())
    const started = Date.now()
    for (const update of first.updates(1500, 'a')) first.raw.send(updateFrame(DOC, update))
    for (const update of second.updates(1500, 'b')) second.raw.send(updateFrame(DOC, update))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const text = bodyText(server.hocuspocus.documents.get(DOC)!)
    return { applied: count(text, 'a') + count(text, 'b'), elapsedSeconds: (Date.now() - started) / 1000 }
  }

  it('[SEC3] a flooding connection is throttled to its budget while honest clients on the document converge', async () => {
    const server = await serverWith({ RATE_LIMIT_MESSAGES_PER_SECOND: '100', RATE_LIMIT_MESSAGE_BURST: '200' })
    const honest = track(connectClient(server.url, DOC, await testToken('Honest')))
    const reader = track(connectClient(server.url, DOC, await testToken('Reader')))
    await waitFor(() => honest.provider.synced && reader.provider.synced, 'honest clients synced')
    paragraphText(honest.ydoc).insert(0, '.')
    await waitForSaved(honest)

    const flood = await flooder(server.url, 'Flo')
    cleanups.push(() => flood.raw.close())
    const started = Date.now()
    for (const update of flood.updates(3000, 'f')) flood.raw.send(updateFrame(DOC, update))

    // The honest client keeps typing during the flood, and every keystroke reaches the reader.
    for (let i = 0; i < 10; i++) {
      paragraphText(honest.ydoc).insert(paragraphText(honest.ydoc).length, 'H')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await waitFor(() => count(bodyText(reader.ydoc), 'H') === 10, 'the reader has all honest keystrokes', 20_000)
    await waitForSaved(honest, 20_000)

    // Throttled: at most the burst plus the sustained rate for the time elapsed got through.
    const elapsedSeconds = (Date.now() - started) / 1000
    const applied = count(bodyText(server.hocuspocus.documents.get(DOC)!), 'f')
    expect(applied).toBeGreaterThan(0)
    expect(applied).toBeLessThanOrEqual(200 + Math.ceil(100 * elapsedSeconds) + 20)
    expect(server.protection.stats.throttled).toBeGreaterThan(0)
    // Throttled, not dropped: the socket is open and its frames keep arriving in order.
    expect(flood.raw.closed).toBeNull()
    await waitFor(() => count(bodyText(server.hocuspocus.documents.get(DOC)!), 'f') > applied, 'the flood keeps draining at its rate')
  })

  it('[SEC3] a client that ignores backpressure (frames piling up past RATE_LIMIT_MAX_QUEUED_MESSAGES) is closed with 4429', async () => {
    // WebSockets pause reading when throttled, so TCP holds a flood back; HTTP POSTs cannot be
    // paused: their frames queue in the guard, and past the bound the session is closed.
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      RATE_LIMIT_MESSAGE_BURST: '200',
      RATE_LIMIT_MAX_QUEUED_MESSAGES: '100',
      PRE_AUTH_MAX_MESSAGES: '100000',
    })
    const honest = track(connectClient(server.url, DOC, await testToken('Honest')))
    await waitFor(() => honest.provider.synced, 'honest synced')
    const base = `${server.url}${HTTP_FALLBACK_PATH}`
    const { id } = (await (await fetch(`${base}/sessions`, { method: 'POST' })).json()) as { id: string }
    const frames = Array.from({ length: 1000 }, () => queryAwarenessFrame(DOC))
    const posted = await fetch(`${base}/sessions/${id}/messages?seq=0&ack=0`, { method: 'POST', body: encodeFrames(frames) })
    expect(posted.ok).toBe(true)
    const events = await fetch(`${base}/sessions/${id}/events`)
    const text = await events.text()
    const close = /event: close\ndata: (.*)\n/.exec(text)
    expect(JSON.parse(close![1]!)).toMatchObject({ code: CLOSE_CODES.rateLimited.code, reason: expect.stringMatching(/^rate-limited: /) })
    expect(CLOSE_CODES.rateLimited.retryable).toBe(true)
    // The honest client is untouched.
    paragraphText(honest.ydoc).insert(0, 'still here')
    await waitForSaved(honest)
    expect(bodyText(server.hocuspocus.documents.get(DOC)!)).toContain('still here')
  })

  it('[SEC3] before authenticating, all connections of one address share the address budget', async () => {
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      RATE_LIMIT_MESSAGE_BURST: '100000',
      ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      ADDRESS_RATE_LIMIT_MESSAGE_BURST: '300',
      PRE_AUTH_MAX_MESSAGES: '100000',
    })
    const sockets = [rawClient(server.url), rawClient(server.url)]
    cleanups.push(() => sockets.forEach((socket) => socket.close()))
    await Promise.all(sockets.map((socket) => socket.opened))
    const before = server.protection.stats.inspected
    const started = Date.now()
    for (const socket of sockets) for (let i = 0; i < 1500; i++) socket.send(queryAwarenessFrame(DOC))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const admitted = server.protection.stats.inspected - before
    const elapsedSeconds = (Date.now() - started) / 1000
    // Each socket alone could send everything at once; unauthenticated, they get the address's budget together.
    expect(admitted).toBeGreaterThan(0)
    expect(admitted).toBeLessThanOrEqual(300 + Math.ceil(100 * elapsedSeconds) + 20)
    expect(server.protection.stats.throttled).toBeGreaterThan(0)
  })

  it('[SEC3] once authenticated, all connections of one user share the user budget', async () => {
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      RATE_LIMIT_MESSAGE_BURST: '100000',
      USER_RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      USER_RATE_LIMIT_MESSAGE_BURST: '300',
    })
    // Two tabs of one person.
    const { applied, elapsedSeconds } = await floodFromTwo(server, 'Flo', 'Flo')
    expect(applied).toBeGreaterThan(0)
    expect(applied).toBeLessThanOrEqual(300 + Math.ceil(100 * elapsedSeconds) + 20)
  })

  it('[SEC3] one user\'s budget spans every transport: a /collab socket, an HTTP fallback session and a /yjs socket pay from it together', async () => {
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      RATE_LIMIT_MESSAGE_BURST: '100000',
      ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      ADDRESS_RATE_LIMIT_MESSAGE_BURST: '100000',
      USER_RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      USER_RATE_LIMIT_MESSAGE_BURST: '300',
    })
    // One person, three ways in.
    const token = await testToken('Tri')
    const overWebSocket = track(connectClient(server.url, DOC, token))
    const overHttp = track(connectHttpClient(server.url, DOC, token))
    await waitFor(() => overWebSocket.provider.synced && overHttp.provider.synced, 'both providers synced')
    const yjs = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${DOC}?token=${token}`)
    cleanups.push(() => yjs.terminate())
    const yjsDoc = new Y.Doc()
    await new Promise<void>((resolve, reject) => {
      // As y-websocket does: sync step 1 on open; the answer (the document) means it is authenticated.
      yjs.once('open', () => yjs.send(Uint8Array.of(0, 0, 1, 0)))
      yjs.once('message', () => resolve())
      yjs.once('error', reject)
    })
    yjsDoc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')])
    const yjsText = new Y.XmlText()
    ;(yjsDoc.getXmlFragment('default').get(0) as Y.XmlElement).insert(0, [yjsText])
    const yjsFrames: Uint8Array[] = [yWebsocketUpdateFrame(Y.encodeStateAsUpdate(yjsDoc))]
    yjsDoc.on('update', (update: Uint8Array) => yjsFrames.push(yWebsocketUpdateFrame(update)))
    // Budgets move to the user in Hocuspocus's `connected` hook, just after the first reply.
    await new Promise((resolve) => setTimeout(resolve, 200))

    // 200 keystrokes on each, every one its own message: 600 against a burst of 300 and 100/s.
    const started = Date.now()
    for (let i = 0; i < 200; i++) {
      paragraphText(overWebSocket.ydoc).insert(0, 'w')
      paragraphText(overHttp.ydoc).insert(0, 'h')
      yjsText.insert(0, 'y')
    }
    for (const frame of yjsFrames) yjs.send(frame)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const elapsedSeconds = (Date.now() - started) / 1000
    const applied = () => ['w', 'h', 'y'].map((char) => count(bodyText(server.hocuspocus.documents.get(DOC)!), char))
    const [w, h, y] = applied()
    expect(w! + h! + y!).toBeLessThanOrEqual(300 + Math.ceil(100 * elapsedSeconds) + 20)
    expect(server.protection.stats.throttled).toBeGreaterThan(0)
    // Throttled, not dropped: everything arrives at the budget's pace.
    await waitFor(() => applied().every((n) => n === 200), 'every keystroke of all three transports applied', 15_000)
  })

  it('[SEC3] different people behind one address (an office NAT) do not share a budget once authenticated', async () => {
    // An address budget far below what the people together send: before, it would have throttled them all.
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      RATE_LIMIT_MESSAGE_BURST: '100000',
      ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      ADDRESS_RATE_LIMIT_MESSAGE_BURST: '300',
      USER_RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      USER_RATE_LIMIT_MESSAGE_BURST: '100000',
    })
    const people = await Promise.all(['Ann', 'Ben', 'Cas'].map((name) => flooder(server.url, name)))
    cleanups.push(() => people.forEach((person) => person.raw.close()))
    const chars = ['a', 'b', 'c']
    people.forEach((person, index) => {
      for (const update of person.updates(1000, chars[index]!)) person.raw.send(updateFrame(DOC, update))
    })
    await waitFor(() => chars.every((char) => count(bodyText(server.hocuspocus.documents.get(DOC)!), char) === 1000), 'every keystroke of all three applied')
    expect(server.protection.stats.throttled).toBe(0)
  })

  it('[SEC3] signed-in people of one address together stay under the address\'s signed-in ceiling', async () => {
    // Accounts are cheap (open registration, guests from share links): they must not multiply one address's budget without bound.
    const server = await serverWith({
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      RATE_LIMIT_MESSAGE_BURST: '100000',
      USER_RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
      USER_RATE_LIMIT_MESSAGE_BURST: '100000',
      SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '100',
      SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGE_BURST: '300',
    })
    const { applied, elapsedSeconds } = await floodFromTwo(server, 'Sock1', 'Sock2')
    expect(applied).toBeGreaterThan(0)
    expect(applied).toBeLessThanOrEqual(300 + Math.ceil(100 * elapsedSeconds) + 20)
  })
})
