/**
 * SIGTERM / SIGINT while a client types: the server stops accepting, writes what it holds,
 * closes clients with the retryable 4503 (server-shutting-down) and exits 0; everything the
 * client saw acknowledged is stored.
 */
import * as prng from 'lib0/prng'
import { afterEach, describe, expect, it } from 'vitest'
import { CLOSE_CODES } from '../shared/close-codes.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { spawnTestServer, testToken, type ChildServer } from './helpers/server.ts'
import { startTypist, tokensIn } from './helpers/typist.ts'

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000_000)

describe('graceful shutdown', () => {
  const servers: ChildServer[] = []
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    for (const server of servers.splice(0)) await server.stop('SIGKILL')
  })

  it.each(['SIGTERM', 'SIGINT'] as const)(`[DUR5] %s while a client types: exit 0, clients closed with 4503, every acknowledged edit stored (seed ${SEED})`, { timeout: 60_000 }, async (signal) => {
    const random = prng.create(SEED)
    const first = await spawnTestServer()
    servers.push(first)
    const writer = connectClient(first.url, 'shutdown', await testToken('Typist'))
    clients.push(writer)
    await waitFor(() => writer.provider.synced, 'synced')
    paragraphText(writer.ydoc)
    await waitForSaved(writer)
    const typist = startTypist(writer, random)
    const closeCodes: number[] = []
    writer.socket.on('close', ({ event }: { event: { code: number } }) => {
      closeCodes.push(event.code)
      typist.stop()
    })
    await waitFor(() => typist.acknowledged > 0, 'a first acknowledgement', 30_000)
    await new Promise((resolve) => setTimeout(resolve, prng.int32(random, 0, 600)))

    expect(await first.stop(signal)).toBe(0)
    await waitFor(() => closeCodes.length > 0, 'the client saw its connection close')
    typist.stop()
    await typist.done
    writer.destroy()
    expect(closeCodes[0]).toBe(CLOSE_CODES.serverShuttingDown.code)
    expect(CLOSE_CODES.serverShuttingDown.retryable).toBe(true)

    const second = await spawnTestServer({ DATA_DIR: first.dataDir })
    servers.push(second)
    const reader = connectClient(second.url, 'shutdown', await testToken('Reader'))
    clients.push(reader)
    await waitFor(() => reader.provider.synced, 'fresh client synced')
    const stored = tokensIn(bodyText(reader.ydoc))
    expect(stored, `stored text is a prefix of what was typed (seed ${SEED})`).toBeGreaterThanOrEqual(0)
    expect(stored, `${typist.acknowledged} acknowledged of ${typist.typed} typed (seed ${SEED})`).toBeGreaterThanOrEqual(typist.acknowledged)
  })
})
