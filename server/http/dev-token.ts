/**
 * `POST /api/dev/token`: mints an editor token for a display name, for local use only.
 *
 * Lets `npm start` work out of the box before accounts exist: the browser asks for a token for
 * the name it shows. Served only to loopback callers and only while `DEV_TOKENS` is on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { mintToken } from '../auth/tokens.ts'
import { isLoopback, readJsonBody, sendJson, sendProblem } from './respond.ts'

/** Path of the development token endpoint. */
export const DEV_TOKEN_PATH = '/api/dev/token'

/** Longest display name accepted. */
const MAX_NAME_LENGTH = 64

/** Handles the development token endpoint. */
export async function handleDevToken(request: IncomingMessage, response: ServerResponse, secret: string): Promise<void> {
  if (request.method !== 'POST') return sendProblem(response, 405, 'method-not-allowed', 'use POST')
  if (!isLoopback(request)) return sendProblem(response, 403, 'forbidden', 'development tokens are only served to loopback callers')
  let body: unknown
  try {
    body = await readJsonBody(request)
  } catch (error) {
    return sendProblem(response, 400, 'bad-request', (error as Error).message)
  }
  // Any JSON value parses, `null` included: read fields only from an object.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendProblem(response, 400, 'bad-request', 'send a JSON object: {"name": "…"}')
  const fields = body as { name?: unknown; id?: unknown }
  const name = typeof fields.name === 'string' ? fields.name.trim() : ''
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    return sendProblem(response, 400, 'invalid-name', `name must be 1 to ${MAX_NAME_LENGTH} characters`)
  }
  const id = typeof fields.id === 'string' && fields.id ? fields.id : randomUUID()
  const token = await mintToken(secret, { user: { id, name }, expiresIn: '30d' })
  sendJson(response, 200, { token, user: { id, name } })
}
