/**
 * [HTTP4] The adaptive transport: WebSocket when it works, HTTP when the upgrade is refused or
 * keeps dropping right after open, and back to WebSocket once a background probe succeeds.
 * The "network" is a real proxy in front of the real server (see proxy.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { connectAdaptiveClient } from './http-clients.ts'
import { startProxy, type TestProxy } from './proxy.ts'

let server: RunningServer
const clients: TestClient[] = []
const proxies: TestProxy[] = []
const track = <T extends TestClient>(client: T): T => (clients.push(client), client)

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  clients.forEach((client) => client.destroy())
  await Promise.all(proxies.map((proxy) => proxy.close()))
  await server.close()
})

async function proxy(mode: TestProxy['mode'], dropAfterMs?: number): Promise<TestProxy> {
  const started = await startProxy(server.url, mode, dropAfterMs)
  proxies.push(started)
  return started
}

describe('transport selection', () => {
  it('[HTTP4] uses WebSocket when the network allows it', async () => {
    const open = await proxy('pass')
    const client = track(connectAdaptiveClient(open.url, 'select-ws', await testToken('Ann')))
    await waitForSaved(client)
    expect(client.selector!.current).toBe('websocket')
    expect(client.selector!.reason).toBeNull()
    expect(server.hocuspocus.getConnectionsCount()).toBeGreaterThan(0)
  })

  it('[HTTP4] falls back to HTTP at once when the upgrade is refused, and co-edits', async () => {
    const blocking = await proxy('block')
    const changes: string[] = []
    const behind = track(connectAdaptiveClient(blocking.url, 'select-block', await testToken('Ann')))
    behind.selector!.onChange(() => changes.push(`${behind.selector!.current}:${behind.selector!.reason}`))
    const direct = track(connectClient(server.url, 'select-block', await testToken('Bob')))
    await waitForSaved(behind)
    expect(behind.selector!.current).toBe('http')
    expect(behind.selector!.reason).toBe('websocket-failed')
    expect(changes).toContain('http:websocket-failed')
    expect(blocking.upgrades).toBeGreaterThan(0)
    paragraphText(behind.ydoc).insert(0, 'through the proxy')
    await waitFor(() => bodyText(direct.ydoc) === 'through the proxy', 'the HTTP edit reaches the WebSocket client')
  })

  it('[HTTP4] falls back to HTTP when the page cannot even construct a WebSocket', async () => {
    // As on a page where a script or extension replaced WebSocket with one that throws.
    const Forbidden = function () {
      throw new DOMException('WebSockets are disabled here', 'SecurityError')
    } as unknown as typeof WebSocket
    const client = track(connectAdaptiveClient(server.url, 'select-throw', await testToken('Ann'), { WebSocket: Forbidden }))
    await waitForSaved(client)
    expect(client.selector!.current).toBe('http')
  })

  it('[HTTP4] falls back to HTTP when the upgrade hangs unanswered', async () => {
    const hanging = await proxy('hang')
    const client = track(connectAdaptiveClient(hanging.url, 'select-hang', await testToken('Ann'), { openTimeoutMs: 500 }))
    await waitForSaved(client)
    expect(client.selector!.current).toBe('http')
    expect(client.selector!.reason).toBe('websocket-failed')
  })

  it('[HTTP4] falls back to HTTP when WebSockets keep dropping right after open', async () => {
    // Cut 300 ms after the upgrade: late enough that the handshake has completed even on a busy machine.
    const dropping = await proxy('drop', 300)
    const client = track(connectAdaptiveClient(dropping.url, 'select-drop', await testToken('Ann'), { earlyDropLimit: 2 }))
    await waitFor(() => client.selector!.current === 'http' && client.provider.synced, 'settles on HTTP', 15_000)
    expect(client.selector!.reason).toBe('websocket-dropping')
    paragraphText(client.ydoc).insert(0, 'steady')
    await waitForSaved(client)
  })

  it('[HTTP4] keeps probing WebSocket in the background and switches back when it works', async () => {
    const blocking = await proxy('block')
    const client = track(connectAdaptiveClient(blocking.url, 'select-back', await testToken('Ann'), { probeDelayMs: 200, probeHoldMs: 200 }))
    const direct = track(connectClient(server.url, 'select-back', await testToken('Bob')))
    await waitForSaved(client)
    expect(client.selector!.current).toBe('http')
    // Probes fail while blocked (each one is an upgrade attempt at the proxy).
    const attempts = blocking.upgrades
    await waitFor(() => blocking.upgrades >= attempts + 2, 'background probes')
    expect(client.selector!.current).toBe('http')

    blocking.mode = 'pass'
    await waitFor(() => client.selector!.current === 'websocket' && client.provider.synced, 'back on WebSocket', 15_000)
    paragraphText(client.ydoc).insert(0, 'over ws again')
    await waitFor(() => bodyText(direct.ydoc) === 'over ws again', 'edits flow after switching back')
    await waitForSaved(client)
  })
})
