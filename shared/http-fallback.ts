/**
 * The HTTP fallback transport's wire format, shared by client and server. Pure, no I/O.
 *
 * Where WebSockets are blocked, one Hocuspocus connection becomes an HTTP *session*:
 *
 * - `POST {HTTP_FALLBACK_PATH}/sessions` opens it (201 `{ "id": "..." }`).
 * - `GET .../sessions/<id>/events` is a Server-Sent Events stream of server-to-client messages:
 *   each protocol message is one `data:` line of base64 with a numbered `id:`, so a stream that
 *   breaks resumes with `Last-Event-ID` and loses nothing. `event: open` starts a session's first
 *   stream; `event: close` (JSON `{code, reason}`) ends the session like a WebSocket close frame.
 * - `POST .../sessions/<id>/messages?seq=<n>&ack=<event id>` carries client-to-server messages as
 *   an `application/octet-stream` body of length-prefixed frames ({@link encodeFrames}), in order
 *   (`seq` counts POSTs from 0, so a retried POST is not applied twice), and acknowledges the
 *   server events received so far (the server then forgets them).
 * - `DELETE .../sessions/<id>` closes it.
 *
 * The messages are exactly the bytes a WebSocket would carry, so Hocuspocus runs unchanged.
 */

/** Path prefix of the HTTP fallback endpoints on the server's single HTTP port. */
export const HTTP_FALLBACK_PATH = '/collab-http'

/** SSE event name that opens a session's stream (sent once, not numbered). */
export const SSE_OPEN_EVENT = 'open'

/** SSE event name carrying `{code, reason}` when the server closes the session. */
export const SSE_CLOSE_EVENT = 'close'

/** The close event's payload, as a WebSocket close frame would carry it. */
export interface SessionClose {
  code: number
  reason: string
}

/** Encodes `messages` as one body: for each, its length as an unsigned LEB128 varint, then its bytes. */
export function encodeFrames(messages: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0
  for (const message of messages) size += varintSize(message.byteLength) + message.byteLength
  const body = new Uint8Array(size)
  let offset = 0
  for (const message of messages) {
    let length = message.byteLength
    while (length >= 0x80) {
      body[offset++] = (length & 0x7f) | 0x80
      length = Math.floor(length / 0x80)
    }
    body[offset++] = length
    body.set(message, offset)
    offset += message.byteLength
  }
  return body
}

/**
 * Decodes a body made by {@link encodeFrames}. Throws `RangeError` when a frame is truncated, its
 * length prefix is malformed, or a message is longer than `maxMessageBytes` (the message itself
 * is not copied: frames are views into `body`).
 */
export function decodeFrames(body: Uint8Array, maxMessageBytes: number): Uint8Array[] {
  const messages: Uint8Array[] = []
  let offset = 0
  while (offset < body.byteLength) {
    let length = 0
    let shift = 1
    for (let i = 0; ; i++) {
      if (i >= 5) throw new RangeError('frame length prefix is longer than 5 bytes')
      const byte = body[offset++]
      if (byte === undefined) throw new RangeError('frame length prefix is truncated')
      length += (byte & 0x7f) * shift
      shift *= 0x80
      if (byte < 0x80) break
    }
    if (length > maxMessageBytes) throw new FrameTooLargeError(`a message of ${length} bytes exceeds the limit of ${maxMessageBytes}`)
    if (offset + length > body.byteLength) throw new RangeError(`frame of ${length} bytes is truncated at ${body.byteLength - offset}`)
    messages.push(body.subarray(offset, offset + length))
    offset += length
  }
  return messages
}

/** Thrown by {@link decodeFrames} for a message over the size limit (the WebSocket path closes with 1009). */
export class FrameTooLargeError extends RangeError {
  override name = 'FrameTooLargeError'
}

function varintSize(value: number): number {
  let size = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    size++
  }
  return size
}
