/**
 * Short-lived session tokens refreshed over the open connection: the server asks for a fresh
 * token before the old one expires, the provider answers on the same socket, and nothing drops.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyText, paragraphText, waitFor } from '../helpers/clients.ts'
import { createTestSchema } from '../helpers/postgres.ts'
import { collabUrl, startTestServer } from '../helpers/server.ts'
import { Person } from './people.ts'

const TTL_S = 4

describe('token refresh', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer({ SESSION_TOKEN_TTL_S: String(TTL_S) })
  })
  afterAll(async () => {
    await server.close()
  })

  function connect(doc: string, token: () => Promise<string>, url = server.url) {
    const ydoc = new Y.Doc()
    const socket = new HocuspocusProviderWebsocket({ url: collabUrl(url), delay: 50, minDelay: 50, maxDelay: 500, jitter: false })
    const closes: string[] = []
    let disconnects = 0
    socket.on('disconnect', () => (disconnects += 1))
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: doc, document: ydoc, token, onClose: ({ event }) => void closes.push(event.reason) })
    provider.attach()
    return {
      ydoc,
      provider,
      socket,
      closes,
      get disconnects() {
        return disconnects
      },
      destroy() {
        provider.destroy()
        socket.destroy()
      },
    }
  }

  it('[ACCT3][ACCT4] a connection outlives its first token on the same socket, with every edit saved; a client that cannot refresh is closed', async () => {
    const rita = new Person(server.url, 'rita')
    await rita.register()
    const doc = (await rita.api('POST', '/api/documents', {})).body.name as string
    let fetched = 0
    const fresh = connect(doc, () => {
      fetched += 1
      return rita.token()
    })
    const firstToken = await rita.token()
    const stale = connect(doc, async () => firstToken)
    try {
      await waitFor(() => fresh.provider.synced && stale.provider.synced, 'both synced')
      const webSocket = fresh.socket.webSocket
      const started = Date.now()
      let typed = ''
      // Type through two token lifetimes: edits land before, during and after each refresh.
      for (let i = 0; Date.now() - started < (TTL_S * 2 + 2) * 1000 && i < 100; i++) {
        const text = `e${i} `
        paragraphText(fresh.ydoc).insert(typed.length, text)
        typed += text
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      await waitFor(() => !fresh.provider.hasUnsyncedChanges, 'every edit acknowledged')
      // Same socket, never disconnected, tokens fetched again and again.
      expect(fresh.socket.webSocket).toBe(webSocket)
      expect(fresh.disconnects).toBe(0)
      expect(fresh.closes).toEqual([])
      expect(fetched).toBeGreaterThanOrEqual(3)
      // The stale client was closed once its only token expired (plus the 5 s grace).
      await waitFor(() => stale.closes.length > 0, 'stale client closed', 10_000)
      expect(stale.closes).toEqual(['unauthorized: token expired'])
      // Everything typed is on the server.
      const check = connect(doc, () => rita.token())
      try {
        await waitFor(() => check.provider.synced, 'checker synced')
        expect(bodyText(check.ydoc)).toBe(typed)
      } finally {
        check.destroy()
      }
    } finally {
      fresh.destroy()
      stale.destroy()
    }
  }, 40_000)

  it('[ACCT4][ACCT8] on another instance sharing the database, a revoked user is closed at the next token refresh', async () => {
    const schema = await createTestSchema('acct_refresh')
    const shared = { SESSION_TOKEN_TTL_S: String(TTL_S), HISTORY_DATABASE_URL: schema.url }
    const a = await startTestServer(shared)
    const b = await startTestServer(shared)
    try {
      const owner = new Person(a.url, 'owner')
      await owner.register()
      const doc = (await owner.api('POST', '/api/documents', {})).body.name as string
      const guest = new Person(a.url, 'guest')
      const guestUser = await guest.register()
      await owner.api('POST', `/api/documents/${doc}/members`, { user: 'guest', role: 'editor' })
      // The guest edits through instance B, the owner revokes through instance A.
      const onB = connect(doc, () => guest.token(), b.url)
      try {
        await waitFor(() => onB.provider.synced, 'guest synced on B')
        const revokedAt = Date.now()
        expect((await owner.api('DELETE', `/api/documents/${doc}/members/${guestUser.id}`)).status).toBe(204)
        await waitFor(() => onB.closes.length > 0, 'closed at the next refresh', (TTL_S + 6) * 1000)
        console.log(`[ACCT8] other instance: closed ${Date.now() - revokedAt} ms after the revoke (token lifetime ${TTL_S} s)`)
        expect(onB.closes[0]).toBe('forbidden: access revoked')
      } finally {
        onB.destroy()
      }
    } finally {
      await a.close()
      await b.close()
      await schema.drop()
    }
  }, 40_000)
})
