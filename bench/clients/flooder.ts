/**
 * One flooding client of bench/flood.ts, on its own worker thread: authenticates as an editor,
 * then keeps its socket full of valid one-character updates until the thread is terminated.
 * Posts one message once it is flooding.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as Y from 'yjs'
import { AUTH_TYPES, MESSAGE_TYPES } from '../../shared/frame-inspection.ts'
import { waitFor } from '../../tests/helpers/clients.ts'
import { providerOpening, rawClient, updateFrame } from '../../tests/helpers/raw-client.ts'
import { testToken } from '../../tests/helpers/server.ts'

/** What bench/flood.ts passes as `workerData`. */
export interface FlooderOptions {
  url: string
  name: string
  document: string
}

const { url, name, document } = workerData as FlooderOptions
const raw = rawClient(url)
await raw.opened
for (const frame of providerOpening(document, await testToken(name))) raw.send(frame)
await waitFor(() => raw.frames.some((frame) => frame.type === MESSAGE_TYPES.auth && frame.authType === AUTH_TYPES.authenticated), 'flooder authenticated')
await waitFor(() => raw.frames.some((frame) => frame.update !== undefined), 'flooder synced')
const ydoc = new Y.Doc()
for (const frame of raw.frames) if (frame.update) Y.applyUpdate(ydoc, frame.update)
raw.frames.length = 0
// Ignore what the server sends from now on (others' edits): decoding it would only load this thread.
raw.ws.removeAllListeners('message')
const ownParagraph = new Y.XmlElement('paragraph')
const text = new Y.XmlText()
ownParagraph.insert(0, [text])
ydoc.getXmlFragment('default').insert(ydoc.getXmlFragment('default').length, [ownParagraph])
let outgoing: Uint8Array[] = [Y.encodeStateAsUpdate(ydoc)]
ydoc.on('update', (update: Uint8Array) => outgoing.push(update))
const pump = () => {
  if (raw.closed) return
  // Keep up to 1 MiB queued: as fast as the server reads, never unbounded in this thread.
  for (let batch = 0; batch < 5 && raw.ws.bufferedAmount < 1024 * 1024; batch++) {
    for (let i = 0; i < 100; i++) text.insert(text.length > 2000 ? 0 : text.length, 'f')
    for (const update of outgoing) raw.send(updateFrame(document, update))
    outgoing = []
    if (text.length > 2000) text.delete(0, 1000)
  }
  setTimeout(pump, 1)
}
pump()
parentPort?.postMessage('flooding')
