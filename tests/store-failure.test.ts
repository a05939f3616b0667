/**
 * The database goes away under a running server (a loopback TCP proxy in front of the real
 * PostgreSQL is cut): the document stays in memory and keeps syncing between clients, the writer
 * is not acknowledged ("not saved"), the server logs it and /readyz says so; when the database is
 * back everything is written, acknowledgements resume, and the edits survive kill -9.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { createTestSchema, PG_URL, withSearchPath, type TestSchema } from './helpers/postgres.ts'
import { spawnTestServer, testToken, type ChildServer } from './helpers/server.ts'
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts'

async function probe(server: ChildServer, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${server.url}${path}`)
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

describe('store failure', () => {
  const servers: ChildServer[] = []
  const clients: TestClient[] = []
  let proxy: TcpProxy | undefined
  let schema: TestSchema | undefined
  afterAll(async () => {
    for (const client of clients) client.destroy()
    for (const server of servers) await server.stop('SIGKILL')
    await proxy?.close()
    await schema?.drop()
  })

  it('[DUR6] PostgreSQL unreachable: edits stay in memory unacknowledged, /readyz is 503, all stored and acknowledged once it is back', { timeout: 120_000 }, async () => {
    schema = await createTestSchema('store_failure')
    const target = new URL(PG_URL)
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
    const viaProxy = new URL(PG_URL)
    viaProxy.host = `127.0.0.1:${proxy.port}`
    const server = await spawnTestServer({ DATABASE_URL: withSearchPath(viaProxy.toString(), schema.name), LOG_LEVEL: 'info' })
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
    await waitFor(() => bodyText(watcher.ydoc) === during, 'the watcher sees the edits made during the outage')
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
