/**
 * [HTTP1][DUR2] "Saved" over the HTTP fallback means on disk, as over WebSocket: an edit whose
 * acknowledgement an HTTP client received survives kill -9 of the server right after.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { spawnTestServer, testToken, type ChildServer } from '../helpers/server.ts'
import { connectHttpClient } from './http-clients.ts'

describe('HTTP fallback durability', () => {
  const servers: ChildServer[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop('SIGKILL')
  })

  it('[HTTP1][DUR2] an edit acknowledged over HTTP survives kill -9 of the server immediately after', async () => {
    const first = await spawnTestServer()
    servers.push(first)
    const writer = connectHttpClient(first.url, 'http-crash', await testToken('Alice'))
    await waitFor(() => writer.provider.synced, 'synced')
    const text = paragraphText(writer.ydoc)
    for (let i = 0; i < 200; i++) text.insert(text.length, String(i % 10))
    await waitForSaved(writer)
    expect(writer.httpSocket?.readyState).toBe(1)
    // No grace: the process dies the moment the client has seen "saved".
    first.process.kill('SIGKILL')
    await first.stop('SIGKILL')
    writer.destroy()

    const second = await spawnTestServer({ DATA_DIR: first.dataDir })
    servers.push(second)
    const reader = connectClient(second.url, 'http-crash', await testToken('Bob'))
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    expect(bodyText(reader.ydoc)).toBe(Array.from({ length: 200 }, (_, i) => String(i % 10)).join(''))
    reader.destroy()
  })
})
