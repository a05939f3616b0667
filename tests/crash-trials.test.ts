/**
 * kill -9 at random moments while a client types: every edit the client saw acknowledged is in
 * the store after a restart, with the client gone (nothing can be re-sent). The server started
 * to check trial i is the one trial i+1 kills, so N trials cost N+1 process starts.
 *
 * Runs on the SQLite store (DATA_DIR) and on PostgreSQL (DATABASE_URL, a private schema).
 * TRIALS=n sets the count per store (default 8 on SQLite and 4 on PostgreSQL; LONG=1: 100 each).
 * SEED=n replays a run; the seed is printed.
 */
import * as prng from 'lib0/prng'
import { afterAll, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { createTestSchema, type TestSchema } from './helpers/postgres.ts'
import { spawnTestServer, tempDataDir, testToken, type ChildServer } from './helpers/server.ts'
import { startTypist, tokensIn } from './helpers/typist.ts'

const LONG = process.env.LONG === '1'
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000_000)
const backends = [
  { store: 'sqlite', trials: Number(process.env.TRIALS ?? (LONG ? 100 : 8)) },
  { store: 'postgres', trials: Number(process.env.TRIALS ?? (LONG ? 100 : 4)) },
] as const

describe.each(backends)('kill -9 at random moments on $store', ({ store, trials: TRIALS }) => {
  const servers: ChildServer[] = []
  const clients: TestClient[] = []
  let schema: TestSchema | undefined
  afterAll(async () => {
    for (const client of clients) client.destroy()
    for (const server of servers) await server.stop('SIGKILL')
    await schema?.drop()
  })

  it(`[DUR4] ${TRIALS} trials: every acknowledged edit survives kill -9 at a random moment (seed ${SEED})`, { timeout: 60_000 + TRIALS * 15_000 }, async () => {
    console.log(`[DUR4] kill -9 trials on ${store}: TRIALS=${TRIALS} SEED=${SEED}`)
    const random = prng.create(SEED)
    const dataDir = tempDataDir()
    const env: Record<string, string> = { DATA_DIR: dataDir }
    if (store === 'postgres') env.DATABASE_URL = (schema = await createTestSchema('crash_trials')).url
    const token = await testToken('Typist')
    const connect = (server: ChildServer, document: string) => {
      const client = connectClient(server.url, document, token)
      clients.push(client)
      return client
    }
    // Acknowledged edits per trial document, checked again at the end on the last server.
    const acknowledged = new Map<string, number>()
    let server = await spawnTestServer(env)
    servers.push(server)
    let totalAcknowledged = 0
    let totalTyped = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const document = `crash-${trial}`
      const writer = connect(server, document)
      await waitFor(() => writer.provider.synced, `trial ${trial}: synced`)
      paragraphText(writer.ydoc)
      await waitForSaved(writer)
      const typist = startTypist(writer, random)
      // Freeze the acknowledged count the moment the connection drops: nothing arrives after.
      let closed = false
      writer.socket.on('close', () => {
        closed = true
        typist.stop()
      })
      // A trial means something only once the client has seen an acknowledgement; then kill at a
      // random moment (a busy machine can take a while for the first commit, so wait for it).
      await waitFor(() => typist.acknowledged > 0, `trial ${trial}: a first acknowledgement`, 30_000)
      await new Promise((resolve) => setTimeout(resolve, prng.int32(random, 0, 1_500)))
      server.process.kill('SIGKILL')
      await server.stop('SIGKILL')
      await waitFor(() => closed, `trial ${trial}: the client saw the connection drop`)
      typist.stop()
      await typist.done
      writer.destroy()
      const count = typist.acknowledged
      acknowledged.set(document, count)
      totalAcknowledged += count
      totalTyped += typist.typed

      server = await spawnTestServer(env)
      servers.push(server)
      const reader = connect(server, document)
      await waitFor(() => reader.provider.synced, `trial ${trial}: fresh client synced`)
      const stored = tokensIn(bodyText(reader.ydoc))
      reader.destroy()
      expect(stored, `trial ${trial} (seed ${SEED}): stored text is a prefix of what was typed`).toBeGreaterThanOrEqual(0)
      expect(stored, `trial ${trial} (seed ${SEED}): ${count} acknowledged of ${typist.typed} typed`).toBeGreaterThanOrEqual(count)
    }
    // Later restarts (and compactions on unload) kept every earlier trial's acknowledged edits.
    for (const [document, count] of acknowledged) {
      const reader = connect(server, document)
      await waitFor(() => reader.provider.synced, `${document}: synced at the end`)
      expect(tokensIn(bodyText(reader.ydoc)), `${document} at the end (seed ${SEED})`).toBeGreaterThanOrEqual(count)
      reader.destroy()
    }
    console.log(`[DUR4] ${store}: ${TRIALS} trials, ${totalAcknowledged} acknowledged edits checked of ${totalTyped} typed`)
  })
})
