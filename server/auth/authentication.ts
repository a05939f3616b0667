/**
 * Hocuspocus extension: who may open which document, and whether they may write.
 *
 * Runs in `onAuthenticate`, before Hocuspocus sends a single byte of the document. Refusals throw
 * an object with a `reason` from the shared close-code table; Hocuspocus sends it to the client
 * as a permission-denied message (the provider's `onAuthenticationFailed`).
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server'
import { CLOSE_CODES, formatCloseReason, type CloseCode } from '../../shared/close-codes.ts'
import { documentNameProblem } from '../../shared/document-name.ts'
import { canEdit, type Role } from '../../shared/roles.ts'
import type { AccessPolicy } from '../access/access-policy.ts'
import type { TokenVerifier } from './token-verifier.ts'
import { TokenError, verifyToken, type AccessClaims, type TokenUser } from './tokens.ts'

/** What a connection's Hocuspocus context holds once authenticated. */
export interface ConnectionContext {
  user: TokenUser
  role: Role
  /** The token's own grants, kept so access can be re-checked while the connection is open. */
  grants?: AccessClaims['grants']
}

/** A refusal Hocuspocus understands: it reads `reason` (and `code` when closing). */
export class ConnectionRefused extends Error {
  readonly code: number
  readonly reason: string
  constructor(entry: CloseCode, detail: string) {
    const reason = formatCloseReason(entry, detail)
    super(reason)
    this.code = entry.code
    this.reason = reason
  }
}

/**
 * Creates the authentication extension verifying tokens signed with `secret` (or with a
 * {@link TokenVerifier}, which also accepts an external identity provider's), roles from `policy`.
 */
export function authentication(secret: string | TokenVerifier, policy: AccessPolicy): Extension {
  const verify: TokenVerifier = typeof secret === 'string' ? (token) => verifyToken(secret, token) : secret
  return {
    extensionName: 'authentication',
    async onAuthenticate({ token, documentName, connectionConfig }: onAuthenticatePayload): Promise<ConnectionContext> {
      const nameProblem = documentNameProblem(documentName)
      if (nameProblem) throw new ConnectionRefused(CLOSE_CODES.invalidDocumentName, nameProblem)
      let claims
      try {
        claims = await verify(token)
      } catch (error) {
        if (error instanceof TokenError) throw new ConnectionRefused(CLOSE_CODES.unauthorized, error.message)
        throw error
      }
      const role = await policy.roleFor(claims, documentName)
      if (role === null) throw new ConnectionRefused(CLOSE_CODES.forbidden, `no access to document "${documentName}"`)
      // Hocuspocus drops document updates from read-only connections (answering sync-status false).
      connectionConfig.readOnly = !canEdit(role)
      return { user: claims.user, role, grants: claims.grants }
    },
  }
}
