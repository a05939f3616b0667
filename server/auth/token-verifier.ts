/**
 * One function that verifies every token the server accepts:
 *
 * - its own HS256 tokens (issuer `collab-editor`): minted from an account session, by
 *   `npm run token`, or by the development endpoint;
 * - in external identity mode, JWTs from the team's own identity provider, checked against
 *   `AUTH_JWKS_URL` (a remote JSON Web Key Set, jose's `createRemoteJWKSet`) or, without one,
 *   the shared `AUTH_SECRET` (HS256), with the issuer `AUTH_ISSUER` and audience `AUTH_AUDIENCE`.
 *
 * External tokens never mean "every document": without a `docs` claim their roles come from the
 * database (owners, invites, links), exactly like a signed-in account's.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose'
import { describeJoseError, readGrants, TOKEN_ISSUER, TokenError, verifyToken, type AccessClaims } from './tokens.ts'

/** Verifies a token and returns its claims, or throws {@link TokenError} saying why not. */
export type TokenVerifier = (token: string) => Promise<AccessClaims>

/** External identity provider settings (`AUTH_JWKS_URL` / `AUTH_SECRET`, `AUTH_ISSUER`, `AUTH_AUDIENCE`). */
export interface ExternalIdentity {
  /** URL of the provider's JWKS; when absent, tokens are HS256 with `secret`. */
  jwksUrl?: string
  /** Required `iss`. */
  issuer: string
  /** Required `aud`. */
  audience: string
}

/** A user seen in a valid external token: remembered so owners can invite them by name or email. */
export interface ExternalUser {
  id: string
  name: string
  email: string | null
}

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** Our own HS256 secret (also the external secret when no JWKS URL is given). */
  secret: string
  external?: ExternalIdentity
  /** Called for every verified external token (cheap: implementations cache). */
  onExternalUser?: (user: ExternalUser) => void
}

/** Algorithms accepted from a JWKS: asymmetric only, so a public key can never act as an HMAC secret. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

/** Creates the verifier. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { secret, external } = options
  if (!external) return (token) => verifyToken(secret, token)
  const jwks = external.jwksUrl ? createRemoteJWKSet(new URL(external.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 }) : null
  const hmacKey = new TextEncoder().encode(secret)
  return async (token) => {
    if (!token) throw new TokenError('no token')
    let issuer: unknown
    try {
      issuer = decodeJwt(token).iss
    } catch {
      throw new TokenError('token malformed')
    }
    // Our own tokens keep working next to the provider's (operator tokens, session tokens).
    if (issuer === TOKEN_ISSUER) return verifyToken(secret, token)
    let payload: JWTPayload
    try {
      const verifyOptions = { issuer: external.issuer, audience: external.audience }
      ;({ payload } = jwks
        ? await jwtVerify(token, jwks, { ...verifyOptions, algorithms: JWKS_ALGORITHMS })
        : await jwtVerify(token, hmacKey, { ...verifyOptions, algorithms: ['HS256'] }))
    } catch (error) {
      throw new TokenError(describeJoseError(error))
    }
    if (payload.exp === undefined) throw new TokenError('token has no expiry')
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('token has no subject')
    const email = typeof payload.email === 'string' && payload.email !== '' ? payload.email : null
    const name = firstString(payload.name, payload.preferred_username, email) ?? payload.sub
    options.onExternalUser?.({ id: payload.sub, name, email })
    // No `docs` claim: no grants from the token; the database decides.
    return { user: { id: payload.sub, name }, grants: readGrants(payload.docs) ?? {} }
  }
}

function firstString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === 'string' && value !== '') return value
  return null
}
