/**
 * Role checks for API routes, through the same {@link AccessPolicy} the WebSocket uses.
 */
import { documentNameProblem } from '../../shared/document-name.ts'
import { canEdit, canManage, ROLES, type Role } from '../../shared/roles.ts'
import type { AccessPolicy } from '../access/access-policy.ts'
import type { AccessClaims } from '../auth/tokens.ts'
import { ApiError } from './api-error.ts'

/** What a route needs to do with a document. */
export type Need = 'read' | 'edit' | 'delete' | 'manage'

/** True when `role` may delete: the owner where owners exist, else anyone who may edit. */
export function canDelete(role: Role): boolean {
  return (ROLES as readonly string[]).includes('owner') ? role === ('owner' as Role) : canEdit(role)
}

/**
 * Checks that `name` is a valid document name and `claims` may do `need` on it; returns the role.
 * Throws `invalid-document-name` or `forbidden`.
 */
export async function requireRole(policy: AccessPolicy, claims: AccessClaims, name: string, need: Need): Promise<Role> {
  const problem = documentNameProblem(name)
  if (problem) throw new ApiError('invalid-document-name', problem)
  const role = await policy.roleFor(claims, name)
  if (role === null) throw new ApiError('forbidden', `no access to document "${name}"`)
  if (need === 'edit' && !canEdit(role)) throw new ApiError('forbidden', `a ${role} cannot change document "${name}"`)
  if (need === 'delete' && !canDelete(role)) throw new ApiError('forbidden', `a ${role} cannot delete document "${name}"`)
  if (need === 'manage' && !canManage(role)) throw new ApiError('forbidden', `only the owner can share document "${name}"`)
  return role
}
