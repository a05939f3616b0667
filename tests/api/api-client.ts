/**
 * A tiny fetch wrapper for API tests: bearer token, JSON in and out.
 */

/** A response with its parsed body. */
export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

/** Calls `method path` on `baseUrl` with `token`; `body` objects are sent as JSON, strings as-is with `contentType`. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; contentType?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (typeof options.body === 'string') {
    body = options.body
    headers['content-type'] = options.contentType ?? 'text/plain'
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] = 'application/json'
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body })
  const text = await response.text()
  let parsed: unknown = text
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text)
  return { status: response.status, headers: response.headers, body: parsed as T, text }
}
