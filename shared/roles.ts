/**
 * Roles a user can hold on a document, and what each may do.
 */

/** Every role, weakest first. */
export const ROLES = ['viewer', 'editor', 'owner'] as const

/**
 * A role on one document. `viewer` is read-only; `editor` may change content; `owner` (the
 * creator) may also share, revoke and delete.
 */
export type Role = (typeof ROLES)[number]

/** Type guard for {@link Role}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** True when `role` may change document content. */
export function canEdit(role: Role): boolean {
  return role === 'editor' || role === 'owner'
}

/** True when `role` may share the document, change who has access and delete it. */
export function canManage(role: Role): boolean {
  return role === 'owner'
}

/** The stronger of two roles (`null` is no access). */
export function strongerRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b
  if (b === null) return a
  return ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b
}
