/**
 * Small helpers for writing HTTP responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Sends `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  response.end(text)
}

/** Sends a JSON problem (RFC 9457 shape) with a stable `code`. */
export function sendProblem(response: ServerResponse, status: number, code: string, detail: string): void {
  sendJson(response, status, { type: `about:blank#${code}`, status, code, detail })
}

/** Largest JSON request body we read, in bytes. */
export const MAX_JSON_BODY_BYTES = 64 * 1024

/** Reads and parses a JSON request body of at most {@link MAX_JSON_BODY_BYTES}. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_JSON_BODY_BYTES) throw new RangeError(`request body exceeds ${MAX_JSON_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new RangeError('request body is not valid JSON')
  }
}

/** True when the request came over the loopback interface. */
export function isLoopback(request: IncomingMessage): boolean {
  const address = request.socket.remoteAddress ?? ''
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1'
}
