/**
 * Server-side schema validation: raw Yjs clients writing content outside the ProseMirror schema
 * are refused before anything is applied, broadcast or stored; honest rich content passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { AUTH_TYPES, MESSAGE_TYPES } from '../../shared/frame-inspection.ts'
import { bodyDocument } from '../../shared/content/yjs-document.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { providerOpening, rawClient, syncStep2Frame, updateFrame } from '../helpers/raw-client.ts'
import { startTestServer, tempDataDir, testToken } from '../helpers/server.ts'

const DOC = 'validated'

/** An update from a fresh client built by `write` on an empty document. */
function updateBy(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  write(doc)
  return Y.encodeStateAsUpdate(doc)
}

const paragraphWith = (build: (text: Y.XmlText) => void) => (doc: Y.Doc) => {
  const paragraph = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  doc.getXmlFragment('default').insert(0, [paragraph])
  build(text)
}

const attacks: [string, Uint8Array, RegExp][] = [
  ['an unknown node type', updateBy((doc) => doc.getXmlFragment('default').insert(0, [new Y.XmlElement('script')])), /unknown node type "script"/],
  [
    'a javascript: link',
    updateBy(paragraphWith((text) => text.insert(0, 'click me', { link: { href: 'javascript:alert(document.cookie)', title: null } }))),
    /link href must be/,
  ],
  ['an obfuscated javascript: link', updateBy(paragraphWith((text) => text.insert(0, 'x', { link: { href: ' java\nscript:alert(1)' } }))), /link href must be/],
  ['an extra root type (map)', updateBy((doc) => doc.getMap('evil').set('payload', 1)), /unknown root type "evil"/],
  ['an extra root type (text)', updateBy((doc) => doc.getText('notes').insert(0, 'hidden')), /unknown root type "notes"/],
  ['an unknown mark', updateBy(paragraphWith((text) => text.insert(0, 'x', { blink: {} }))), /unknown mark "blink"/],
  [
    'an event-handler attribute',
    updateBy((doc) => {
      const heading = new Y.XmlElement('heading')
      heading.setAttribute('onclick', 'alert(1)')
      doc.getXmlFragment('default').insert(0, [heading])
    }),
    /"heading" has no attribute "onclick"/,
  ],
  ['text straight in the body', updateBy((doc) => doc.getXmlFragment('default').insert(0, [new Y.XmlText('loose')])), /"text" may not appear in "doc"/],
  [
    'a block inside a paragraph',
    updateBy((doc) => {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlElement('heading')])
      doc.getXmlFragment('default').insert(0, [paragraph])
    }),
    /"heading" may not appear in "paragraph"/,
  ],
  ['an unknown meta key', updateBy((doc) => doc.getMap('meta').set('owner', 'mallory')), /unknown meta key "owner"/],
  [
    'changes depending on a missing update',
    (() => {
      const doc = new Y.Doc()
      const first = Y.encodeStateAsUpdate(doc)
      doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')])
      const base = Y.encodeStateVector(doc)
      ;(doc.getXmlFragment('default').get(0) as Y.XmlElement).insert(0, [new Y.XmlText('orphan')])
      void first
      return Y.encodeStateAsUpdate(doc, base)
    })(),
    /depends on changes the server does not have/,
  ],
]

