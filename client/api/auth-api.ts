/**
 * Client for the account endpoints (`/api/auth/*`, `/api/share-links/accept`). They authenticate
 * with the HttpOnly session cookie the browser sends by itself; failures throw {@link ApiProblem}.
 */
import { ApiProblem, requestJson } from './request.ts'

/** A signed-in account as the server describes it. */
export interface AccountInfo {
  id: string
  name: string
  username: string | null
  email: string | null
  kind: 'local' | 'guest' | 'external'
}

/** Registers and signs in. */
export async function register(input: { username: string; password: string; email?: string; name?: string }): Promise<AccountInfo> {
  return ((await post('/api/auth/register', input)) as { user: AccountInfo }).user
}

/** Signs in by username or email. */
export async function signIn(login: string, password: string): Promise<AccountInfo> {
  return ((await post('/api/auth/signin', { login, password })) as { user: AccountInfo }).user
}

/** Signs out (ends the session on the server, clears the cookie). */
export async function signOut(): Promise<void> {
  await post('/api/auth/signout')
}

/** The signed-in account, or `null` when not signed in. Throws {@link ApiProblem} `network` when offline. */
export async function currentAccount(): Promise<AccountInfo | null> {
  try {
    return ((await requestJson('GET', '/api/auth/session')) as { user: AccountInfo }).user
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null
    throw error
  }
}

/** A short-lived token minted from the session, or `null` when not signed in. */
export async function sessionToken(): Promise<string | null> {
  try {
    return ((await post('/api/auth/token')) as { token: string }).token
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null
    throw error
  }
}

/** Opens a share link: grants its role to the signed-in user, or to a new guest called `name`. */
export async function acceptShareLink(secret: string, name?: string): Promise<{ document: string; role: string; user: AccountInfo }> {
  return (await post('/api/share-links/accept', name ? { secret, name } : { secret })) as { document: string; role: string; user: AccountInfo }
}

function post(path: string, body?: unknown): Promise<unknown> {
  return requestJson('POST', path, { body })
}
