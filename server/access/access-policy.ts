/**
 * Who may open which document, with which role. The single place the WebSocket authentication
 * and the HTTP API ask.
 *
 * {@link tokenGrantPolicy} reads only the token's grants (a token without grants opens everything
 * as editor); the server runs the database-backed policy (`database-policy.ts`: owners, invites,
 * share links, plus token grants).
 */
import type { Role } from '../../shared/roles.ts'
import { roleFor, type AccessClaims } from '../auth/tokens.ts'

/** Decides access for verified token claims. */
export interface AccessPolicy {
  /** The role `claims` hold on `documentName`, or `null` for no access. */
  roleFor(claims: AccessClaims, documentName: string): Promise<Role | null>
  /**
   * Names of the documents `claims` may open, or `null` when they may open every document
   * (the caller then lists all stored documents).
   */
  documentsFor(claims: AccessClaims): Promise<string[] | null>
  /** Records that `claims.user` created `documentName` (the creator owns it). */
  documentCreated(claims: AccessClaims, documentName: string): Promise<void>
  /** Forgets every grant on a deleted document. */
  documentDeleted(documentName: string): Promise<void>
}

/** The token-grants-only policy. */
export function tokenGrantPolicy(): AccessPolicy {
  return {
    async roleFor(claims, documentName) {
      return roleFor(claims, documentName)
    },
    async documentsFor(claims) {
      return claims.grants === null ? null : Object.keys(claims.grants)
    },
    async documentCreated() {},
    async documentDeleted() {},
  }
}