describe('schema validation', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let peer: TestClient
  const dataDir = tempDataDir()
  const peerUpdates: Uint8Array[] = []

  beforeAll(async () => {
    server = await startTestServer({ DATA_DIR: dataDir })
    peer = connectClient(server.url, DOC, await testToken('Peer'))
    await waitFor(() => peer.provider.synced, 'peer synced')
    paragraphText(peer.ydoc).insert(0, 'kept')
    await waitForSaved(peer)
    peer.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === peer.provider) peerUpdates.push(update)
    })
  })
  afterAll(async () => {
    peer.destroy()
    await server.close()
  })

  it.each(attacks)('[SEC8][SEC9] %s is refused with 4415 and an invalid-content message, and nothing of it is applied or broadcast', async (_what, update, detail) => {
    for (const send of [updateFrame, syncStep2Frame]) {
      const raw = rawClient(server.url)
      await raw.opened
      for (const frame of providerOpening(DOC, await testToken('Mallory'))) raw.send(frame)
      await waitFor(() => raw.frames.some((frame) => frame.authType === AUTH_TYPES.authenticated), 'authenticated')
      raw.send(send(DOC, update))
      const closed = await raw.waitClosed()
      expect(closed.code).toBe(CLOSE_CODES.invalidContent.code)
      // The sender is told why, in a message the provider reports (onAuthenticationFailed).
      const told = raw.frames.find((frame) => frame.type === MESSAGE_TYPES.auth && frame.authType === AUTH_TYPES.permissionDenied)
      expect(told?.reason).toMatch(/^invalid-content: /)
      expect(told?.reason).toMatch(detail)
    }
    expect(peerUpdates).toHaveLength(0)
    const live = server.hocuspocus.documents.get(DOC)!
    expect([...live.share.keys()].filter((key) => key !== 'default' && key !== 'meta')).toEqual([])
    expect([...live.getMap('meta').keys()]).not.toContain('owner')
    expect(bodyText(live)).toBe('kept')
  })

  it('[SEC8] rich content from the editor passes: headings, lists, marks, https links, title', async () => {
    const writer = connectClient(server.url, DOC, await testToken('Writer'))
    try {
      await waitFor(() => writer.provider.synced, 'writer synced')
      writer.ydoc.transact(() => {
        const body = writer.ydoc.getXmlFragment('default')
        const heading = new Y.XmlElement('heading')
        heading.setAttribute('level', 2 as unknown as string)
        heading.insert(0, [new Y.XmlText('Plan')])
        const list = new Y.XmlElement('bulletList')
        const item = new Y.XmlElement('listItem')
        const inItem = new Y.XmlElement('paragraph')
        const text = new Y.XmlText()
        text.insert(0, 'see ')
        text.insert(4, 'docs', { link: { href: 'https://example.com/docs', title: null }, bold: {} })
        inItem.insert(0, [text])
        item.insert(0, [inItem])
        list.insert(0, [item])
        body.insert(body.length, [heading, list])
        writer.ydoc.getMap('meta').set('title', 'Plan')
      })
      await waitForSaved(writer)
      expect(writer.refusals).toEqual([])
      await waitFor(() => peerUpdates.length > 0, 'the peer receives the rich content')
      expect(bodyDocument(server.hocuspocus.documents.get(DOC)!).textContent).toContain('see docs')
    } finally {
      writer.destroy()
    }
  })

  it('[SEC14] plain typing accepted without the validation copy still leaves it able to judge what follows', async () => {
    const typingDoc = 'validated-typing'
    const typist = connectClient(server.url, typingDoc, await testToken('Typist'))
    try {
      await waitFor(() => typist.provider.synced, 'typist synced')
      const text = paragraphText(typist.ydoc)
      text.insert(0, 'a')
      await waitForSaved(typist)
      // Keystrokes one by one: each is plain typing, checked without the copy.
      for (const character of 'bcdefgh') text.insert(text.length, character)
      await waitForSaved(typist)
      // Formatting them needs the copy, which must have caught up with every keystroke.
      text.format(0, 8, { bold: {} })
      await waitForSaved(typist)
      expect(typist.refusals).toEqual([])
      const live = server.hocuspocus.documents.get(typingDoc)!
      expect(JSON.stringify(live.getXmlFragment('default').toJSON())).toContain('<bold>abcdefgh</bold>')
      // An unknown mark on those characters is refused for what it is, not as an unknown dependency.
      const mallory = new Y.Doc()
      Y.applyUpdate(mallory, Y.encodeStateAsUpdate(live))
      const before = Y.encodeStateVector(mallory)
      paragraphText(mallory).format(0, 3, { blink: {} })
      const raw = rawClient(server.url)
      await raw.opened
      for (const frame of providerOpening(typingDoc, await testToken('Mallory'))) raw.send(frame)
      await waitFor(() => raw.frames.some((frame) => frame.authType === AUTH_TYPES.authenticated), 'authenticated')
      raw.send(updateFrame(typingDoc, Y.encodeStateAsUpdate(mallory, before)))
      expect((await raw.waitClosed()).code).toBe(CLOSE_CODES.invalidContent.code)
      expect(raw.frames.find((frame) => frame.authType === AUTH_TYPES.permissionDenied)?.reason).toMatch(/unknown mark "blink"/)
    } finally {
      typist.destroy()
    }
  })

  it('[SEC8][SYNC5] a refused update among keystrokes the server reads together: those before it are applied, it and those after are not', async () => {
    const burstDoc = 'validated-burst'
    const writer = connectClient(server.url, burstDoc, await testToken('Writer'))
    try {
      await waitFor(() => writer.provider.synced, 'writer synced')
      paragraphText(writer.ydoc).insert(0, '>')
      await waitForSaved(writer)
      const raw = rawClient(server.url)
      await raw.opened
      for (const frame of providerOpening(burstDoc, await testToken('Mallory'))) raw.send(frame)
      await waitFor(() => raw.frames.some((frame) => frame.authType === AUTH_TYPES.authenticated), 'authenticated')
      await waitFor(() => raw.frames.some((frame) => frame.update !== undefined && frame.update.byteLength > 2), 'the document')
      const mallory = new Y.Doc()
      for (const frame of raw.frames) if (frame.update) Y.applyUpdate(mallory, frame.update)
      const updates: Uint8Array[] = []
      mallory.on('update', (update: Uint8Array) => updates.push(update))
      const text = paragraphText(mallory)
      for (const character of 'abc') text.insert(text.length, character)
      mallory.getXmlFragment('default').insert(0, [new Y.XmlElement('script')])
      for (const character of 'xyz') text.insert(text.length, character)
      const mergedBefore = server.protection.stats.mergedFrames

      raw.sendTogether(updates.map((update) => updateFrame(burstDoc, update)))

      const closed = await raw.waitClosed()
      expect(closed.code).toBe(CLOSE_CODES.invalidContent.code)
      expect(raw.frames.find((frame) => frame.authType === AUTH_TYPES.permissionDenied)?.reason).toMatch(/unknown node type "script"/)
      // The seven frames were merged (and the merge refused as a whole), then taken apart.
      expect(server.protection.stats.mergedFrames - mergedBefore).toBe(7)
      const live = server.hocuspocus.documents.get(burstDoc)!
      expect(bodyText(live)).toBe('>abc')
      expect(JSON.stringify(live.getXmlFragment('default').toJSON())).not.toContain('script')
      // Broadcast and stored like any keystroke.
      await waitFor(() => bodyText(writer.ydoc) === '>abc', 'the writer receives the valid keystrokes')
      let storedText = ''
      for (let attempt = 0; attempt < 100 && storedText !== '>abc'; attempt++) {
        const stored = await server.store.load(burstDoc)
        const replica = new Y.Doc()
        if (stored?.snapshot) Y.applyUpdate(replica, stored.snapshot)
        for (const update of stored?.updates ?? []) Y.applyUpdate(replica, update)
        storedText = bodyText(replica)
        if (storedText !== '>abc') await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(storedText).toBe('>abc')
    } finally {
      writer.destroy()
    }
  })

  it('[SEC8] a provider holding invalid content is told with a fatal refusal the editor shows', async () => {
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, attacks[0]![1])
    const client = connectClient(server.url, DOC, await testToken('Broken'), ydoc)
    try {
      await waitFor(() => client.refusals.length > 0, 'a refusal')
      expect(client.refusals[0]).toMatch(/^invalid-content: unknown node type "script"/)
    } finally {
      client.destroy()
    }
  })

  it('[SEC9] after a restart the store holds none of the refused content', async () => {
    peer.destroy()
    await server.close()
    server = await startTestServer({ DATA_DIR: dataDir })
    const stored = await server.store.load(DOC)
    const replica = new Y.Doc()
    if (stored?.snapshot) Y.applyUpdate(replica, stored.snapshot)
    for (const update of stored?.updates ?? []) Y.applyUpdate(replica, update)
    expect([...replica.share.keys()].sort()).toEqual(['default', 'meta'])
    const json = JSON.stringify(replica.getXmlFragment('default').toJSON())
    expect(json).not.toMatch(/script|javascript|blink|onclick|orphan|loose/)
    expect(bodyDocument(replica).textContent).toBe('keptPlansee docs')
    expect([...replica.getMap('meta').keys()]).toEqual(['title'])
  })
})
