/**
 * Benchmark peer: the y-websocket 1.x reference server (`bin/utils.js` `setupWSConnection`, as its
 * `bin/server.js` runs it), in memory, without persistence. It resolves the same `yjs` copy as
 * everything else in this repository (`npm ls yjs` shows one version, deduped). Prints
 * `BENCH_LISTENING <port>` once it accepts.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { WebSocketServer } from 'ws'

const require = createRequire(import.meta.url)
const { setupWSConnection } = require('y-websocket/bin/utils') as {
  setupWSConnection: (socket: unknown, request: http.IncomingMessage) => void
}

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end('okay')
})
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`BENCH_LISTENING ${(server.address() as AddressInfo).port}`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0))
