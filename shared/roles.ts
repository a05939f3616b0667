/**
 * Roles a user can hold on a document, and what each may do.
 */

/** Every role, weakest first. */
export const ROLES = ['viewer', 'editor'] as const

/** A role on one document. `viewer` is read-only; `editor` may change content. */
export type Role = (typeof ROLES)[number]

/** Type guard for {@link Role}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** True when `role` may change document content. */
export function canEdit(role: Role): boolean {
  return role === 'editor'
}
