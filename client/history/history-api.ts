/**
 * Client for the version-history endpoints (`/api/documents/:name/versions...`). Every call sends
 * the bearer token the WebSocket uses; failures throw
 * `ApiProblem` (see `client/api/request.ts`).
 */
import { requestJson, type TokenSource } from '../api/request.ts'

// The history panel takes the token type from here, beside the calls it goes with.
export type { TokenSource } from '../api/request.ts'

/** A user as the API names them. */
export interface ApiUser {
  id: string
  name: string
}

/** One version, without content. */
export interface VersionSummary {
  id: number
  kind: 'auto' | 'named'
  label: string
  /** ISO timestamp. */
  createdAt: string
  createdBy: ApiUser | null
  /** Who changed the document since the previous version. */
  authors: ApiUser[]
  bytes: number
}

/** How a run or block differs from the version. */
export interface ChangeMark {
  kind: 'added' | 'removed'
  author: ApiUser | null
}

/** One block of the "changes since" view. */
export interface ChangeBlock {
  type: string
  attrs: Record<string, unknown>
  depth: number
  change: ChangeMark | null
  runs: { text: string; change: ChangeMark | null }[]
}

const base = (name: string) => `/api/documents/${encodeURIComponent(name)}/versions`

/** Versions of `name`, newest first. */
export async function listVersions(token: TokenSource, name: string): Promise<VersionSummary[]> {
  return ((await requestJson('GET', base(name), { token })) as { versions: VersionSummary[] }).versions
}

/** Saves the current state of `name` as a version called `label`. */
export async function saveVersion(token: TokenSource, name: string, label: string): Promise<VersionSummary> {
  return (await requestJson('POST', base(name), { token, body: { label } })) as VersionSummary
}

/** The ProseMirror JSON of version `id`. */
export async function versionContent(token: TokenSource, name: string, id: number): Promise<unknown> {
  return ((await requestJson('GET', `${base(name)}/${id}`, { token })) as { content: unknown }).content
}

/** The current body with the changes since version `id`, by author. */
export async function versionChanges(token: TokenSource, name: string, id: number): Promise<ChangeBlock[]> {
  return ((await requestJson('GET', `${base(name)}/${id}/changes`, { token })) as { blocks: ChangeBlock[] }).blocks
}

/** One user's share of the changes in a time range. */
export interface ChangeSummary {
  user: ApiUser | null
  changes: number
  bytes: number
  firstAt: string
  lastAt: string
}

/** Who changed `name` since `since`, most recent first. */
export async function changeSummary(token: TokenSource, name: string, since: Date): Promise<ChangeSummary[]> {
  const path = `/api/documents/${encodeURIComponent(name)}/changes/summary?since=${encodeURIComponent(since.toISOString())}`
  return ((await requestJson('GET', path, { token })) as { authors: ChangeSummary[] }).authors
}
