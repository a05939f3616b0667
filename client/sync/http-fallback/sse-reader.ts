/**
 * Reads a Server-Sent Events stream from a fetch `Response` body.
 *
 * We parse SSE ourselves instead of using `EventSource` because the fallback must control
 * resuming (which `Last-Event-ID` to send, when to give up and report the session closed), and
 * `EventSource` reconnects on its own and hides the HTTP status.
 */

/** One SSE event: its name (`message` when unnamed), `data` lines joined by newlines, and `id` if given. */
export interface SseEvent {
  event: string
  data: string
  id: string | undefined
}

/**
 * Calls `onEvent` for each event of `body` until it ends; resolves when the stream ends, rejects
 * when reading fails (connection cut, aborted).
 */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let newline: number
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the very end may be the first half of a CRLF split between reads: wait for more.
      if (newline === buffer.length - 1 && buffer.endsWith('\r')) break
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1))
      if (line === '') {
        if (data.length > 0 || event !== '') onEvent({ event: event || 'message', data: data.join('\n'), id })
        event = ''
        data = []
        id = undefined
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const fieldValue = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'data') data.push(fieldValue)
      else if (field === 'event') event = fieldValue
      else if (field === 'id') id = fieldValue
    }
  }
}
