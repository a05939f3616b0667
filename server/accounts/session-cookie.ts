/**
 * The session cookie: an opaque id, `HttpOnly` (page scripts never see it), `SameSite=Lax` (not
 * sent on cross-site subrequests or POSTs), `Path=/`, and `Secure` when the request came over
 * HTTPS (directly, or through a proxy saying `X-Forwarded-Proto: https`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'

/** Name of the session cookie. */
export const SESSION_COOKIE = 'collab_session'

/** The session id in the request's cookies, or `null`. */
export function readSessionCookie(request: IncomingMessage): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index === -1) continue
    if (part.slice(0, index).trim() === SESSION_COOKIE) {
      const value = part.slice(index + 1).trim()
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null
    }
  }
  return null
}

/** True when the request reached us (or the proxy in front of us) over HTTPS. */
export function isHttps(request: IncomingMessage): boolean {
  return (request.socket as TLSSocket).encrypted === true || String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https'
}

/** Sets the session cookie for `maxAgeSeconds`. */
export function setSessionCookie(request: IncomingMessage, response: ServerResponse, sessionId: string, maxAgeSeconds: number): void {
  response.setHeader('set-cookie', serialize(request, sessionId, maxAgeSeconds))
}

/** Removes the session cookie. */
export function clearSessionCookie(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('set-cookie', serialize(request, '', 0))
}

function serialize(request: IncomingMessage, value: string, maxAgeSeconds: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${Math.floor(maxAgeSeconds)}`, 'HttpOnly', 'SameSite=Lax']
  if (isHttps(request)) parts.push('Secure')
  return parts.join('; ')
}
