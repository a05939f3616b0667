/**
 * Client for the sharing endpoints (owner only): members (invites) and share links of a document.
 */
import { ApiProblem, type TokenSource } from './documents-api.ts'

/** Someone with access to a document. */
export interface MemberInfo {
  user: { id: string; name: string; username: string | null; email: string | null }
  role: 'owner' | 'editor' | 'viewer'
  source: 'owner' | 'invite' | 'link'
}

/** A share link (its secret is only known right after creating it). */
export interface LinkInfo {
  id: string
  role: 'editor' | 'viewer'
  createdAt: string
  secret?: string
  path?: string
}

const base = (name: string) => `/api/documents/${encodeURIComponent(name)}`

/** Everyone with access to `name`. */
export async function listMembers(token: TokenSource, name: string): Promise<MemberInfo[]> {
  return ((await call(token, 'GET', `${base(name)}/members`)) as { members: MemberInfo[] }).members
}

/** Invites `user` (username, email or id) with `role`. */
export async function invite(token: TokenSource, name: string, user: string, role: 'editor' | 'viewer'): Promise<MemberInfo> {
  return (await call(token, 'POST', `${base(name)}/members`, { user, role })) as MemberInfo
}

/** Removes a person's access. */
export async function removeMember(token: TokenSource, name: string, userId: string): Promise<void> {
  await call(token, 'DELETE', `${base(name)}/members/${encodeURIComponent(userId)}`)
}

/** The live share links of `name`. */
export async function listLinks(token: TokenSource, name: string): Promise<LinkInfo[]> {
  return ((await call(token, 'GET', `${base(name)}/links`)) as { links: LinkInfo[] }).links
}

/** Makes a share link; the answer carries its secret and path (shown once). */
export async function createLink(token: TokenSource, name: string, role: 'editor' | 'viewer'): Promise<LinkInfo> {
  return (await call(token, 'POST', `${base(name)}/links`, { role })) as LinkInfo
}

/** Revokes a share link (and the access it gave). */
export async function revokeLink(token: TokenSource, name: string, id: string): Promise<void> {
  await call(token, 'DELETE', `${base(name)}/links/${encodeURIComponent(id)}`)
}

async function call(token: TokenSource, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (error) {
    throw new ApiProblem(0, 'network', `the server could not be reached (${(error as Error).message})`)
  }
  if (response.status === 204) return null
  const parsed = (await response.json().catch(() => null)) as { code?: string; detail?: string } | null
  if (!response.ok) throw new ApiProblem(response.status, parsed?.code ?? 'http-error', parsed?.detail ?? `${method} ${path} failed with ${response.status}`)
  return parsed
}
