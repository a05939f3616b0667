import { describe, expect, it } from 'vitest'
import { tokenClaims } from './session.ts'

/** An unsigned JWT-shaped string with `payload` (the client never verifies; the server does). */
function jwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${encode({ alg: 'HS256' })}.${encode(payload)}.signature`
}

describe('tokenClaims', () => {
  it('[PRES2] reads the subject, name and expiry the presence and token refresh rely on', () => {
    expect(tokenClaims(jwt({ sub: 'u1', name: 'Ada', exp: 1_700_000_000 }))).toEqual({ id: 'u1', name: 'Ada', expiresAt: 1_700_000_000_000 })
    expect(tokenClaims(jwt({ sub: '', name: 7 }))).toEqual({ id: null, name: null, expiresAt: null })
    expect(tokenClaims('not a token')).toEqual({ id: null, name: null, expiresAt: null })
  })
})
