/**
 * Origin allow-list on every way into a document (WebSocket, y-websocket, HTTP fallback) and the
 * security headers on HTTP responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { HTTP_FALLBACK_PATH } from '../../shared/http-fallback.ts'
import { startTestServer } from '../helpers/server.ts'

/** Resolves to the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin })
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error)
    })
  })
}

describe('origin checks and security headers', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let strict: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer()
    strict = await startTestServer({ ALLOWED_ORIGINS: 'https://app.example.com', ALLOW_LOOPBACK_ORIGINS: 'false' })
  })
  afterAll(async () => {
    await server.close()
    await strict.close()
  })

  const ws = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`

  it('[SEC10] WebSocket upgrades from another site are refused with 403; no Origin, the same host and loopback are allowed', async () => {
    const own = new URL(server.url)
    for (const path of ['/collab', '/yjs/some-doc']) {
      expect(await upgradeStatus(ws(server.url, path), 'https://evil.example')).toBe(403)
      expect(await upgradeStatus(ws(server.url, path), 'null')).toBe(403)
      expect(await upgradeStatus(ws(server.url, path))).toBe(101)
      expect(await upgradeStatus(ws(server.url, path), `http://${own.host}`)).toBe(101)
      expect(await upgradeStatus(ws(server.url, path), 'http://localhost:5173')).toBe(101)
    }
  })

  it('[SEC10] ALLOWED_ORIGINS admits listed origins; ALLOW_LOOPBACK_ORIGINS=false refuses dev origins', async () => {
    expect(await upgradeStatus(ws(strict.url, '/collab'), 'https://app.example.com')).toBe(101)
    expect(await upgradeStatus(ws(strict.url, '/collab'), 'https://app.example.com.evil.example')).toBe(403)
    expect(await upgradeStatus(ws(strict.url, '/collab'), 'http://localhost:5173')).toBe(403)
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'not an origin' })).toThrow(ConfigError)
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://app.example.com/path' })).toThrow(/ALLOWED_ORIGINS/)
  })

  it('[SEC10] the HTTP fallback applies the same allow-list', async () => {
    const open = (url: string, origin: string) => fetch(`${url}${HTTP_FALLBACK_PATH}/sessions`, { method: 'POST', headers: { origin } })
    expect((await open(server.url, 'https://evil.example')).status).toBe(403)
    expect((await open(server.url, 'http://localhost:5173')).status).toBe(201)
    expect((await open(strict.url, 'https://app.example.com')).status).toBe(201)
    expect((await open(strict.url, 'http://localhost:5173')).status).toBe(403)
  })

  it('[SEC11] every HTTP response carries a CSP without inline script, and the other security headers', async () => {
    for (const path of ['/', '/healthz', '/api/documents', '/no-such-page']) {
      const response = await fetch(`${server.url}${path}`)
      const csp = response.headers.get('content-security-policy') ?? ''
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? ''
      expect(scriptSrc, path).toBe("'self'")
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("object-src 'none'")
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(response.headers.get('x-frame-options'), path).toBe('DENY')
    }
  })
})
