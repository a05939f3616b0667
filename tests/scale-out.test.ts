/**
 * Three server processes as one (REDIS_URL + a shared PostgreSQL): clients spread over them
 * converge (text and cursors), an instance killed with -9 loses nothing and its clients carry on
 * through another, a Redis restart mid-session heals, and the stored document is never truncated.
 */
import * as prng from 'lib0/prng'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BODY_FRAGMENT } from '../shared/protocol.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { startCluster, type Cluster } from './helpers/cluster.ts'
import { startLoadBalancer, type LoadBalancer } from './helpers/load-balancer.ts'
import { REDIS_URL, startPrivateRedis, type PrivateRedis } from './helpers/redis.ts'
import { testToken } from './helpers/server.ts'
import { startTypist, typedText, type Typist } from './helpers/typist.ts'

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000_000)
const DOC = 'team-notes'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Paragraph `index`'s text in `ydoc`. */
function paragraph(ydoc: Y.Doc, index: number): Y.XmlText {
  return (ydoc.getXmlFragment(BODY_FRAGMENT).get(index) as Y.XmlElement).get(0) as Y.XmlText
}

/** Gives the document `count` empty paragraphs, one per client to type into. */
function makeParagraphs(ydoc: Y.Doc, count: number): void {
  ydoc.transact(() => {
    for (let i = 0; i < count; i++) {
      const element = new Y.XmlElement('paragraph')
      element.insert(0, [new Y.XmlText()])
      ydoc.getXmlFragment(BODY_FRAGMENT).push([element])
    }
  })
}

