import { describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { TOKEN_ISSUER, TokenError, mintToken, roleFor, verifyToken } from './tokens.ts'

const secret = 'unit-secret-unit-secret-unit-secret-unit'

describe('tokens', () => {
  it('[TOK1] a minted token verifies to its user and grants', async () => {
    const token = await mintToken(secret, { user: { id: 'u1', name: 'Ada' }, grants: { plan: 'viewer' } })
    const claims = await verifyToken(secret, token)
    expect(claims).toEqual({ user: { id: 'u1', name: 'Ada' }, grants: { plan: 'viewer' } })
    expect(roleFor(claims, 'plan')).toBe('viewer')
    expect(roleFor(claims, 'other')).toBeNull()
  })
  it('[TOK2] a token without grants opens every document as editor', async () => {
    const claims = await verifyToken(secret, await mintToken(secret, { user: { id: 'u1', name: 'Ada' } }))
    expect(roleFor(claims, 'anything')).toBe('editor')
  })
  it('[TOK3] rejects wrong secret, wrong audience, garbage and unknown roles with a reason', async () => {
    const good = await mintToken(secret, { user: { id: 'u1', name: 'Ada' } })
    await expect(verifyToken('x'.repeat(40), good)).rejects.toThrow(new TokenError('token signature invalid'))
    await expect(verifyToken(secret, 'not.a.jwt')).rejects.toThrow(new TokenError('token malformed'))
    await expect(verifyToken(secret, '')).rejects.toThrow(new TokenError('no token'))
    const key = new TextEncoder().encode(secret)
    const wrongAudience = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer(TOKEN_ISSUER).setAudience('elsewhere').setExpirationTime('1h').sign(key)
    await expect(verifyToken(secret, wrongAudience)).rejects.toThrow(new TokenError('token claim "aud" invalid'))
    const badRole = await new SignJWT({ docs: { a: 'owner-of-everything' } }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer(TOKEN_ISSUER).setAudience('collab').setExpirationTime('1h').sign(key)
    await expect(verifyToken(secret, badRole)).rejects.toThrow(/unknown role/)
  })
})
