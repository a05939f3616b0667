/**
 * The access policy once accounts exist: roles from the database (owner, invites, share links),
 * together with whatever a token itself grants.
 *
 * - Account and identity-provider tokens carry no grants (`docs: {}`): the database decides.
 * - Tokens with a `docs` claim (minted for one document) get those roles too.
 * - Operator tokens without a `docs` claim (`npm run token`, the development endpoint) edit every
 *   document, and act as owner of documents nobody owns (opened into existence over the
 *   WebSocket, or stored before accounts existed), so such documents can still be managed.
 *
 * The stronger of the token's and the database's role wins.
 */
import { strongerRole } from '../../shared/roles.ts'
import { roleFor as tokenRoleFor, type AccessClaims } from '../auth/tokens.ts'
import type { AccessPolicy } from './access-policy.ts'
import type { RoleStore } from './role-store.ts'

/** Creates the database-backed policy over `roles`. */
export function databasePolicy(roles: RoleStore): AccessPolicy {
  return {
    async roleFor(claims, documentName) {
      const fromToken = tokenRoleFor(claims, documentName)
      const fromDatabase = await roles.roleOf(documentName, claims.user.id)
      if (isOperator(claims) && fromDatabase === null && !(await roles.hasOwner(documentName))) return 'owner'
      return strongerRole(fromToken, fromDatabase)
    },
    async documentsFor(claims) {
      if (isOperator(claims)) return null
      return [...new Set([...Object.keys(claims.grants ?? {}), ...(await roles.documentsOf(claims.user.id))])]
    },
    async documentCreated(claims, documentName) {
      await roles.setOwner(documentName, claims.user.id)
    },
    async documentDeleted(documentName) {
      await roles.deleteDocument(documentName)
    },
  }
}

/** True for a token without a `docs` claim: an operator's or development token for every document. */
function isOperator(claims: AccessClaims): boolean {
  return claims.grants === null
}
