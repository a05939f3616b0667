/**
 * A small HTTP proxy for tests that behaves like the networks the fallback is for: it forwards
 * HTTP (streaming, so SSE works) and, depending on its mode, passes WebSocket upgrades, refuses
 * them (`block`, as a proxy that forbids upgrades), holds them unanswered (`hang`) or passes them
 * and cuts them right after they open (`drop`). It can also cut every open event stream, as a proxy with a response timeout does.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'

/** What the proxy does with WebSocket upgrades. */
export type UpgradeMode = 'pass' | 'block' | 'drop' | 'hang'

/** A running proxy. */
export interface TestProxy {
  /** `http://127.0.0.1:port` of the proxy. */
  readonly url: string
  /** Upgrade handling; change it at any time. */
  mode: UpgradeMode
  /** Upgrades seen (attempts, including refused ones). */
  readonly upgrades: number
  /** Cuts every open `text/event-stream` response; returns how many. */
  cutStreams(): number
  close(): Promise<void>
}

/** Starts a proxy in front of `targetUrl` on a free loopback port. */
export async function startProxy(targetUrl: string, mode: UpgradeMode = 'pass', dropAfterMs = 50): Promise<TestProxy> {
  const target = new URL(targetUrl)
  const streams = new Set<http.ServerResponse>()
  const sockets = new Set<Duplex>()
  let upgrades = 0

  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers)
        if (String(upstreamResponse.headers['content-type']).startsWith('text/event-stream')) {
          streams.add(response)
          response.once('close', () => {
            streams.delete(response)
            upstreamResponse.destroy()
          })
        }
        upstreamResponse.pipe(response)
      },
    )
    upstream.on('error', () => response.destroy())
    request.pipe(upstream)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('upgrade', (request, socket, head) => {
    upgrades++
    if (proxy.mode === 'block') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    if (proxy.mode === 'hang') {
      sockets.add(socket)
      return
    }
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`]
      for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`)
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length > 0) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.once('close', () => {
      sockets.delete(upstream)
      socket.destroy()
    })
    socket.once('close', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
    if (proxy.mode === 'drop') {
      // Let the handshake through, then cut: a proxy that "supports" WebSockets for a moment.
      setTimeout(() => {
        upstream.destroy()
        socket.destroy()
      }, dropAfterMs)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const proxy: TestProxy = {
    url: `http://127.0.0.1:${port}`,
    mode,
    get upgrades() {
      return upgrades
    },
    cutStreams() {
      const count = streams.size
      for (const response of streams) response.socket?.destroy()
      streams.clear()
      return count
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return proxy
}
