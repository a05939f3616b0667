/**
 * Accounts, roles and sharing, composed once for the server: the stores (in the features
 * database), the database-backed access policy, the token verifier (own tokens, plus an external
 * identity provider's when configured), the REST routes and the Hocuspocus extensions.
 */
import type { IncomingMessage } from 'node:http'
import type { Extension } from '@hocuspocus/server'
import type { AccessChanges } from '../access/access-changes.ts'
import type { AccessPolicy } from '../access/access-policy.ts'
import { databasePolicy } from '../access/database-policy.ts'
import { migrateRoles, RoleStore } from '../access/role-store.ts'
import type { ApiServices } from '../api/api-services.ts'
import type { Route } from '../api/router.ts'
import { sharingRoutes } from '../api/sharing-routes.ts'
import { authenticateRequest } from '../auth/request-auth.ts'
import { tokenLifetime } from '../auth/token-lifetime.ts'
import { createTokenVerifier, type ExternalIdentity, type TokenVerifier } from '../auth/token-verifier.ts'
import type { AccessClaims } from '../auth/tokens.ts'
import type { Database } from '../db/database.ts'
import type { Logger } from '../log.ts'
import { awarenessGuard } from '../presence/awareness-guard.ts'
import { AccountStore, migrateAccounts } from './account-store.ts'
import { authRoutes } from './auth-routes.ts'
import { readSessionCookie } from './session-cookie.ts'
import type { SignInCounter } from './sign-in-throttle.ts'

/** Settings for {@link openAccounts} (from `ServerConfig`). */
export interface AccountsOptions {
  database: Database
  secret: string
  log: Logger
  external?: ExternalIdentity
  sessionMaxAgeSeconds: number
  tokenTtlSeconds: number
  allowRegistration: boolean
  /** Ask clients for a fresh token this long before expiry; default 30 s. */
  tokenRefreshLeadMs?: number
  /** Close connections this long after their token expired; default 5 s. */
  tokenGraceMs?: number
  /** Where sharing announces revocations and role changes (the composition root re-checks connections for them). */
  accessChanges: AccessChanges
  /** Where failed sign-ins are counted; default: this process's memory. */
  signInThrottle?: SignInCounter
}

/** What {@link openAccounts} returns. */
export interface Accounts {
  accounts: AccountStore
  roles: RoleStore
  policy: AccessPolicy
  verify: TokenVerifier
  /** Extensions to install after `authentication`: token lifetime and the awareness guard. */
  extensions: Extension[]
  /** Sign-in and share-link routes (they read the session cookie themselves). */
  publicRoutes: Route[]
  /** Sharing routes (owner only). */
  routes: (services: ApiServices) => Route[]
  /** The caller of an API request: a bearer token, else the session cookie. */
  authenticate(request: IncomingMessage): Promise<AccessClaims | null>
  close(): void
}

/** Migrates the tables and builds the pieces. */
export async function openAccounts(options: AccountsOptions): Promise<Accounts> {
  const { database, log } = options
  await migrateAccounts(database)
  await migrateRoles(database)
  const accounts = new AccountStore(database)
  const roles = new RoleStore(database)
  const policy = databasePolicy(roles)
  const verify = createTokenVerifier({
    secret: options.secret,
    external: options.external,
    onExternalUser: (user) => void accounts.rememberExternal(user).catch((error: unknown) => log.warn({ err: error }, 'could not remember an external user')),
  })
  const prune = setInterval(() => void accounts.pruneSessions().catch(() => undefined), 3600_000)
  prune.unref()
  return {
    accounts,
    roles,
    policy,
    verify,
    extensions: [tokenLifetime({ verify, policy, refreshLeadMs: options.tokenRefreshLeadMs, graceMs: options.tokenGraceMs }), awarenessGuard()],
    publicRoutes: authRoutes({
      accounts,
      roles,
      secret: options.secret,
      sessionMaxAgeSeconds: options.sessionMaxAgeSeconds,
      tokenTtlSeconds: options.tokenTtlSeconds,
      allowRegistration: options.allowRegistration,
      signInThrottle: options.signInThrottle,
    }),
    routes: (services) => sharingRoutes(services, { roles, accounts, accessChanges: options.accessChanges }),
    async authenticate(request) {
      const fromBearer = await authenticateRequest(request, verify)
      if (fromBearer || request.headers.authorization) return fromBearer
      const sessionId = readSessionCookie(request)
      const account = sessionId ? await accounts.sessionAccount(sessionId) : null
      return account ? { user: { id: account.id, name: account.name }, grants: {} } : null
    },
    close() {
      clearInterval(prune)
    },
  }
}
