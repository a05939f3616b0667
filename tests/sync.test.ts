/**
 * Two real provider clients through a real server converge.
 */
import diagnostics_channel from 'node:diagnostics_channel'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_TYPES, SYNC_TYPES } from '../shared/frame-inspection.ts'
import { MESSAGE_TYPE_SYNC_STATUS } from '../shared/protocol.ts'
import { FANOUT_PHASE_CHANNEL, type FanoutPhaseEvent } from '../server/sync/fanout-phases.ts'
import { sharedFrameStats } from '../server/sync/shared-frame-socket.ts'
import { connectionOfOrigin } from '../server/sync/transaction-origin.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from './helpers/clients.ts'
import { providerOpening, rawClient, updateFrame, type RawClient } from './helpers/raw-client.ts'
import { startTestServer, testToken } from './helpers/server.ts'

describe('sync', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A raw connection to a synced document, with a replica whose local edits collect in `sent`. */
  async function openRawEditor(url: string, document: string, name: string) {
    const client = rawClient(url)
    cleanups.push(() => client.close())
    await client.opened
    for (const frame of providerOpening(document, await testToken(name))) client.send(frame)
    await waitFor(() => client.frames.some((frame) => frame.syncType === SYNC_TYPES.step2 && frame.update!.byteLength > 2), `${name} synced`)
    const ydoc = new Y.Doc()
    for (const frame of client.frames) if (frame.update) Y.applyUpdate(ydoc, frame.update)
    const sent: Uint8Array[] = []
    ydoc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'remote' && sent.push(update))
    return { client, ydoc, sent }
  }

  /** A server whose `document` holds one paragraph with '>', saved by the returned seed client. */
  async function serverWithSeed(document: string) {
    const server = await startTestServer()
    cleanups.push(() => server.close())
    const seed = connectClient(server.url, document, await testToken('Seed'))
    cleanups.push(() => seed.destroy())
    await waitFor(() => seed.provider.synced, 'seed synced')
    paragraphText(seed.ydoc).insert(0, '>')
    await waitForSaved(seed)
    return { server, seed }
  }
  /** Types `count` letters at the end of `editor`'s paragraph and writes their updates at once. */
  function sendBurst(editor: Awaited<ReturnType<typeof openRawEditor>>, document: string, count: number) {
    const text = paragraphText(editor.ydoc)
    for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)))
    for (const update of editor.sent.splice(0)) editor.client.send(updateFrame(document, update))
  }
  /** Checks `condition` once per event-loop turn (the server runs in this process) until it holds. */
  async function waitForTurns(condition: () => boolean, what: string, turns = 10_000) {
    for (let i = 0; i < turns; i++) {
      if (condition()) return
      await new Promise((resolve) => setImmediate(resolve))
    }
    throw new Error(`timed out waiting for ${what}`)
  }
  const updatesTo = (client: RawClient) => client.frames.filter((frame) => frame.syncType === SYNC_TYPES.update)

  it('[SYNC2] typing reaches 40 readers with the broadcast shared between two threads; every reader ends with the text', async () => {
    const server = await startTestServer({ FANOUT_THREAD: 'true' })
    cleanups.push(() => server.close())
    const readerToken = await testToken('Reader')
    const readers = Array.from({ length: 40 }, () => connectClient(server.url, 'fanout-thread', readerToken))
    for (const reader of readers) cleanups.push(() => reader.destroy())
    const writer = connectClient(server.url, 'fanout-thread', await testToken('Writer'))
    cleanups.push(() => writer.destroy())
    await waitFor(() => [writer, ...readers].every((client) => client.provider.synced), 'every client to sync')
    const before = sharedFrameStats.threaded
    const text = paragraphText(writer.ydoc)
    // The main thread takes every descriptor the thread has not taken yet, so on a busy machine a
    // thread that wakes late may write to none of a keystroke's readers: type until it has written
    // to some (at most 400 keystrokes), and at least the whole phrase.
    const phrase = 'written on two threads '
    for (let i = 0; i < 400 && (i < phrase.length || sharedFrameStats.threaded === before); i++) {
      text.insert(text.length, phrase[i % phrase.length]!)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const typed = bodyText(writer.ydoc)
    expect(typed.startsWith(phrase)).toBe(true)
    await waitFor(() => readers.every((reader) => bodyText(reader.ydoc) === typed), 'every reader to have the text')
    expect(sharedFrameStats.threaded - before).toBeGreaterThan(0)
    await waitForSaved(writer)
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
  it('[SYNC2] 50 readers (editors and viewers) receive every broadcast update byte-identical and in order; one dropping mid-typing disturbs no other', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.close())
    const writer = connectClient(server.url, 'fan-out', await testToken('Writer'))
    cleanups.push(() => writer.destroy())
    await waitFor(() => writer.provider.synced, 'writer synced')
    paragraphText(writer.ydoc).insert(0, '>')
    await waitForSaved(writer)

    const readers: RawClient[] = []
    for (let i = 0; i < 50; i++) {
      const reader = rawClient(server.url)
      cleanups.push(() => reader.close())
      await reader.opened
      const token = await testToken(`Reader${i}`, i % 5 === 0 ? { grants: { 'fan-out': 'viewer' } } : {})
      for (const frame of providerOpening('fan-out', token)) reader.send(frame)
      readers.push(reader)
    }
    // Synced: the document so far arrived (as sync step 2) at every reader.
    await waitFor(() => readers.every((reader) => reader.frames.some((frame) => frame.syncType === SYNC_TYPES.step2 && frame.update!.byteLength > 2)), 'readers synced')
    const updatesOf = (reader: RawClient) => reader.frames.filter((frame) => frame.type === MESSAGE_TYPES.sync && frame.syncType === SYNC_TYPES.update)
    const leaving = readers[7]!

    // Each keystroke in its own event-loop turn of the writer, so most go out as separate broadcasts.
    for (let i = 0; i < 30; i++) {
      if (i === 15) leaving.close()
      const text = paragraphText(writer.ydoc)
      text.insert(text.length, String.fromCharCode(97 + (i % 26)))
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    await waitForSaved(writer)
    const staying = readers.filter((reader) => reader !== leaving)
    const expected = bodyText(writer.ydoc)
    const replicaText = (reader: RawClient) => {
      const replica = new Y.Doc()
      for (const frame of reader.frames) if (frame.type === MESSAGE_TYPES.sync && frame.update) Y.applyUpdate(replica, frame.update)
      return bodyText(replica)
    }
    await waitFor(() => staying.every((reader) => replicaText(reader) === expected), 'every remaining reader has the text')

    const reference = updatesOf(staying[0]!).map((frame) => Buffer.from(frame.raw).toString('hex'))
    expect(reference.length).toBeGreaterThan(0)
    for (const reader of staying) expect(updatesOf(reader).map((frame) => Buffer.from(frame.raw).toString('hex'))).toEqual(reference)
    expect(expected).toMatch(/^>[a-z]{30}$/)
  })

  it('[SYNC3] a client is not sent its own updates back; the others get them, and edits from two clients in one turn reach both', async () => {
    const { server, seed } = await serverWithSeed('echo')

    const alice = await openRawEditor(server.url, 'echo', 'Alice')
    const bob = await openRawEditor(server.url, 'echo', 'Bob')
    const aliceBefore = updatesTo(alice.client).length
    const bobBefore = updatesTo(bob.client).length

    // Alice types three keystrokes, one per turn; then Alice and Bob both type in the same turn.
    for (const character of 'abc') {
      paragraphText(alice.ydoc).insert(paragraphText(alice.ydoc).length, character)
      alice.client.send(updateFrame('echo', alice.sent.shift()!))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await waitFor(() => updatesTo(bob.client).length - bobBefore >= 3, 'bob has alice\'s keystrokes')
    expect(updatesTo(alice.client).length - aliceBefore).toBe(0)

    paragraphText(bob.ydoc).insert(0, 'B')
    paragraphText(alice.ydoc).insert(paragraphText(alice.ydoc).length, 'A')
    bob.client.send(updateFrame('echo', bob.sent.shift()!))
    alice.client.send(updateFrame('echo', alice.sent.shift()!))
    const replica = (client: RawClient, ydoc: Y.Doc) => {
      for (const frame of updatesTo(client)) Y.applyUpdate(ydoc, frame.update!, 'remote')
      return bodyText(ydoc)
    }
    await waitFor(() => replica(alice.client, alice.ydoc) === replica(bob.client, bob.ydoc) && bodyText(alice.ydoc).length === 6, 'both have both edits')
    expect(bodyText(alice.ydoc)).toMatch(/^B>abcA$/)
    await waitFor(() => bodyText(seed.ydoc) === 'B>abcA', 'the seed client has everything')
  })

  it('[SYNC4] a burst of keystrokes sent in one go reaches the other readers as one broadcast, not one per event-loop turn', async () => {
    const { server, seed } = await serverWithSeed('burst')

    const typist = await openRawEditor(server.url, 'burst', 'Typist')
    const reader = await openRawEditor(server.url, 'burst', 'Reader')
    const before = updatesTo(reader.client).length

    // 120 one-character updates (about 3 KB, under the 4 KiB broadcast bound) written at once: the
    // server reads them together and its guard hands them on 16 per turn (SEC3).
    sendBurst(typist, 'burst', 120)

    const expected = bodyText(typist.ydoc)
    await waitFor(() => {
      for (const frame of updatesTo(reader.client).slice(before)) Y.applyUpdate(reader.ydoc, frame.update!, 'remote')
      return bodyText(reader.ydoc) === expected
    }, 'the reader has the burst')
    // Broadcast per turn of the guard, the burst was five.
    expect(updatesTo(reader.client).length - before).toBeLessThanOrEqual(2)
    await waitFor(() => bodyText(seed.ydoc) === expected, 'the seed client has the burst')
  })
  it('[SYNC4] a lone keystroke is broadcast as it is applied, not after the rest of the event-loop turn', async () => {
    const { server } = await serverWithSeed('lone')
    const typist = await openRawEditor(server.url, 'lone', 'Typist')
    const reader = await openRawEditor(server.url, 'lone', 'Reader')
    const document = server.hocuspocus.documents.get('lone')!
    // Registered after Hocuspocus's own update handler: sees what that handler left pending.
    const pendingAfterUpdate: number[] = []
    document.on('update', () => pendingAfterUpdate.push((document as unknown as { pendingUpdates: unknown[] }).pendingUpdates.length))
    const before = updatesTo(reader.client).length

    for (const letter of 'xyz') {
      sendBurst(typist, 'lone', 1)
      await waitFor(() => bodyText(document) === bodyText(typist.ydoc), `the server applied ${letter}`)
    }
    // Broadcast inside the update's own event: nothing left for a later turn.
    expect(pendingAfterUpdate).toEqual([0, 0, 0])
    await waitFor(() => updatesTo(reader.client).length - before === 3, 'the reader has the three keystrokes')
  })
  it('[SYNC4] a broadcast is written to the readers\' sockets as it is handed out, before the rest of its tick', async () => {
    const { server } = await serverWithSeed('prompt')
    const typist = await openRawEditor(server.url, 'prompt', 'Typist')
    const reader = await openRawEditor(server.url, 'prompt', 'Reader')
    const document = server.hocuspocus.documents.get('prompt')!
    const order: string[] = []
    const note = (event: unknown) => order.push((event as FanoutPhaseEvent).phase)
    diagnostics_channel.subscribe(FANOUT_PHASE_CHANNEL, note)
    // Registered after Hocuspocus's own update handler, which broadcasts: work later in the same tick.
    document.on('update', () => order.push('later work'))
    const before = updatesTo(reader.client).length
    try {
      sendBurst(typist, 'prompt', 1)
      await waitFor(() => order.includes('later work'), 'the server applied the keystroke')
    } finally {
      diagnostics_channel.unsubscribe(FANOUT_PHASE_CHANNEL, note)
    }
    const end = order.indexOf('broadcast-end')
    expect(order.slice(end, end + 4)).toEqual(['broadcast-end', 'writes-start', 'writes-end', 'later work'])
    await waitFor(() => updatesTo(reader.client).length - before === 1, 'the reader has the keystroke')
  })
  it('[SYNC4] another client\'s update sent during a burst is not held back until the burst is broadcast', async () => {
    const { server } = await serverWithSeed('burst-other')
    const typist = await openRawEditor(server.url, 'burst-other', 'Typist')
    const other = await openRawEditor(server.url, 'burst-other', 'Other')
    const reader = await openRawEditor(server.url, 'burst-other', 'Reader')
    const before = updatesTo(reader.client).length

    sendBurst(typist, 'burst-other', 120)
    // As soon as the server holds the burst's broadcast back (the burst continues over turns),
    // the other client types one character.
    await waitForTurns(() => server.protection.bursts.continues('burst-other'), 'the burst to be spread over turns')
    paragraphText(other.ydoc).insert(0, '#')
    other.client.send(updateFrame('burst-other', other.sent.shift()!))

    // Apply the reader's broadcasts one by one: the one that brings '#' must not be the one that
    // completes the burst (waiting for the burst, it was).
    const burstText = bodyText(typist.ydoc)
    let applied = before
    let burstWhenOtherArrived: number | null = null
    await waitFor(() => {
      const frames = updatesTo(reader.client)
      for (; applied < frames.length; applied++) {
        Y.applyUpdate(reader.ydoc, frames[applied]!.update!, 'remote')
        if (burstWhenOtherArrived === null && bodyText(reader.ydoc).startsWith('#')) burstWhenOtherArrived = bodyText(reader.ydoc).length - 1
      }
      return bodyText(reader.ydoc) === '#' + burstText
    }, 'the reader has the burst and the other update')
    expect(burstWhenOtherArrived).not.toBeNull()
    expect(burstWhenOtherArrived!).toBeLessThan(burstText.length)
  })

  const acknowledgements = (client: RawClient) => client.frames.filter((frame) => frame.type === MESSAGE_TYPE_SYNC_STATUS).length

  it('[SYNC5] keystrokes the server reads together are applied as one update each turn, and every one is acknowledged once', async () => {
    const { server } = await serverWithSeed('merged')
    const typist = await openRawEditor(server.url, 'merged', 'Typist')
    const reader = await openRawEditor(server.url, 'merged', 'Reader')
    const document = server.hocuspocus.documents.get('merged')!
    const appliedFromClients: number[] = []
    document.on('update', (update: Uint8Array, origin: unknown) => {
      if (connectionOfOrigin(origin)) appliedFromClients.push(Y.decodeUpdate(update).structs.length)
    })
    const acknowledgedBefore = acknowledgements(typist.client)
    const mergedBefore = server.protection.stats.mergedFrames

    // Forty keystrokes, each its own update frame, in one TCP write.
    const text = paragraphText(typist.ydoc)
    for (let i = 0; i < 40; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)))
    typist.client.sendTogether(typist.sent.splice(0).map((update) => updateFrame('merged', update)))

    await waitFor(() => acknowledgements(typist.client) - acknowledgedBefore >= 40, 'forty acknowledgements')
    expect(bodyText(document)).toBe(bodyText(typist.ydoc))
    // The guard hands on 16 frames a turn (SEC3): three merged updates, not forty.
    expect(appliedFromClients.length).toBeLessThanOrEqual(3)
    expect(server.protection.stats.mergedFrames - mergedBefore).toBe(40)
    // Merging runs of consecutive characters, Yjs stores them as one item each.
    expect(appliedFromClients.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3)
    // One acknowledgement per frame sent: no fewer ("Saved" would never show), and no more.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(acknowledgements(typist.client) - acknowledgedBefore).toBe(40)
    await waitFor(() => {
      for (const frame of updatesTo(reader.client)) Y.applyUpdate(reader.ydoc, frame.update!, 'remote')
      return bodyText(reader.ydoc) === bodyText(typist.ydoc)
    }, 'the reader has the keystrokes')
  })

  it('[SYNC5] a provider typing faster than the server reads is told "saved" once all its keystrokes are', async () => {
    const { server, seed } = await serverWithSeed('merged-provider')
    const mergedBefore = server.protection.stats.mergedFrames
    const text = paragraphText(seed.ydoc)
    // Sixty transactions in one tick: the provider sends sixty update messages at once.
    for (let i = 0; i < 60; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)))
    expect(seed.provider.unsyncedChanges).toBeGreaterThan(0)
    await waitForSaved(seed)
    expect(seed.provider.unsyncedChanges).toBe(0)
    expect(server.protection.stats.mergedFrames - mergedBefore).toBeGreaterThan(1)
    expect(bodyText(server.hocuspocus.documents.get('merged-provider')!)).toBe(bodyText(seed.ydoc))
  })
})
