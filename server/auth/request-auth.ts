/**
 * Who is making an HTTP request: the claims of an `Authorization: Bearer <token>` header, or
 * `null`. (The server also accepts the accounts' session cookie: see `accounts/accounts.ts`.)
 */
import type { IncomingMessage } from 'node:http'
import type { TokenVerifier } from './token-verifier.ts'
import { verifyToken, type AccessClaims } from './tokens.ts'

/** Returns the verified claims of the request's bearer token, or `null` when absent or invalid. */
export async function authenticateRequest(request: IncomingMessage, secret: string | TokenVerifier): Promise<AccessClaims | null> {
  const header = request.headers.authorization
  if (!header?.startsWith('Bearer ')) return null
  try {
    const token = header.slice('Bearer '.length).trim()
    return await (typeof secret === 'string' ? verifyToken(secret, token) : secret(token))
  } catch {
    return null
  }
}
