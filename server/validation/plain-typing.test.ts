import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { isPlainTyping } from './plain-typing.ts'

/** A server-side document holding one paragraph with `text`, and a client replica of it. */
function documents(text = 'hello'): { server: Y.Doc; client: Y.Doc; clientText: Y.XmlText } {
  const server = new Y.Doc()
  const paragraph = new Y.XmlElement('paragraph')
  const body = new Y.XmlText()
  paragraph.insert(0, [body])
  server.getXmlFragment('default').insert(0, [paragraph])
  body.insert(0, text)
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  const clientText = (client.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText
  return { server, client, clientText }
}

/** What `change` adds on `client` (several transactions), as one diff against the state before. */
function updateOf(client: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(client)
  change()
  return Y.encodeStateAsUpdate(client, before)
}

/** The update of one transaction on `client`, exactly as a provider sends it. */
function transactionUpdate(client: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | null = null
  const capture = (u: Uint8Array) => (update = u)
  client.once('update', capture)
  client.transact(change)
  return update!
}

describe('[SEC14] plain typing needs no validation copy; everything else does', () => {
  it('recognises characters typed into an existing text, one or several at a time, and deleted', () => {
    const { server, client, clientText } = documents()
    const keystroke = transactionUpdate(client, () => clientText.insert(5, '!'))
    expect(isPlainTyping(server, keystroke)).toBe(true)
    Y.applyUpdate(server, keystroke)
    expect(isPlainTyping(server, transactionUpdate(client, () => clientText.insert(0, 'Oh, ')))).toBe(true)
    const { server: s2, client: c2, clientText: t2 } = documents()
    expect(isPlainTyping(s2, transactionUpdate(c2, () => t2.delete(1, 3)))).toBe(true)
    // Two keystrokes in one update: the second's origin is the first, in the same update.
    const { server: s3, client: c3, clientText: t3 } = documents()
    expect(isPlainTyping(s3, updateOf(c3, () => { t3.insert(5, 'a'); t3.insert(6, 'b') }))).toBe(true)
  })

  it('leaves new elements, formatting, attributes and deleted blocks to the full check', () => {
    const { server, client, clientText } = documents()
    expect(isPlainTyping(server, transactionUpdate(client, () => client.getXmlFragment('default').insert(1, [new Y.XmlElement('paragraph')])))).toBe(false)
    expect(isPlainTyping(server, transactionUpdate(client, () => clientText.format(0, 2, { bold: true })))).toBe(false)
    expect(isPlainTyping(server, transactionUpdate(client, () => clientText.insert(1, 'x', { link: { href: 'javascript:alert(1)' } })))).toBe(false)
    expect(isPlainTyping(server, transactionUpdate(client, () => (client.getXmlFragment('default').get(0) as Y.XmlElement).setAttribute('onclick', 'x')))).toBe(false)
    expect(isPlainTyping(server, transactionUpdate(client, () => client.getXmlFragment('default').delete(0, 1)))).toBe(false)
    expect(isPlainTyping(server, transactionUpdate(client, () => client.getText('notes').insert(0, 'hidden')))).toBe(false)
  })

  it('leaves characters the server cannot place to the full check (missing origin or gap)', () => {
    const { server, client, clientText } = documents()
    // The server never gets this keystroke; the next one depends on it.
    transactionUpdate(client, () => clientText.insert(5, '?'))
    expect(isPlainTyping(server, transactionUpdate(client, () => clientText.insert(6, '!')))).toBe(false)
    expect(isPlainTyping(server, new Uint8Array([0, 7, 255]))).toBe(false)
  })

  it('leaves a first character into an empty text (its parent is named explicitly) to the full check', () => {
    const { server, client, clientText } = documents('')
    expect(isPlainTyping(server, transactionUpdate(client, () => clientText.insert(0, 'a')))).toBe(false)
  })
})
