/**
 * One flooding client of bench/flood.ts, on its own worker thread: authenticates as an editor,
 * then keeps its socket full of valid one-character updates until the thread is terminated.
 * Posts one message once the server holds it back (its socket buffers are full).
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
let made: Uint8Array[] = [updateFrame(document, Y.encodeStateAsUpdate(ydoc))]
ydoc.on('update', (update: Uint8Array) => made.push(updateFrame(document, update)))

/** Valid one-character updates, in order, as frames; `made` collects them. */
function makeFrames(count: number): Uint8Array[] {
  while (made.length < count) {
    text.insert(text.length > 2000 ? 0 : text.length, 'f')
    if (text.length > 2000) text.delete(0, 1000)
  }
  const frames = made
  made = []
  return frames
}

// The frames are made before flooding starts. Making Yjs updates costs this thread seconds of
// CPU, which in a real attack is spent on the attacker's machine, not beside the server being
// measured. 150,000 frames fill both sides' socket buffers (about 4 MiB of them on loopback)
// and 1 MiB more, and last the server over an hour at the default rate limit.
let pool = makeFrames(150_000)
let next = 0
const QUEUED_BYTES = 1024 * 1024
let backedUp = false
const pump = () => {
  if (raw.closed) return
  // Keep up to 1 MiB queued in this process: as fast as the server reads, never unbounded here.
  while (raw.ws.bufferedAmount < QUEUED_BYTES && !raw.closed) {
    if (next === pool.length) {
      pool = makeFrames(10_000)
      next = 0
    }
    raw.send(pool[next++]!)
  }
  // Flooding at full speed means the server is holding this socket back: both sides' socket
  // buffers are full and 1 MiB more waits here. Only from then on is the honest latency measured.
  if (!backedUp && raw.ws.bufferedAmount >= QUEUED_BYTES) {
    backedUp = true
    parentPort?.postMessage('flooding')
  }
  setTimeout(pump, 5)
}
pump()
// A server that reads everything (the unlimited phase) never holds it back: flooding anyway.
setTimeout(() => {
  if (!backedUp) {
    backedUp = true
    parentPort?.postMessage('flooding')
  }
}, 10_000).unref()
