/**
 * Access tokens: HS256 JWTs (jose) naming a user and, optionally, per-document grants.
 *
 * A token without grants opens every document as editor (the local-development default); a token
 * with grants opens only the documents it lists, each with its role.
 */
import { SignJWT, jwtVerify, errors } from 'jose'
import { isRole, type Role } from '../../shared/roles.ts'

/** Issuer and audience written into and required of every token we mint. */
export const TOKEN_ISSUER = 'collab-editor'
export const TOKEN_AUDIENCE = 'collab'

/** The user a token speaks for. */
export interface TokenUser {
  id: string
  name: string
}

/** What a verified token grants. */
export interface AccessClaims {
  user: TokenUser
  /** Per-document roles, or `null` for "every document, as editor". */
  grants: Record<string, Role> | null
}

/** Why a token was refused, in words fit for a close reason. */
export class TokenError extends Error {
  override name = 'TokenError'
}

/** Options for {@link mintToken}. */
export interface MintOptions {
  user: TokenUser
  grants?: Record<string, Role> | null
  /** Lifetime, as a jose time span (`'30d'`, `'15m'`) or seconds. Default 30 days. */
  expiresIn?: string | number
}

/** Signs a token for `user` with `secret`. */
export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const payload: Record<string, unknown> = { name: options.user.name }
  if (options.grants) payload.docs = options.grants
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.user.id)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '30d')
    .sign(secretKey(secret))
}

/** Verifies `token` and returns its claims, or throws {@link TokenError} saying why not. */
export async function verifyToken(secret: string, token: string): Promise<AccessClaims> {
  if (!token) throw new TokenError('no token')
  let payload
  try {
    ;({ payload } = await jwtVerify(token, secretKey(secret), {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: ['HS256'],
    }))
  } catch (error) {
    throw new TokenError(describeJoseError(error))
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('token has no subject')
  const name = typeof payload.name === 'string' && payload.name !== '' ? payload.name : payload.sub
  return { user: { id: payload.sub, name }, grants: readGrants(payload.docs) }
}

/** The role `claims` give on `documentName`, or `null` for none. */
export function roleFor(claims: AccessClaims, documentName: string): Role | null {
  if (claims.grants === null) return 'editor'
  return claims.grants[documentName] ?? null
}

/** Reads a `docs` claim: absent is `null` (every document), otherwise document name → role. */
export function readGrants(value: unknown): Record<string, Role> | null {
  if (value === undefined) return null
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenError('token "docs" claim is not an object')
  const grants: Record<string, Role> = {}
  for (const [name, role] of Object.entries(value)) {
    if (!isRole(role)) throw new TokenError(`token grants unknown role "${String(role)}"`)
    grants[name] = role
  }
  return grants
}

/** Words for a jose verification error, fit for a close reason. */
export function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid'
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" invalid`
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed'
  return 'token malformed'
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret)
}
