/**
 * Accounts across instances: two server processes on a shared PostgreSQL and Redis. The owner
 * changes access through instance A; the affected user's connections on instance B are re-checked
 * at once (over Redis), not at their next token refresh. Failed sign-ins count on every instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../helpers/clients.ts'
import { startCluster, type Cluster } from '../helpers/cluster.ts'
import { REDIS_URL } from '../helpers/redis.ts'
import { Person } from './people.ts'
import { authScope, connectAuthenticated, MSG, RawClient } from './raw-client.ts'

/** Documented bound (SPEC ACCT8, README "Revocation time"), on every instance. */
const REVOCATION_BOUND_MS = 1_000

/** Milliseconds until `client` gets a close message for `document` (fails past the bound). */
async function closedWithin(client: RawClient, document: string, started: number): Promise<number> {
  await waitFor(() => client.framesOf(document, MSG.close).length > 0, 'connection on the other instance closed', REVOCATION_BOUND_MS)
  return Date.now() - started
}

describe('accounts across instances', () => {
  let cluster: Cluster
  let a: string
  let b: string
  let olive: Person
  let vicOnA: Person
  let vicOnB: Person
  let vicId: string
  let doc: string
  const sockets: RawClient[] = []
  const open = async (url: string, token: string) => {
    const client = await connectAuthenticated(url, doc, token)
    sockets.push(client)
    return client
  }

  beforeAll(async () => {
    cluster = await startCluster({ count: 2, redisUrl: REDIS_URL, label: 'revoke' })
    a = cluster.instances[0]!.url
    b = cluster.instances[1]!.url
    olive = new Person(a, 'olive')
    await olive.register()
    vicOnA = new Person(a, 'vic')
    vicId = (await vicOnA.register()).id
    // The same account signed in on the other instance (sessions live in the shared database).
    vicOnB = new Person(b, 'vic')
    expect((await vicOnB.call('POST', '/api/auth/signin', { login: 'vic', password: vicOnA.password })).status).toBe(200)
    doc = (await olive.api('POST', '/api/documents', { title: 'Plans', markdown: 'secret plans' })).body.name
  }, 120_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await cluster?.close()
  })

  it('[ACCT8][SCALE1] an editor downgraded to viewer on instance A is closed with access-changed on instance B and comes back read-only', async () => {
    expect((await olive.api('POST', `/api/documents/${doc}/members`, { user: 'vic', role: 'editor' })).status).toBe(200)
    const asEditor = await open(b, await vicOnB.token())
    expect(authScope(asEditor, doc)).toBe('read-write')
    await waitFor(() => asEditor.framesOf(doc, MSG.sync, 1).length > 0, 'editor on B receives the document')

    const started = Date.now()
    expect((await olive.api('POST', `/api/documents/${doc}/members`, { user: 'vic', role: 'viewer' })).status).toBe(200)
    const elapsed = await closedWithin(asEditor, doc, started)
    console.log(`[ACCT8] role lowered on A -> connection on B closed in ${elapsed} ms`)
    expect(asEditor.framesOf(doc, MSG.close)[0]!.text).toBe('access-changed: you are now a viewer')

    const asViewer = await open(b, await vicOnB.token())
    expect(authScope(asViewer, doc)).toBe('readonly')
  })

  it('[ACCT8][SCALE1] removing a person on instance A closes their connection on instance B, and a shared link revoked on A closes its guest on B', async () => {
    const onB = await open(b, await vicOnB.token())
    expect(authScope(onB, doc)).not.toMatch(/^denied/)
    const link = (await olive.api('POST', `/api/documents/${doc}/links`, { role: 'editor' })).body
    const guest = new Person(b, 'guest')
    expect((await guest.call('POST', '/api/share-links/accept', { secret: link.secret, name: 'Guest' })).status).toBe(200)
    const guestSocket = await open(b, await guest.token())
    expect(authScope(guestSocket, doc)).toBe('read-write')
    // The owner's own connection on B must stay open through both.
    const oliveOnB = await open(b, await olive.token())

    let started = Date.now()
    expect((await olive.api('DELETE', `/api/documents/${doc}/members/${vicId}`)).status).toBe(204)
    let elapsed = await closedWithin(onB, doc, started)
    console.log(`[ACCT8] invite removed on A -> connection on B closed in ${elapsed} ms`)
    expect(onB.framesOf(doc, MSG.close)[0]!.text).toBe('forbidden: access revoked')
    expect(authScope(await open(b, await vicOnB.token()), doc)).toMatch(/^denied: forbidden/)
    expect(guestSocket.framesOf(doc, MSG.close)).toEqual([])

    started = Date.now()
    expect((await olive.api('DELETE', `/api/documents/${doc}/links/${link.id}`)).status).toBe(204)
    elapsed = await closedWithin(guestSocket, doc, started)
    console.log(`[ACCT8] link revoked on A -> guest on B closed in ${elapsed} ms`)
    expect(guestSocket.framesOf(doc, MSG.close)[0]!.text).toBe('forbidden: access revoked')
    expect(oliveOnB.framesOf(doc, MSG.close)).toEqual([])
  })

  it('[ACCT1][SCALE1] failed sign-ins on one instance count on the other: spreading guesses over instances gains nothing', async () => {
    // SIGN_IN_LIMITS.perLogin = 10 failures per account name in 15 minutes.
    const guess = (url: string, attempt: number) => new Person(url, 'guesser').call('POST', '/api/auth/signin', { login: 'olive', password: `guess ${attempt}` })
    for (let attempt = 0; attempt < 10; attempt++) expect((await guess(attempt % 2 === 0 ? a : b, attempt)).status).toBe(401)
    for (const url of [a, b]) {
      const refused = await guess(url, 99)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800)
    }
    // The right password is refused as well while the name is throttled.
    expect((await new Person(b, 'olive').call('POST', '/api/auth/signin', { login: 'olive', password: olive.password })).status).toBe(429)
  })
})
