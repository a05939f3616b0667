/**
 * Limits on one connection over raw frames: message size, Yjs update bounds, malformed frames of
 * every message type, pre-authentication caps and the authentication timeout. Each closes with
 * its code from the close-code table; the document and the other clients are unaffected.
 */
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import {
  authFrame,
  awarenessFrame,
  paragraphUpdate,
  providerOpening,
  queryAwarenessFrame,
  rawClient,
  syncStep1Frame,
  updateFrame,
  type RawClient,
} from '../helpers/raw-client.ts'
import { startTestServer, testToken } from '../helpers/server.ts'

const DOC = 'limits'

function frameOf(address: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, address)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('connection limits', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let owner: TestClient
  const raws: RawClient[] = []

  beforeAll(async () => {
    server = await startTestServer({
      MAX_MESSAGE_BYTES: String(64 * 1024),
      MAX_UPDATE_STRUCTS: '50',
      PRE_AUTH_MAX_MESSAGES: '20',
      PRE_AUTH_MAX_BYTES: '4096',
      PRE_AUTH_MAX_DOCUMENTS: '3',
      AUTH_TIMEOUT_MS: '1500',
    })
    owner = connectClient(server.url, DOC, await testToken('Owner'))
    await waitFor(() => owner.provider.synced, 'owner synced')
    paragraphText(owner.ydoc).insert(0, 'steady')
    await waitForSaved(owner)
  })
  afterAll(async () => {
    raws.forEach((raw) => raw.close())
    owner.destroy()
    await server.close()
  })

  async function opened(): Promise<RawClient> {
    const raw = rawClient(server.url)
    raws.push(raw)
    await raw.opened
    return raw
  }

  async function authenticated(): Promise<RawClient> {
    const raw = await opened()
    for (const frame of providerOpening(DOC, await testToken('Raw'))) raw.send(frame)
    await waitFor(() => raw.frames.some((frame) => frame.type === MESSAGE_TYPES.auth), 'authenticated')
    return raw
  }

  /** The document is still whole and still syncing to the owner. */
  async function expectDocumentUnharmed() {
    expect(bodyText(server.hocuspocus.documents.get(DOC)!)).toBe(bodyText(owner.ydoc))
    const marker = `+${Math.random().toString(36).slice(2, 6)}`
    paragraphText(owner.ydoc).insert(paragraphText(owner.ydoc).length, marker)
    await waitForSaved(owner)
    expect(bodyText(server.hocuspocus.documents.get(DOC)!)).toContain(marker)
  }

  it('[SEC3] a message over MAX_MESSAGE_BYTES closes with 1009 and changes nothing', async () => {
    const raw = await authenticated()
    raw.send(updateFrame(DOC, paragraphUpdate('x'.repeat(100 * 1024))))
    expect((await raw.waitClosed()).code).toBe(1009)
    expect(bodyText(server.hocuspocus.documents.get(DOC)!)).not.toContain('xxxx')
    await expectDocumentUnharmed()
  })

  it('[SEC5] a Yjs update with more structs than MAX_UPDATE_STRUCTS closes with 4413 and is not applied', async () => {
    const raw = await authenticated()
    const doc = new Y.Doc()
    const body = doc.getXmlFragment('default')
    for (let i = 0; i < 40; i++) {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText(`p${i}`)])
      body.insert(0, [paragraph])
    }
    raw.send(updateFrame(DOC, Y.encodeStateAsUpdate(doc)))
    const closed = await raw.waitClosed()
    expect(closed.code).toBe(CLOSE_CODES.updateTooLarge.code)
    expect(closed.reason).toMatch(/^update-too-large: update has \d+ structs, over 50/)
    expect(bodyText(server.hocuspocus.documents.get(DOC)!)).not.toContain('p39')
    await expectDocumentUnharmed()
  })

  // Malformed, truncated and bit-flipped frames of every message type a client may send.
  const valid = updateFrame(DOC, paragraphUpdate('fine'))
  const malformed: [string, Uint8Array][] = [
    ['an empty frame', new Uint8Array(0)],
    ['an address length past the end', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x61)],
    ['an address that is not UTF-8', Uint8Array.of(2, 0xc3, 0x28, 0)],
    ['an unknown message type', frameOf(DOC, (e) => encoding.writeVarUint(e, 99))],
    ['sync-status (server-to-client only)', frameOf(DOC, (e) => encoding.writeVarUint(e, MESSAGE_TYPES.syncStatus))],
    ['sync with an unknown sub-type', frameOf(DOC, (e) => (encoding.writeVarUint(e, MESSAGE_TYPES.sync), encoding.writeVarUint(e, 7)))],
    ['sync step 1 with a truncated state vector', syncStep1Frame(DOC, owner0()).subarray(0, DOC.length + 4)],
    ['sync step 1 with a state vector claiming a million entries', frameOf(DOC, (e) => {
      encoding.writeVarUint(e, MESSAGE_TYPES.sync)
      encoding.writeVarUint(e, SYNC_TYPES.step1)
      encoding.writeVarUint8Array(e, Uint8Array.of(0xc0, 0x84, 0x3d, 1, 1))
    })],
    ['an update truncated by one byte', valid.subarray(0, valid.length - 1)],
    ['an update with a trailing byte', Uint8Array.of(...valid, 0)],
    ['an update whose struct count is bit-flipped', flipInUpdate(valid, 1, 0x40)],
    ['an update whose bytes are garbage', frameOf(DOC, (e) => {
      encoding.writeVarUint(e, MESSAGE_TYPES.sync)
      encoding.writeVarUint(e, SYNC_TYPES.update)
      encoding.writeVarUint8Array(e, Uint8Array.of(5, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 9, 9, 9))
    })],
    ['awareness that is not JSON', frameOf(DOC, (e) => {
      encoding.writeVarUint(e, MESSAGE_TYPES.awareness)
      const inner = encoding.createEncoder()
      encoding.writeVarUint(inner, 1)
      encoding.writeVarUint(inner, 7)
      encoding.writeVarUint(inner, 1)
      encoding.writeVarString(inner, '{nope')
      encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
    })],
    ['truncated awareness', awarenessFrame(DOC, { user: { name: 'x' } }).subarray(0, DOC.length + 6)],
    ['auth with a server-only sub-type', frameOf(DOC, (e) => (encoding.writeVarUint(e, MESSAGE_TYPES.auth), encoding.writeVarUint(e, 2)))],
    ['auth with a truncated token', authFrame(DOC, 'a'.repeat(50)).subarray(0, DOC.length + 10)],
    ['query-awareness with trailing bytes', Uint8Array.of(...queryAwarenessFrame(DOC), 1, 2, 3)],
    ['broadcast-stateless (server-internal)', frameOf(DOC, (e) => (encoding.writeVarUint(e, MESSAGE_TYPES.broadcastStateless), encoding.writeVarString(e, 'x')))],
    ['stateless with a truncated payload', frameOf(DOC, (e) => (encoding.writeVarUint(e, MESSAGE_TYPES.stateless), encoding.writeVarUint(e, 40)))],
  ]

  it('[SEC4] malformed, truncated or bit-flipped frames of every message type close with 4422; the server carries on', async () => {
    for (const [what, frame] of malformed) {
      const raw = await authenticated()
      raw.send(frame)
      const closed = await raw.waitClosed()
      expect({ what, code: closed.code }).toEqual({ what, code: CLOSE_CODES.malformedMessage.code })
      expect(closed.reason).toMatch(/^malformed-message: /)
    }
    // Text frames are not part of the protocol either.
    const raw = await authenticated()
    raw.ws.send('hello')
    expect((await raw.waitClosed()).code).toBe(CLOSE_CODES.malformedMessage.code)
    await expectDocumentUnharmed()
  })

  it('[SEC3] a burst is handed on a few frames per event-loop turn: another client\'s update lands inside it, and a refusal after it still closes at once', async () => {
    const live = server.hocuspocus.documents.get(DOC)!
    // Per applied update: its client, and how many clock ticks (characters, elements) it brought;
    // the guard merges the frames it hands on together (see update-merging.ts).
    const order: number[] = []
    const characters = new Map<number, number>()
    const record = (update: Uint8Array) => {
      const { structs } = Y.decodeUpdate(update)
      const client = structs[0]?.id.client ?? -1
      order.push(client)
      characters.set(client, (characters.get(client) ?? 0) + structs.reduce((sum, struct) => sum + struct.length, 0))
    }
    live.on('update', record)
    try {
      const flooder = await authenticated()
      const other = await authenticated()
      // 250 one-character updates (within the default burst of 300) from one client...
      const burstDoc = new Y.Doc()
      const burst: Uint8Array[] = []
      burstDoc.on('update', (update: Uint8Array) => burst.push(updateFrame(DOC, update)))
      const paragraph = new Y.XmlElement('paragraph')
      burstDoc.getXmlFragment('default').insert(0, [paragraph])
      const text = new Y.XmlText()
      paragraph.insert(0, [text])
      for (let i = 0; burst.length < 250; i++) text.insert(i, 'x')
      // ...sent in one go, closed by a malformed frame; another client's update right after.
      for (const frame of burst) flooder.send(frame)
      flooder.send(frameOf(DOC, (e) => encoding.writeVarUint(e, 99)))
      const otherID = 0x5eed
      other.send(updateFrame(DOC, paragraphUpdate('between', otherID)))

      await waitFor(() => order.includes(otherID) && characters.get(burstDoc.clientID) === Y.getState(burstDoc.store, burstDoc.clientID), 'the burst and the other update applied')
      const first = order.indexOf(burstDoc.clientID)
      const last = order.lastIndexOf(burstDoc.clientID)
      const otherAt = order.indexOf(otherID)
      expect({ first, otherAt, last, between: first < otherAt && otherAt < last }).toMatchObject({ between: true })
      // The refusal comes after 250 frames that paused the socket: the close handshake still
      // completes (a paused socket would hold it until ws's 30 s timeout).
      const closed = await flooder.waitClosed(5_000)
      expect(closed.code).toBe(CLOSE_CODES.malformedMessage.code)
    } finally {
      live.off('update', record)
    }
    await expectDocumentUnharmed()
  })

  it('[SEC6] pre-authentication caps: messages, bytes and documents queued before authenticating close with 4431', async () => {
    const tooMany = await opened()
    for (let i = 0; i < 25; i++) tooMany.send(syncStep1Frame(DOC))
    expect(await tooMany.waitClosed()).toMatchObject({ code: CLOSE_CODES.preAuthLimit.code, reason: expect.stringMatching(/over 20 messages/) })

    const tooBig = await opened()
    for (let i = 0; i < 4; i++) tooBig.send(awarenessFrame(DOC, { padding: 'p'.repeat(1500) }))
    expect(await tooBig.waitClosed()).toMatchObject({ code: CLOSE_CODES.preAuthLimit.code, reason: expect.stringMatching(/over 4096 bytes/) })

    const tooWide = await opened()
    for (const name of ['a', 'b', 'c', 'd']) tooWide.send(syncStep1Frame(name))
    expect(await tooWide.waitClosed()).toMatchObject({ code: CLOSE_CODES.preAuthLimit.code, reason: expect.stringMatching(/over 3 documents/) })
    await expectDocumentUnharmed()
  })

  it('[SEC6] a socket that never authenticates is closed with 4408 after AUTH_TIMEOUT_MS; an authenticated one stays', async () => {
    const silent = await opened()
    const refused = await opened()
    refused.send(authFrame(DOC, 'bad-token'))
    const good = await authenticated()
    const started = Date.now()
    expect((await silent.waitClosed(10_000)).code).toBe(CLOSE_CODES.authTimeout.code)
    // A refusal does not count as authenticated.
    expect((await refused.waitClosed(10_000)).code).toBe(CLOSE_CODES.authTimeout.code)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(good.closed).toBeNull()
  })
})

/** A document with a little state, for a non-empty state vector. */
function owner0(): Y.Doc {
  const doc = new Y.Doc()
  doc.getMap('meta').set('title', 't')
  return doc
}

/** Flips `mask` in byte `offset` of the Yjs update inside an update frame. */
function flipInUpdate(frame: Uint8Array, offset: number, mask: number): Uint8Array {
  const copy = Uint8Array.from(frame)
  // address (1 + length) + type + sync type + update length varint (1 byte for small updates)
  const start = 1 + DOC.length + 1 + 1 + 1
  copy[start + offset]! ^= mask
  return copy
}
