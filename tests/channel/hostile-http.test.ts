/**
 * HTTP requests and upgrades whose request target or Host header no URL parser accepts. Each once
 * ended the server process: `GET //[` (the API router read it as an authority and threw) and an
 * upgrade with `Host: a b` (the Request handed to Hocuspocus was built from it and threw). The
 * server is a child process, so a crash shows as an exit code rather than taking the test along.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnTestServer, type ChildServer } from '../helpers/server.ts'

const UPGRADE_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'

describe('hostile HTTP input', () => {
  let server: ChildServer
  beforeAll(async () => {
    server = await spawnTestServer({ LOG_LEVEL: 'fatal' })
  })
  afterAll(async () => {
    await server.stop()
  })

  /** Sends a raw request head and resolves with the status line of the answer ('' when the socket closed without one). */
  function rawRequest(head: string): Promise<string> {
    const port = Number(new URL(server.url).port)
    return new Promise((resolve) => {
      let answer = ''
      const socket = net.connect(port, '127.0.0.1', () => socket.write(head))
      socket.setTimeout(3_000, () => socket.destroy())
      socket.on('data', (data) => {
        answer += data.toString('latin1')
        if (answer.includes('\r\n')) socket.destroy()
      })
      socket.on('error', () => {})
      socket.on('close', () => resolve(answer.split('\r\n', 1)[0]!))
    })
  }

  async function expectServerUp() {
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(server.process.exitCode).toBeNull()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  }

  it('[SEC15] request targets that are not paths are answered 400; odd paths are answered; the server stays up', async () => {
    expect(await rawRequest('GET http://elsewhere.example/api/documents HTTP/1.1\r\nHost: localhost\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request')
    expect(await rawRequest(`GET http://elsewhere.example/collab HTTP/1.1\r\nHost: localhost\r\n${UPGRADE_HEADERS}\r\n`)).toBe('HTTP/1.1 400 Bad Request')
    for (const target of ['//[', '/api//[', '/api/documents//[', '/collab-http//[', '/yjs//[', '/collab?x=%', '/%zz']) {
      for (const upgrade of [false, true]) {
        const status = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n${upgrade ? UPGRADE_HEADERS : ''}\r\n`)
        expect({ target, upgrade, answered: /^HTTP\/1\.1 \d{3} /.test(status) }).toEqual({ target, upgrade, answered: true })
        await expectServerUp()
      }
    }
  })

  it('[SEC15] an upgrade whose Host header is no valid host is served like any other; the server stays up', async () => {
    for (const host of ['a b', '[', 'exa mple:99999', '']) {
      const status = await rawRequest(`GET /collab HTTP/1.1\r\nHost: ${host}\r\n${UPGRADE_HEADERS}\r\n`)
      expect({ host, status }).toEqual({ host, status: 'HTTP/1.1 101 Switching Protocols' })
      await expectServerUp()
    }
  })
})
