/**
 * Sharing a document (owner only): invite people by username, email or id with a role, make
 * share links carrying an unguessable secret and a role, list both, and revoke either. Every
 * revocation or role change is announced as an access change: each server instance re-checks
 * that user's open connections to the document at once (see `server/access/revocation.ts` and
 * `server/access/access-changes.ts`).
 *
 * | route | what |
 * | --- | --- |
 * | `GET /api/documents/:name/members` | who has access, with role and where it came from |
 * | `POST /api/documents/:name/members` | `{user, role}`: invite (or change the role of) a person |
 * | `DELETE /api/documents/:name/members/:userId` | remove a person's access |
 * | `GET /api/documents/:name/links` | live share links (without secrets) |
 * | `POST /api/documents/:name/links` | `{role}`: make a link; the answer carries its secret, once |
 * | `DELETE /api/documents/:name/links/:id` | revoke a link and the access it gave |
 */
import { z } from 'zod'
import type { AccountStore } from '../accounts/account-store.ts'
import type { AccessChanges } from '../access/access-changes.ts'
import type { Member, RoleStore } from '../access/role-store.ts'
import { sendJson } from '../http/respond.ts'
import { requireRole } from './access.ts'
import type { ApiServices } from './api-services.ts'
import { ApiError } from './api-error.ts'
import { readJson } from './body.ts'
import type { Route } from './router.ts'

/** Client route a share link opens; the secret follows. */
export const SHARE_PATH = '/share/'

const grantableRole = z.enum(['viewer', 'editor'], { message: 'role must be "viewer" or "editor"' })
const inviteBody = z.object({ user: z.string().trim().min(1, 'user must name a username, email or id').max(254), role: grantableRole }).strict()
const linkBody = z.object({ role: grantableRole }).strict()

/** The sharing routes. */
export function sharingRoutes(services: ApiServices, stores: { roles: RoleStore; accounts: AccountStore; accessChanges: AccessChanges }): Route[] {
  const { policy, documents } = services
  const { roles, accounts, accessChanges } = stores

  const ownDocument = async (claims: Parameters<typeof requireRole>[1], name: string) => {
    await requireRole(policy, claims, name, 'manage')
    if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
  }
  const describe = async (member: Member) => {
    const account = await accounts.get(member.userId)
    return {
      user: { id: member.userId, name: account?.name ?? member.userId, username: account?.username ?? null, email: account?.email ?? null },
      role: member.role,
      source: member.source.startsWith('link:') ? 'link' : member.source,
      grantedAt: member.grantedAt.toISOString(),
    }
  }

  return [
    {
      method: 'GET',
      pattern: '/api/documents/:name/members',
      async handler({ response, params, claims }) {
        await ownDocument(claims, params.name!)
        sendJson(response, 200, { members: await Promise.all((await roles.members(params.name!)).map(describe)) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents/:name/members',
      async handler({ request, response, params, claims }) {
        const name = params.name!
        await ownDocument(claims, name)
        const body = await readJson(request, inviteBody)
        const account = await accounts.findForInvite(body.user)
        if (!account) throw new ApiError('not-found', `no user "${body.user}" (they need an account first)`)
        if ((await roles.roleOf(name, account.id)) === 'owner') throw new ApiError('conflict', 'the owner keeps the owner role')
        await roles.invite(name, account.id, body.role, claims.user.id)
        // A lowered role reaches open connections now, on every instance.
        await accessChanges.announce({ document: name, userIds: [account.id] })
        const member = (await roles.members(name)).find((entry) => entry.userId === account.id)!
        sendJson(response, 200, await describe(member))
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/documents/:name/members/:userId',
      async handler({ response, params, claims }) {
        const name = params.name!
        await ownDocument(claims, name)
        if (!(await roles.remove(name, params.userId!))) throw new ApiError('not-found', `"${params.userId}" has no role to remove on "${name}"`)
        await accessChanges.announce({ document: name, userIds: [params.userId!] })
        response.writeHead(204).end()
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name/links',
      async handler({ response, params, claims }) {
        await ownDocument(claims, params.name!)
        const links = await roles.links(params.name!)
        sendJson(response, 200, { links: links.map((link) => ({ id: link.id, role: link.role, createdBy: link.createdBy, createdAt: link.createdAt.toISOString() })) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents/:name/links',
      async handler({ request, response, params, claims }) {
        const name = params.name!
        await ownDocument(claims, name)
        const body = await readJson(request, linkBody)
        const { link, secret } = await roles.createLink(name, body.role, claims.user.id)
        sendJson(response, 201, { id: link.id, role: link.role, createdAt: link.createdAt.toISOString(), secret, path: `${SHARE_PATH}${secret}` })
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/documents/:name/links/:id',
      async handler({ response, params, claims }) {
        const name = params.name!
        await ownDocument(claims, name)
        const users = await roles.revokeLink(name, params.id!)
        if (users === null) throw new ApiError('not-found', `no link "${params.id}" on "${name}"`)
        await accessChanges.announce({ document: name, userIds: users })
        response.writeHead(204).end()
      },
    },
  ]
}
