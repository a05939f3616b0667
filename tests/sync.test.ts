/**
 * Two real provider clients through a real server converge.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { startTestServer, testToken } from './helpers/server.ts'

describe('sync', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('[SYNC1] two clients typing at once into one paragraph converge on the same text', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.close())
    const alice = connectClient(server.url, 'converge', await testToken('Alice'))
    cleanups.push(() => alice.destroy())
    await waitFor(() => alice.provider.synced, 'alice synced')
    paragraphText(alice.ydoc).insert(0, '|')
    await waitForSaved(alice)
    const bob = connectClient(server.url, 'converge', await testToken('Bob'))
    cleanups.push(() => bob.destroy())
    await waitFor(() => bob.provider.synced && bodyText(bob.ydoc) === '|', 'bob sees the paragraph')

    // Interleave keystrokes from both sides without waiting for each other.
    const typeAt = (client: TestClient, text: string, atEnd: boolean) => {
      for (const char of text) {
        const target = paragraphText(client.ydoc)
        target.insert(atEnd ? target.length : 0, char)
      }
    }
    for (let round = 0; round < 20; round++) {
      typeAt(alice, 'ab', false)
      typeAt(bob, 'xy', true)
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitForSaved(alice)
    await waitForSaved(bob)
    await waitFor(() => bodyText(alice.ydoc) === bodyText(bob.ydoc) && bodyText(alice.ydoc).length === 81, 'replicas equal')

    const text = bodyText(alice.ydoc)
    expect(text).toBe(bodyText(bob.ydoc))
    expect(text.split('|')[0]).toMatch(/^[ab]{40}$/)
    expect(text.split('|')[1]).toBe('xy'.repeat(20))
  })
})
