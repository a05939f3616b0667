import { describe, expect, it } from 'vitest'
import { readSse, type SseEvent } from './sse-reader.ts'

/** A stream delivering `chunks` as separate reads, the way a network splits them. */
function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

describe('readSse', () => {
  it('[HTTP2] parses ids, names and multi-line data across arbitrary chunk boundaries, skipping comments', async () => {
    const text = ': padding\nretry: 1000\n\nevent: open\ndata: \n\nid: 1\ndata: AAE=\n\nid: 2\r\nevent: close\r\ndata: {"code":1000,\r\ndata: "reason":""}\r\n\r\n'
    for (const size of [1, 3, 7, text.length]) {
      const chunks: string[] = []
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size))
      const events: SseEvent[] = []
      await readSse(streamOf(chunks), (event) => events.push(event))
      expect(events).toEqual([
        { event: 'open', data: '', id: undefined },
        { event: 'message', data: 'AAE=', id: '1' },
        { event: 'close', data: '{"code":1000,\n"reason":""}', id: '2' },
      ])
    }
  })

  it('[HTTP2] decodes multi-byte characters split between reads', async () => {
    const bytes = new TextEncoder().encode('data: ünïcødé\n\n')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte))
        controller.close()
      },
    })
    const events: SseEvent[] = []
    await readSse(stream, (event) => events.push(event))
    expect(events.map((event) => event.data)).toEqual(['ünïcødé'])
  })
})
