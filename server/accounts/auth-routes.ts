/**
 * `/api/auth/*`: register, sign in, sign out, who am I, and the short-lived WebSocket token minted
 * from the session; plus accepting a share link (`POST /api/share-links/accept`), which signs a
 * visitor without an account in as a guest first.
 *
 * These routes authenticate by the session cookie themselves (they are the router's public
 * routes); the router already refuses cross-site POSTs, and the cookie is `SameSite=Lax`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import type { RoleStore } from '../access/role-store.ts'
import { ApiError } from '../api/api-error.ts'
import { readJson } from '../api/body.ts'
import type { Route } from '../api/router.ts'
import { mintToken } from '../auth/tokens.ts'
import { sendJson } from '../http/respond.ts'
import { AccountConflict, type Account, type AccountStore } from './account-store.ts'
import { PASSWORD_LENGTH } from './password.ts'
import { SignInThrottle, type SignInCounter } from './sign-in-throttle.ts'
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts'

/** What the auth routes need. */
export interface AuthRouteDeps {
  accounts: AccountStore
  roles: RoleStore
  /** Signs session tokens. */
  secret: string
  /** Session lifetime (cookie and database row), seconds. */
  sessionMaxAgeSeconds: number
  /** Lifetime of a WebSocket/API token minted from a session, seconds. */
  tokenTtlSeconds: number
  /** Whether anyone may register (`ALLOW_REGISTRATION`). */
  allowRegistration: boolean
  /** Where failed sign-ins are counted; default: this process's memory. */
  signInThrottle?: SignInCounter
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/
const displayName = z.string().trim().min(1, 'name must not be empty').max(64, 'name is longer than 64 characters')

const registerBody = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(USERNAME, 'username must be 3-32 of a-z 0-9 . _ - starting with a letter or digit'),
    email: z.email('email is not an email address').max(254).optional(),
    name: displayName.optional(),
    password: z.string().min(PASSWORD_LENGTH.min, `password must be at least ${PASSWORD_LENGTH.min} characters`).max(PASSWORD_LENGTH.max),
  })
  .strict()

const signInBody = z.object({ login: z.string().trim().min(1).max(254), password: z.string().min(1).max(PASSWORD_LENGTH.max) }).strict()
const acceptBody = z.object({ secret: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'secret is not a share link secret'), name: displayName.optional() }).strict()

/** The public account routes. */
export function authRoutes(deps: AuthRouteDeps): Route[] {
  const { accounts } = deps
  const throttle = deps.signInThrottle ?? new SignInThrottle()

  const signIn = async (request: IncomingMessage, response: ServerResponse, account: Account) => {
    const session = await accounts.createSession(account.id, deps.sessionMaxAgeSeconds * 1000)
    setSessionCookie(request, response, session.id, deps.sessionMaxAgeSeconds)
  }
  const sessionAccount = async (request: IncomingMessage): Promise<Account | null> => {
    const id = readSessionCookie(request)
    return id ? accounts.sessionAccount(id) : null
  }
  const requireAccount = async (request: IncomingMessage): Promise<Account> => {
    const account = await sessionAccount(request)
    if (!account) throw new ApiError('unauthorized', 'not signed in')
    return account
  }

  return [
    {
      method: 'POST',
      pattern: '/api/auth/register',
      async handler({ request, response }) {
        if (!deps.allowRegistration) throw new ApiError('forbidden', 'registration is closed on this server')
        const body = await readJson(request, registerBody)
        let account: Account
        try {
          account = await accounts.register({ username: body.username, email: body.email ?? null, name: body.name ?? body.username, password: body.password })
        } catch (error) {
          if (error instanceof AccountConflict) throw new ApiError('conflict', error.message)
          throw error
        }
        await signIn(request, response, account)
        sendJson(response, 201, { user: publicAccount(account) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/auth/signin',
      async handler({ request, response }) {
        const body = await readJson(request, signInBody)
        const address = request.socket.remoteAddress ?? ''
        const wait = await throttle.retryAfter(body.login, address)
        if (wait > 0) {
          response.setHeader('retry-after', String(wait))
          throw new ApiError('too-many-requests', `too many failed sign-ins; try again in ${wait} s`)
        }
        const account = await accounts.checkPassword(body.login, body.password)
        if (!account) {
          await throttle.failed(body.login, address)
          // One message for both cases: no telling which usernames exist.
          throw new ApiError('unauthorized', 'wrong username or password')
        }
        await throttle.succeeded(body.login)
        await signIn(request, response, account)
        sendJson(response, 200, { user: publicAccount(account) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/auth/signout',
      async handler({ request, response }) {
        const id = readSessionCookie(request)
        if (id) await accounts.deleteSession(id)
        clearSessionCookie(request, response)
        response.writeHead(204).end()
      },
    },
    {
      method: 'GET',
      pattern: '/api/auth/session',
      async handler({ request, response }) {
        sendJson(response, 200, { user: publicAccount(await requireAccount(request)) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/auth/token',
      async handler({ request, response }) {
        const account = await requireAccount(request)
        // `docs: {}`: the token grants nothing by itself; the database's roles decide.
        const token = await mintToken(deps.secret, { user: { id: account.id, name: account.name }, grants: {}, expiresIn: `${deps.tokenTtlSeconds}s` })
        sendJson(response, 200, { token, user: publicAccount(account), expiresAt: new Date(Date.now() + deps.tokenTtlSeconds * 1000).toISOString() })
      },
    },
    {
      method: 'POST',
      pattern: '/api/share-links/accept',
      async handler({ request, response }) {
        const body = await readJson(request, acceptBody)
        const link = await deps.roles.linkBySecret(body.secret)
        if (!link) throw new ApiError('not-found', 'this share link does not exist or was revoked')
        let account = await sessionAccount(request)
        if (!account) {
          account = await accounts.createGuest(body.name ?? `Guest ${Math.floor(1000 + Math.random() * 9000)}`)
          await signIn(request, response, account)
        }
        const role = await deps.roles.acceptLink(link, account.id)
        sendJson(response, 200, { document: link.document, role, user: publicAccount(account) })
      },
    },
  ]
}

/** What clients see of an account. */
export function publicAccount(account: Account): { id: string; name: string; username: string | null; email: string | null; kind: Account['kind'] } {
  return { id: account.id, name: account.name, username: account.username, email: account.email, kind: account.kind }
}
