/**
 * The bench clients' WebSocket (bench/clients/task-coalescing-websocket.ts): what a task sends
 * leaves in one write after the first, every message intact and in order, while a lone send still
 * goes out at once. The trace's end-to-end rate rests on it; each server gets the same clients.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { TaskCoalescingWebSocket } from '../bench/clients/task-coalescing-websocket.ts'
import { waitFor } from './helpers/clients.ts'

describe('bench client socket', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A loopback WebSocket server that records the messages it receives. */
  async function echoServer(): Promise<{ url: string; received: string[] }> {
    const httpServer = http.createServer()
    const wss = new WebSocketServer({ server: httpServer })
    const received: string[] = []
    wss.on('connection', (socket) => socket.on('message', (data) => received.push(String(data))))
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => (wss.close(), httpServer.close(resolve))))
    return { url: `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, received }
  }

  /** Opens `Socket` to `url` and counts the writes its TCP socket makes. */
  async function countingClient(Socket: typeof WebSocket, url: string): Promise<{ ws: WebSocket; writes(): number }> {
    const ws = new Socket(url)
    cleanups.push(() => ws.terminate())
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
    const tcp = (ws as unknown as { _socket: Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void } })._socket
    let writes = 0
    for (const method of ['_write', '_writev'] as const) {
      const original = tcp[method].bind(tcp)
      tcp[method] = (...args: unknown[]) => {
        writes++
        original(...args)
      }
    }
    return { ws, writes: () => writes }
  }

  it('[BENCH1] sends made in one task leave in two writes (the first at once), in order; a plain ws socket makes one per message', async () => {
    const server = await echoServer()
    const coalescing = await countingClient(TaskCoalescingWebSocket, server.url)
    const plain = await countingClient(WebSocket, server.url)

    const messages = Array.from({ length: 50 }, (_, i) => `m${i}`)
    for (const message of messages) coalescing.ws.send(message)
    expect(coalescing.writes()).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(coalescing.writes()).toBe(2)
    await waitFor(() => server.received.length === 50, 'the server has every message')
    expect(server.received).toEqual(messages)

    for (const message of messages) plain.ws.send(message)
    await new Promise((resolve) => setImmediate(resolve))
    expect(plain.writes()).toBeGreaterThanOrEqual(50)

    // The next task's first send again leaves at once.
    coalescing.ws.send('later')
    expect(coalescing.writes()).toBe(3)
    await waitFor(() => server.received.at(-1) === 'later', 'the lone message arrives')
  })
})
