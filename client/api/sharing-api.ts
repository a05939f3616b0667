/**
 * Client for the sharing endpoints (owner only): members (invites) and share links of a document.
 * Failures throw `ApiProblem` (see `request.ts`).
 */
import { requestJson, type TokenSource } from './request.ts'

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
  return ((await requestJson('GET', `${base(name)}/members`, { token })) as { members: MemberInfo[] }).members
}

/** Invites `user` (username, email or id) with `role`. */
export async function invite(token: TokenSource, name: string, user: string, role: 'editor' | 'viewer'): Promise<MemberInfo> {
  return (await requestJson('POST', `${base(name)}/members`, { token, body: { user, role } })) as MemberInfo
}

/** Removes a person's access. */
export async function removeMember(token: TokenSource, name: string, userId: string): Promise<void> {
  await requestJson('DELETE', `${base(name)}/members/${encodeURIComponent(userId)}`, { token })
}

/** The live share links of `name`. */
export async function listLinks(token: TokenSource, name: string): Promise<LinkInfo[]> {
  return ((await requestJson('GET', `${base(name)}/links`, { token })) as { links: LinkInfo[] }).links
}

/** Makes a share link; the answer carries its secret and path (shown once). */
export async function createLink(token: TokenSource, name: string, role: 'editor' | 'viewer'): Promise<LinkInfo> {
  return (await requestJson('POST', `${base(name)}/links`, { token, body: { role } })) as LinkInfo
}

/** Revokes a share link (and the access it gave). */
export async function revokeLink(token: TokenSource, name: string, id: string): Promise<void> {
  await requestJson('DELETE', `${base(name)}/links/${encodeURIComponent(id)}`, { token })
}
