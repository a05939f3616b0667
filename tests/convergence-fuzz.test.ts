/**
 * Seeded end-to-end convergence fuzz under faults: real provider clients behind a loopback load
 * balancer over three instances (shared PostgreSQL + Redis) make random edits (insert, delete,
 * format, split/join paragraphs, heading toggles), drop their connections at random and keep
 * editing offline, while one instance is killed (-9) and restarted. At the end every client,
 * every instance (read through a fresh client connected straight to it) and the stored document
 * are identical.
 *
 * Default: 4 clients x 150 edits, disconnects up to 1 s. LONG=1: 10 clients x 1,000 edits,
 * disconnects of 0-10 s. FUZZ_CLIENTS / FUZZ_EDITS / FUZZ_MAX_DISCONNECT_MS / SEED override.
 * Seeds in fuzz-regressions.json run too (at the default size).
 */
import fs from 'node:fs'
import { WebSocketStatus } from '@hocuspocus/provider'
import * as prng from 'lib0/prng'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyText, connectClient, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { startCluster, type Cluster } from './helpers/cluster.ts'
import { bodySnapshot, randomEdit, type EditKind } from './helpers/fuzz-edits.ts'
import { startLoadBalancer, type LoadBalancer } from './helpers/load-balancer.ts'
import { REDIS_URL } from './helpers/redis.ts'
import { testToken } from './helpers/server.ts'

const LONG = process.env.LONG === '1'
const SIZE = {
  clients: Number(process.env.FUZZ_CLIENTS ?? (LONG ? 10 : 4)),
  edits: Number(process.env.FUZZ_EDITS ?? (LONG ? 1_000 : 150)),
  maxDisconnectMs: Number(process.env.FUZZ_MAX_DISCONNECT_MS ?? (LONG ? 10_000 : 1_000)),
}
const DEFAULT_SIZE = { clients: 4, edits: 150, maxDisconnectMs: 1_000 }
const regressions = (JSON.parse(fs.readFileSync(new URL('./fuzz-regressions.json', import.meta.url), 'utf8')) as { seeds: { seed: number; note: string }[] }).seeds
const DOC = 'fuzz'

/**
 * Reconnects a client we disconnected. The provider's `connect()` is a no-op while its status
 * still says connected, which it does until the close event of a `disconnect()` just made has
 * arrived; so wait for that first (bounded), or a short offline period would end offline forever.
 */
