/**
 * Re-checks open connections after access to a document changed, so revoking access takes
 * effect at once instead of at the next reconnect.
 *
 * Each affected connection is asked the policy again with the claims it authenticated with:
 * no role any more closes it (`forbidden: access revoked`; the client's reconnect is then refused
 * with 4403); a role that now reads instead of writes (or the reverse) closes it with
 * `access-changed`, and the client reconnects with its new role. This reaches this instance's
 * connections; every instance runs it for each announced change (`access-changes.ts`).
 */
import type { Connection, Hocuspocus } from '@hocuspocus/server'
import { CLOSE_CODES, formatCloseReason } from '../../shared/close-codes.ts'
import { canEdit } from '../../shared/roles.ts'
import type { ConnectionContext } from '../auth/authentication.ts'
import type { AccessPolicy } from './access-policy.ts'

/** Closes the connections to `documentName` of `userIds` (all users when omitted) whose access changed; resolves to how many closed. */
export async function recheckConnections(hocuspocus: Hocuspocus, policy: AccessPolicy, documentName: string, userIds?: Iterable<string>): Promise<number> {
  const document = hocuspocus.documents.get(documentName)
  if (!document) return 0
  const only = userIds ? new Set(userIds) : null
  let closed = 0
  for (const connection of document.getConnections() as Connection<ConnectionContext | undefined>[]) {
    const context = connection.context
    if (!context?.user || (only && !only.has(context.user.id))) continue
    const role = await policy.roleFor({ user: context.user, grants: context.grants ?? {} }, documentName)
    if (role === null) {
      connection.close({ code: CLOSE_CODES.forbidden.code, reason: formatCloseReason(CLOSE_CODES.forbidden, 'access revoked') })
      closed += 1
    } else if (canEdit(role) !== canEdit(context.role)) {
      connection.close({ code: CLOSE_CODES.accessChanged.code, reason: formatCloseReason(CLOSE_CODES.accessChanged, `you are now ${role === 'viewer' ? 'a viewer' : `an ${role}`}`) })
      closed += 1
    } else {
      context.role = role
    }
  }
  return closed
}