describe('scale-out on Redis', () => {
  let cluster: Cluster | undefined
  let balancer: LoadBalancer | undefined
  let redis: PrivateRedis | undefined
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await balancer?.close()
    balancer = undefined
    await cluster?.close()
    cluster = undefined
    await redis?.kill()
    redis = undefined
  })

  /** `count` clients on `urls` (round robin), synced, with one paragraph each. */
  async function connectAll(urls: string[], count: number): Promise<TestClient[]> {
    const connected: TestClient[] = []
    for (let i = 0; i < count; i++) {
      const client = connectClient(urls[i % urls.length]!, DOC, await testToken(`User${i}`))
      clients.push(client)
      connected.push(client)
    }
    await waitFor(() => connected.every((c) => c.provider.synced), 'every client synced', 20_000)
    makeParagraphs(connected[0]!.ydoc, count)
    await waitFor(
      () => connected.every((c) => c.ydoc.getXmlFragment(BODY_FRAGMENT).length === count),
      'every client sees the paragraphs',
      20_000,
    )
    for (const client of connected) await waitForSaved(client, 20_000)
    return connected
  }

  /** Every client, every paragraph and the stored document hold exactly what was typed. */
  async function expectConverged(connected: TestClient[], typists: Typist[], what: string): Promise<void> {
    const expected = typists.map((typist) => typedText(typist.typed)).join('\n')
    await waitFor(() => connected.every((c) => bodyText(c.ydoc) === expected), `${what}: every client converged (seed ${SEED})`, 60_000)
    for (const client of connected) await waitForSaved(client, 30_000)
    expect(bodyText((await cluster!.readStored(DOC)))).toBe(expected)
  }

  it('[SCALE1][SCALE2] clients on three instances converge: text, cursors, and the stored document with each update stored once', { timeout: 120_000 }, async () => {
    cluster = await startCluster({ count: 3, redisUrl: REDIS_URL, label: 'scale1' })
    const connected = await connectAll(cluster.instances.map((i) => i.url), 6)
    connected.forEach((client, i) => client.provider.setAwarenessField('user', { name: `User${i}` }))
    const random = prng.create(SEED)
    const typists = connected.map((client, i) => startTypist(client, random, { text: paragraph(client.ydoc, i), maxEdits: 80 }))
    await Promise.all(typists.map((t) => t.done))
    await expectConverged(connected, typists, 'SCALE1')
    for (const t of typists) t.stop()
    // Stored once: the log rows (no compaction yet at the default threshold of 500) hold every
    // struct any client made exactly once, not once per instance that applied it. (A row may hold
    // several of a client's updates that its instance read together, SYNC5.)
    const db = new pg.Client({ connectionString: cluster.schema.url })
    await db.connect()
    try {
      const { rows } = await db.query<{ data: Buffer }>('SELECT data FROM store_updates WHERE name = $1 ORDER BY seq', [DOC])
      expect(rows.length).toBeGreaterThan(6)
      expect(rows.length).toBeLessThanOrEqual(6 * 80 + 1)
      let storedClock = 0
      for (const row of rows) for (const struct of Y.decodeUpdate(new Uint8Array(row.data)).structs) if (!(struct instanceof Y.Skip)) storedClock += struct.length
      const madeClock = [...Y.decodeStateVector(Y.encodeStateVector(connected[0]!.ydoc)).values()].reduce((a, b) => a + b, 0)
      expect(storedClock).toBe(madeClock)
    } finally {
      await db.end()
    }
    await waitFor(
      () => connected.every((c) => [...c.provider.awareness!.getStates().values()].filter((s) => s.user).length === 6),
      'every client sees all six users (awareness across instances)',
      20_000,
    )
  })

  it(`[SCALE2] kill -9 of one instance: its clients reconnect through the balancer, nothing is lost or truncated (seed ${SEED})`, { timeout: 180_000 }, async () => {
    // Compact often, so instances fold each other's appends while edits arrive over Redis.
    cluster = await startCluster({ count: 3, redisUrl: REDIS_URL, label: 'scale2', env: { STORE_COMPACT_AFTER_UPDATES: '40' } })
    balancer = await startLoadBalancer(cluster.instances.map((i) => i.port))
    const connected = await connectAll([balancer.url], 6)
    const random = prng.create(SEED)
    const typists = connected.map((client, i) => startTypist(client, random, { text: paragraph(client.ydoc, i), maxPauseMs: 8 }))
    await sleep(prng.int32(random, 500, 1_500))
    const victim = cluster.instances[1]!
    await victim.stop('SIGKILL')
    await sleep(1_500)
    for (const t of typists) t.stop()
    await Promise.all(typists.map((t) => t.done))
    expect(typists.every((t) => t.typed > 0)).toBe(true)
    await expectConverged(connected, typists, 'SCALE2 after the kill')
    // The survivors unload and compact on a graceful stop; the store still holds everything.
    const codes = await Promise.all([cluster.instances[0]!.stop('SIGTERM'), cluster.instances[2]!.stop('SIGTERM')])
    expect(codes).toEqual([0, 0])
    const expected = typists.map((typist) => typedText(typist.typed)).join('\n')
    expect(bodyText(await cluster.readStored(DOC))).toBe(expected)
    console.log(`[SCALE2] ${typists.reduce((n, t) => n + t.typed, 0)} edits by 6 clients over 3 instances, one killed`)
  })

  it(`[SCALE3][OPS2] Redis restarted mid-session: /readyz says so, editing and opening documents continue, all converges (seed ${SEED})`, { timeout: 180_000 }, async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ count: 3, redisUrl: redis.url, label: 'scale3', env: { STORE_COMPACT_AFTER_UPDATES: '40' } })
    const connected = await connectAll(cluster.instances.map((i) => i.url), 6)
    const random = prng.create(SEED)
    const typists = connected.map((client, i) => startTypist(client, random, { text: paragraph(client.ydoc, i), maxPauseMs: 8 }))
    await sleep(500)
    const ready = async () => {
      const response = await fetch(`${cluster!.instances[0]!.url}/readyz`)
      return { status: response.status, body: (await response.json()) as { redis?: { ok: boolean; error?: string } } }
    }
    expect((await ready()).status).toBe(200)
    await redis.kill()
    const acknowledgedAtOutage = typists.map((t) => t.acknowledged)
    await sleep(1_000)
    const down = await ready()
    expect(down.status).toBe(503)
    expect(down.body.redis?.ok).toBe(false)
    // Every client still gets "saved" meanwhile: acknowledgement depends on the store, not on Redis.
    await waitFor(() => typists.every((t, i) => t.acknowledged > acknowledgedAtOutage[i]!), 'acknowledgements while Redis is down', 20_000)
    // Stop editing before Redis is back: the instances must heal without any further edit.
    for (const t of typists) t.stop()
    await Promise.all(typists.map((t) => t.done))
    for (const client of connected) await waitForSaved(client, 20_000)
    const diverged = new Set(connected.map((c) => bodyText(c.ydoc))).size
    expect(diverged, 'instances diverged while Redis was down (else this test proves nothing)').toBeGreaterThan(1)
    // A document nobody had open can still be opened and edited (and saved) during the outage,
    // on two instances at once; they diverge until Redis is back.
    const late: TestClient[] = []
    for (const i of [0, 1]) late.push(connectClient(cluster.instances[i]!.url, 'opened-during-outage', await testToken(`Late${i}`)))
    clients.push(...late)
    await waitFor(() => late.every((c) => c.provider.synced), 'documents open during the outage', 30_000)
    late.forEach((client, i) => paragraphText(client.ydoc).insert(0, `late${i};`))
    for (const client of late) await waitForSaved(client, 20_000)
    expect(bodyText(late[0]!.ydoc)).toBe('late0;')
    await redis.start()
    await expectConverged(connected, typists, 'SCALE3 after the Redis restart')
    await waitFor(() => bodyText(late[0]!.ydoc) === bodyText(late[1]!.ydoc), 'documents opened during the outage converge', 30_000)
    // Each created its own first paragraph; both survive the merge.
    expect(bodyText(late[0]!.ydoc)).toMatch(/^(late0;\nlate1;|late1;\nlate0;)$/)
    console.log(`[SCALE3] ${diverged} different texts across 6 clients during the outage; converged after Redis came back`)
    let back = await ready()
    for (let i = 0; i < 50 && back.status !== 200; i++) back = (await sleep(100), await ready())
    expect(back.status).toBe(200)
  })
})
