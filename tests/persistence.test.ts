/**
 * Documents survive server restarts: a graceful stop, and kill -9 right after an acknowledgement.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved } from './helpers/clients.ts'
import { spawnTestServer, testToken, type ChildServer } from './helpers/server.ts'

describe('persistence', () => {
  const servers: ChildServer[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop('SIGKILL')
  })

  it('[DUR1] an edit survives stopping and restarting the server on the same DATA_DIR', async () => {
    const first = await spawnTestServer()
    servers.push(first)
    const writer = connectClient(first.url, 'restart', await testToken('Alice'))
    await waitFor(() => writer.provider.synced, 'synced')
    paragraphText(writer.ydoc).insert(0, 'still here after a restart')
    await waitForSaved(writer)
    writer.destroy()
    expect(await first.stop('SIGTERM')).toBe(0)

    const second = await spawnTestServer({ DATA_DIR: first.dataDir })
    servers.push(second)
    const reader = connectClient(second.url, 'restart', await testToken('Bob'))
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    expect(bodyText(reader.ydoc)).toBe('still here after a restart')
    reader.destroy()
  })

  it('[DUR2] an acknowledged edit survives kill -9 of the server immediately after the acknowledgement', async () => {
    const first = await spawnTestServer()
    servers.push(first)
    const writer = connectClient(first.url, 'crash', await testToken('Alice'))
    await waitFor(() => writer.provider.synced, 'synced')
    const text = paragraphText(writer.ydoc)
    for (let i = 0; i < 200; i++) text.insert(text.length, String(i % 10))
    await waitForSaved(writer)
    // No grace: the process dies the moment the client has seen "saved".
    first.process.kill('SIGKILL')
    await first.stop('SIGKILL')
    writer.destroy()

    const second = await spawnTestServer({ DATA_DIR: first.dataDir })
    servers.push(second)
    const reader = connectClient(second.url, 'crash', await testToken('Bob'))
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    expect(bodyText(reader.ydoc)).toBe(Array.from({ length: 200 }, (_, i) => String(i % 10)).join(''))
    reader.destroy()
  })
})
