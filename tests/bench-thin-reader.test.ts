/**
 * The benchmark's thin reader (bench/clients/thin-reader.ts) joins a real server over both
 * protocols and counts exactly the keystrokes that reach it, merged broadcasts included: fan-out
 * latencies with thin readers are only as good as that count.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { connectThinReader, type ThinReader } from '../bench/clients/thin-reader.ts'
import { connectClient, paragraphText, waitFor, waitForSaved } from './helpers/clients.ts'
import { collabUrl, startTestServer, testToken } from './helpers/server.ts'

describe('thin reader', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('[BENCH1] counts every keystroke once over the Hocuspocus and the y-websocket protocol, merged bursts included', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.close())
    const writer = connectClient(server.url, 'thin', await testToken('Writer'))
    cleanups.push(() => writer.destroy())
    await waitFor(() => writer.provider.synced, 'writer synced')

    const readers: { name: string; reader: ThinReader; counted: number; updates: number }[] = []
    for (const [name, protocol, url] of [
      ['hocuspocus', 'hocuspocus', collabUrl(server.url)],
      ['y-websocket', 'y-websocket', `${server.url.replace(/^http/, 'ws')}/yjs`],
    ] as const) {
      const reader = connectThinReader({ protocol, url, doc: 'thin', token: await testToken(`Thin ${name}`) }, () => performance.now())
      cleanups.push(() => reader.destroy())
      const entry = { name, reader, counted: 0, updates: 0 }
      reader.onUpdate((keystrokes) => {
        entry.counted += keystrokes
        entry.updates++
      })
      readers.push(entry)
    }
    await waitFor(() => readers.every(({ reader }) => reader.isSynced()), 'thin readers synced')

    // The paragraph: an element and its text, two clocks.
    const text = paragraphText(writer.ydoc)
    await waitFor(() => readers.every(({ counted }) => counted === 2), 'the paragraph at both readers')
    for (const entry of readers) entry.counted = 0

    // Five keystrokes one by one, then twenty typed in one go.
    for (let i = 0; i < 5; i++) {
      text.insert(text.length, 'a')
      await waitFor(() => readers.every(({ counted }) => counted === i + 1), `keystroke ${i + 1} at both readers`)
    }
    for (let i = 0; i < 20; i++) text.insert(text.length, 'b')
    await waitForSaved(writer)
    await waitFor(() => readers.every(({ counted }) => counted === 25), 'the burst at both readers')
    // Nothing counted twice: a little later, still 25 each.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(readers.map(({ name, counted }) => [name, counted])).toEqual([
      ['hocuspocus', 25],
      ['y-websocket', 25],
    ])
    // The burst came merged into fewer messages than keystrokes over Hocuspocus (burst-coalescing.ts).
    expect(readers[0]!.updates).toBeLessThan(1 + 5 + 20)
  })
})
