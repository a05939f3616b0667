/**
 * People for account tests: each keeps its session cookie like a browser would, and calls the
 * API with it (or with a token minted from it).
 */
import type { ApiResponse } from '../api/api-client.ts'

/** A signed-in (or not yet signed-in) person talking to one server. */
export class Person {
  cookie: string | null = null
  lastSetCookie: string | null = null
  readonly baseUrl: string
  readonly username: string
  readonly password: string
  constructor(baseUrl: string, username: string, password = 'correct horse battery') {
    this.baseUrl = baseUrl
    this.username = username
    this.password = password
  }

  /** Calls the API with the session cookie (and `extraHeaders`), keeping any cookie the server sets. */
  async call<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extraHeaders }
    if (this.cookie) headers.cookie = this.cookie
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) {
      this.lastSetCookie = setCookie
      const pair = setCookie.split(';', 1)[0]!
      this.cookie = /=$/.test(pair) || /Max-Age=0/.test(setCookie) ? null : pair
    }
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: (text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as T, text }
  }

  /** Registers (and so signs in); throws unless 201. */
  async register(extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    const response = await this.call('POST', '/api/auth/register', { username: this.username, password: this.password, ...extra })
    if (response.status !== 201) throw new Error(`register ${this.username}: ${response.status} ${response.text}`)
    return response.body.user
  }

  /** A WebSocket/API token minted from the session; throws unless 200. */
  async token(): Promise<string> {
    const response = await this.call('POST', '/api/auth/token')
    if (response.status !== 200) throw new Error(`token for ${this.username}: ${response.status} ${response.text}`)
    return response.body.token as string
  }

  /** Calls the API with a bearer token minted from the session. */
  async api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const token = await this.token()
    return this.call<T>(method, path, body, { authorization: `Bearer ${token}` })
  }
}
