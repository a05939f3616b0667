/**
 * The database goes away under a running server (a loopback TCP proxy in front of the real
 * PostgreSQL is cut): the document stays in memory and keeps syncing between clients, the writer
 * is not acknowledged ("not saved"), the server logs it and /readyz says so; when the database is
 * back everything is written, acknowledgements resume, and the edits survive kill -9.
 */
import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { createTestSchema, PG_URL, withSearchPath, type TestSchema } from './helpers/postgres.ts'
import { spawnTestServer, testToken, type ChildServer } from './helpers/server.ts'
import { startLoadBalancer } from './helpers/load-balancer.ts'
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts'
import { CLOSE_CODES } from '../shared/close-codes.ts'

async function probe(server: ChildServer, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${server.url}${path}`)
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

/** `retryInMs` of each "store write failed" pino line in a server's output, in order. */
function retryDelays(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('store write failed'))
    .map((line) => (JSON.parse(line) as { retryInMs: number }).retryInMs)
}

/** A fresh schema and a proxy in front of PostgreSQL; `url` goes through the proxy. Registers cleanups. */
async function proxiedDatabase(label: string, cleanups: (() => Promise<void>)[]): Promise<{ schema: TestSchema; proxy: TcpProxy; url: string }> {
  const schema = await createTestSchema(label)
  cleanups.push(() => schema.drop())
  const target = new URL(PG_URL)
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
  cleanups.unshift(() => proxy.close())
  const viaProxy = new URL(PG_URL)
  viaProxy.host = `127.0.0.1:${proxy.port}`
  return { schema, proxy, url: withSearchPath(viaProxy.toString(), schema.name) }
}

/** What a describe block's tests start: clients, servers, and cleanups for everything else. */
interface Started {
  servers: ChildServer[]
  clients: TestClient[]
  cleanups: (() => Promise<void>)[]
}

/** Empty lists, torn down after the block: clients destroyed, servers killed (-9), then the cleanups in order. */
function teardownAfterAll(): Started {
  const started: Started = { servers: [], clients: [], cleanups: [] }
  afterAll(async () => {
    for (const client of started.clients) client.destroy()
    for (const server of started.servers) await server.stop('SIGKILL')
    for (const cleanup of started.cleanups) await cleanup()
  })
  return started
}

describe('store failure', () => {
  const { servers, clients, cleanups } = teardownAfterAll()

  it('[DUR6] PostgreSQL unreachable: edits stay in memory unacknowledged, /readyz is 503, all stored and acknowledged once it is back', { timeout: 120_000 }, async () => {
    const { schema, proxy, url } = await proxiedDatabase('store_failure', cleanups)
    const server = await spawnTestServer({ DATABASE_URL: url, LOG_LEVEL: 'info' })
    servers.push(server)
    const token = await testToken('Writer')
    const writer = connectClient(server.url, 'outage', token)
    const watcher = connectClient(server.url, 'outage', await testToken('Watcher'))
    clients.push(writer, watcher)
    await waitFor(() => writer.provider.synced && watcher.provider.synced, 'synced')
    const text = paragraphText(writer.ydoc)
    text.insert(0, 'before;')
    await waitForSaved(writer)
    expect((await probe(server, '/readyz')).status).toBe(200)

    proxy.cut()
    for (let i = 0; i < 20; i++) text.insert(text.length, `during${i};`)
    const during = 'before;' + Array.from({ length: 20 }, (_, i) => `during${i};`).join('')
    // Kept in memory: the other client on the same server gets every edit.
    await waitFor(() => bodyText(watcher.ydoc) === during, 'the watcher sees the edits made during the outage', 20_000).catch((error: unknown) => {
      const status = (c: TestClient) => `socket ${c.socket.status}, synced ${c.provider.synced}, text ${JSON.stringify(bodyText(c.ydoc))}`
      throw new Error(`${String(error)}\nwatcher: ${status(watcher)}\nwriter: ${status(writer)}\nserver log tail:\n${server.output().slice(-3000)}`)
    })
    await waitFor(() => server.output().includes('store write failed'), 'a log line about the failed write', 20_000)
    const readiness = await probe(server, '/readyz')
    expect(readiness.status).toBe(503)
    expect(readiness.body.status).toBe('unavailable')
    expect(readiness.body.store.ok).toBe(false)
    expect(readiness.body.store.pendingWrites).toBeGreaterThan(0)
    const health = await probe(server, '/healthz')
    expect(health.status).toBe(200)
    expect(health.body.store.ok).toBe(false)
    // Not acknowledged: the client still counts its changes as unsaved, after a good while.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(writer.provider.hasUnsyncedChanges).toBe(true)
    // Retried with exponential backoff (100 ms doubling, capped at 5 s), one error line per attempt.
    await waitFor(() => retryDelays(server.output()).length >= 3, 'three failed attempts logged', 20_000)
    const delays = retryDelays(server.output())
    expect(delays.slice(0, 3)).toEqual([100, 200, 400])
    expect(Math.max(...delays)).toBeLessThanOrEqual(5_000)

    proxy.restore()
    await waitForSaved(writer, 30_000)
    await waitFor(() => server.output().includes('store reachable again'), 'a log line about recovery')
    const ready = await probe(server, '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body.store).toMatchObject({ ok: true, pendingWrites: 0 })
    text.insert(text.length, 'after;')
    await waitForSaved(writer)

    // Stored for real: kill -9, and read through a new server straight from PostgreSQL.
    await server.stop('SIGKILL')
    writer.destroy()
    watcher.destroy()
    const second = await spawnTestServer({ DATABASE_URL: schema.url })
    servers.push(second)
    const reader = connectClient(second.url, 'outage', token)
    clients.push(reader)
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    expect(bodyText(reader.ydoc)).toBe(during + 'after;')
  })
})

describe('shutdown while the store is down', () => {
  const { servers, clients, cleanups } = teardownAfterAll()

  it('[DUR5][DUR6] SIGTERM with PostgreSQL unreachable exits 1 after SHUTDOWN_TIMEOUT_MS; the client keeps its unsaved edits and the next server stores them', { timeout: 120_000 }, async () => {
    const { schema, proxy, url } = await proxiedDatabase('shutdown_outage', cleanups)
    const first = await spawnTestServer({ DATABASE_URL: url, SHUTDOWN_TIMEOUT_MS: '4000' })
    servers.push(first)
    // The client reaches servers through a balancer, as it would in production.
    const balancer = await startLoadBalancer([first.port])
    cleanups.unshift(() => balancer.close())
    const writer = connectClient(balancer.url, 'outage-shutdown', await testToken('Writer'))
    clients.push(writer)
    const closeCodes: number[] = []
    writer.socket.on('close', ({ event }: { event: { code: number } }) => closeCodes.push(event.code))
    await waitFor(() => writer.provider.synced, 'synced')
    const text = paragraphText(writer.ydoc)
    text.insert(0, 'saved;')
    await waitForSaved(writer)

    proxy.cut()
    for (let i = 0; i < 10; i++) text.insert(text.length, `unsaved${i};`)
    await waitFor(() => first.output().includes('store write failed'), 'the write failed', 20_000)
    const exited = first.stop('SIGTERM')
    // While it waits for the store it no longer accepts connections.
    const poll = async () => {
      for (let i = 0; i < 300 && first.process.exitCode === null; i++) {
        // A new TCP connection each time: a pooled keep-alive connection would outlive the listener.
        const refused = await connectRefused(first.port)
        if (refused && first.process.exitCode === null) return true
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return false
    }
    const refusedWhileRunning = await poll()
    expect(refusedWhileRunning, 'a connection attempt was refused before the process exited').toBe(true)
    expect(await exited).toBe(1)
    expect(first.output()).toContain('pending changes could not be stored in time')
    expect(closeCodes[0]).toBe(CLOSE_CODES.serverShuttingDown.code)
    expect(writer.provider.hasUnsyncedChanges).toBe(true)

    // The next server (database reachable again) receives the client's edits on reconnect.
    proxy.restore()
    const second = await spawnTestServer({ DATABASE_URL: schema.url })
    servers.push(second)
    balancer.setTargets([second.port])
    await waitForSaved(writer, 30_000)
    const expected = 'saved;' + Array.from({ length: 10 }, (_, i) => `unsaved${i};`).join('')
    await second.stop('SIGKILL')
    writer.destroy()
    const third = await spawnTestServer({ DATABASE_URL: schema.url })
    servers.push(third)
    const reader = connectClient(third.url, 'outage-shutdown', await testToken('Reader'))
    clients.push(reader)
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    expect(bodyText(reader.ydoc)).toBe(expected)
  })
})

/** Whether a TCP connection to the loopback `port` is refused (nothing listens there any more). */
function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}