async function reconnect(client: TestClient): Promise<void> {
  for (let i = 0; i < 500 && client.socket.status === WebSocketStatus.Connected; i++) await sleep(10)
  await client.socket.connect()
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface FuzzSize {
  clients: number
  edits: number
  maxDisconnectMs: number
}

describe('convergence under faults', () => {
  let cluster: Cluster | undefined
  let balancer: LoadBalancer | undefined
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await balancer?.close()
    balancer = undefined
    await cluster?.close()
    cluster = undefined
  })

  async function run(seed: number, size: FuzzSize, checkPresence: boolean): Promise<void> {
    const started = Date.now()
    const random = prng.create(seed)
    cluster = await startCluster({ count: 3, redisUrl: REDIS_URL, label: 'fuzz', env: { STORE_COMPACT_AFTER_UPDATES: '100' } })
    const lb = (balancer = await startLoadBalancer(cluster.instances.map((i) => i.port)))
    const fuzzClients: TestClient[] = []
    for (let i = 0; i < size.clients; i++) {
      const client = connectClient(lb.url, DOC, await testToken(`Fuzzer${i}`))
      clients.push(client)
      fuzzClients.push(client)
    }
    await waitFor(() => fuzzClients.every((c) => c.provider.synced), 'every client synced', 30_000)
    fuzzClients.forEach((client, i) => client.provider.setAwarenessField('user', { name: `Fuzzer${i}` }))

    // Plans are drawn up front from the seed, so a seed always means the same edits and faults.
    const plans = fuzzClients.map(() => ({ random: prng.create(prng.int32(random, 0, 2 ** 31 - 1)), pauses: [] as number[] }))
    const restartAfter = prng.int32(random, Math.floor(size.edits * 0.3), Math.floor(size.edits * 0.7))
    const victim = prng.int32(random, 0, 2)
    const counts: Record<EditKind, number> = { insert: 0, delete: 0, format: 0, split: 0, join: 0, heading: 0 }
    let disconnects = 0
    let restarted: Promise<void> | null = null
    // Clients cut off on purpose, with the timer that brings each back.
    const offline = new Map<TestClient, NodeJS.Timeout>()

    await Promise.all(
      fuzzClients.map(async (client, c) => {
        const plan = plans[c]!
        let offlineUntil = 0
        for (let e = 0; e < size.edits; e++) {
          counts[randomEdit(client.ydoc, plan.random)]++
          if (c === 0 && e === restartAfter) {
            restarted = cluster!.restart(victim, 'SIGKILL').then((instance) => {
              lb.setTargets(cluster!.instances.map((i) => i.port))
              void instance
            })
          }
          // Not while a reconnect is pending (a late timer would otherwise be replaced, not cleared).
          // Both numbers are drawn every edit, so timing cannot shift the rest of the seeded stream.
          const roll = prng.int32(plan.random, 0, 49)
          const duration = prng.int32(plan.random, 0, size.maxDisconnectMs)
          if (roll === 0 && Date.now() >= offlineUntil && !offline.has(client)) {
            disconnects++
            client.socket.disconnect()
            offlineUntil = Date.now() + duration
            offline.set(
              client,
              setTimeout(() => {
                offline.delete(client)
                void reconnect(client)
              }, duration),
            )
          }
          await sleep(prng.int32(plan.random, 0, 15))
        }
      }),
    )
    await restarted
    // Everyone back online (a pending reconnect timer may still be running).
    for (const [client, timer] of offline) {
      clearTimeout(timer)
      void reconnect(client)
    }
    offline.clear()
    const converged = () => {
      const first = bodySnapshot(fuzzClients[0]!.ydoc)
      return fuzzClients.every((c) => bodySnapshot(c.ydoc) === first)
    }
    const describeClients = () =>
      fuzzClients
        .map(
          (c, i) =>
            `client ${i}: socket ${c.socket.status}, synced ${c.provider.synced}, unsynced ${c.provider.unsyncedChanges}, ` +
            `body ${bodySnapshot(c.ydoc).length} chars, state vector ${JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(c.ydoc))])}`,
        )
        .join('\n')
    try {
      await waitFor(converged, `every client converged (seed ${seed})`, 120_000)
      for (const client of fuzzClients) await waitForSaved(client, 60_000)
    } catch (error) {
      console.error(`[CONV2] seed ${seed} did not settle:\n${describeClients()}`)
      throw error
    }
    const expected = bodySnapshot(fuzzClients[0]!.ydoc)
    const expectedVector = Y.encodeStateVector(fuzzClients[0]!.ydoc)
    for (const client of fuzzClients) expect([...Y.encodeStateVector(client.ydoc)], `state vectors (seed ${seed})`).toEqual([...expectedVector])

    // Each instance, through a fresh client connected straight to it.
    for (const [index, instance] of cluster.instances.entries()) {
      const probe = connectClient(instance.url, DOC, await testToken(`Probe${index}`))
      clients.push(probe)
      await waitFor(() => probe.provider.synced, `probe of instance ${index} synced`, 30_000)
      await waitFor(() => bodySnapshot(probe.ydoc) === expected, `instance ${index} holds the converged document (seed ${seed})`, 30_000)
      probe.destroy()
    }
    // The store.
    expect(bodySnapshot(await cluster.readStored(DOC)), `stored document (seed ${seed})`).toBe(expected)
    expect(bodyText(fuzzClients[0]!.ydoc).length).toBeGreaterThan(0)
    if (checkPresence) {
      // Presence heals too, across instances. Slowly: a client that reconnected ignores re-sent
      // states whose awareness clock it has seen (y-protocols), so people reappear on their next
      // renewal (every 15 s); hence only in the main run, not for every regression seed.
      const users = (client: TestClient) =>
        new Set([...client.provider.awareness!.getStates().values()].map((state) => (state.user as { name?: string } | undefined)?.name).filter(Boolean)).size
      await waitFor(() => fuzzClients.every((c) => users(c) === size.clients), `every client sees all ${size.clients} users (seed ${seed})`, 45_000)
    }
    console.log(
      `[CONV2] seed ${seed}: ${size.clients} clients x ${size.edits} edits (${JSON.stringify(counts)}), ${disconnects} disconnects, ` +
        `instance ${victim} killed after ${restartAfter} edits, converged in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  }

  async function runReportingSeed(seed: number, size: FuzzSize, checkPresence = false): Promise<void> {
    try {
      await run(seed, size, checkPresence)
    } catch (error) {
      console.error(`[CONV2] FAILED with seed ${seed} (${JSON.stringify(size)}): keep it in tests/fuzz-regressions.json; replay with SEED=${seed}`)
      throw error
    }
  }

  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000_000)
  it(`[CONV2] ${SIZE.clients} clients x ${SIZE.edits} random edits over 3 instances with disconnects and an instance kill converge everywhere (seed ${seed})`, { timeout: LONG ? 1_800_000 : 180_000 }, () =>
    runReportingSeed(seed, SIZE, true),
  )

  it.each(regressions)(`[CONV2] regression seed $seed ($note)`, { timeout: 180_000 }, ({ seed: kept }) => runReportingSeed(kept, DEFAULT_SIZE))
})
