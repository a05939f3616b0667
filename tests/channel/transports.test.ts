/**
 * The guard and the schema validation on the other two ways in: the y-websocket endpoint and the
 * HTTP fallback close with the same codes as `/collab`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { encodeFrames, HTTP_FALLBACK_PATH } from '../../shared/http-fallback.ts'
import { authFrame, updateFrame, yWebsocketUpdateFrame } from '../helpers/raw-client.ts'
import { startTestServer, testToken } from '../helpers/server.ts'

const DOC = 'transports'

/** A Yjs update adding a `<script>` element to the body. */
function scriptUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getXmlFragment('default').insert(0, [new Y.XmlElement('script')])
  return Y.encodeStateAsUpdate(doc)
}

describe('the same guard on every transport', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer({ MAX_UPDATE_STRUCTS: '50' })
  })
  afterAll(async () => {
    await server.close()
  })

  /** Opens `/yjs/DOC`, sends `message` once synced, and resolves with the close code. */
  async function yWebsocketClose(message: Uint8Array): Promise<number> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${DOC}?token=${await testToken('Yuri')}`)
    return new Promise((resolve, reject) => {
      // As y-websocket does: sync step 1 on open; the answer means the socket is authenticated.
      ws.once('open', () => ws.send(Uint8Array.of(0, 0, 1, 0)))
      ws.once('message', () => ws.send(message))
      ws.once('close', (code) => resolve(code))
      ws.once('error', reject)
    })
  }

  it('[SEC12] y-websocket: content outside the schema closes with 4415, a malformed update with 4422, an oversized one with 4413', async () => {
    expect(await yWebsocketClose(yWebsocketUpdateFrame(scriptUpdate()))).toBe(CLOSE_CODES.invalidContent.code)
    expect(await yWebsocketClose(Uint8Array.of(0, 2, 5, 1, 0xff, 0xff, 0xff))).toBe(CLOSE_CODES.malformedMessage.code)
    const many = new Y.Doc()
    for (let i = 0; i < 80; i++) many.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')])
    expect(await yWebsocketClose(yWebsocketUpdateFrame(Y.encodeStateAsUpdate(many)))).toBe(CLOSE_CODES.updateTooLarge.code)
    expect(server.hocuspocus.documents.get(DOC)?.getXmlFragment('default').length ?? 0).toBe(0)
  })

  it('[SEC12] HTTP fallback: content outside the schema closes the session with 4415 and is not applied', async () => {
    const base = `${server.url}${HTTP_FALLBACK_PATH}`
    const { id } = (await (await fetch(`${base}/sessions`, { method: 'POST' })).json()) as { id: string }
    const body = encodeFrames([authFrame(DOC, await testToken('Hana')), updateFrame(DOC, scriptUpdate())])
    expect((await fetch(`${base}/sessions/${id}/messages?seq=0&ack=0`, { method: 'POST', body })).ok).toBe(true)
    const text = await (await fetch(`${base}/sessions/${id}/events`)).text()
    const close = /event: close\ndata: (.*)\n/.exec(text)
    expect(JSON.parse(close![1]!)).toMatchObject({ code: CLOSE_CODES.invalidContent.code, reason: expect.stringMatching(/^invalid-content: unknown node type "script"/) })
    expect(server.hocuspocus.documents.get(DOC)?.getXmlFragment('default').length ?? 0).toBe(0)
  })
})
