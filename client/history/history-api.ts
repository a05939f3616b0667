/**
 * Client for the version-history endpoints (`/api/documents/:name/versions...`). Every call sends
 * the bearer token the WebSocket uses; failures throw {@link HistoryApiError}.
 */

/** Supplies the bearer token for each call. */
export type TokenSource = () => Promise<string>

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

/** A failed call: the server's problem `code` and `detail` (`network` when unreachable). */
export class HistoryApiError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, detail: string) {
    super(detail)
    this.name = 'HistoryApiError'
    this.status = status
    this.code = code
  }
}

const base = (name: string) => `/api/documents/${encodeURIComponent(name)}/versions`

/** Versions of `name`, newest first. */
export async function listVersions(token: TokenSource, name: string): Promise<VersionSummary[]> {
  return ((await call(token, 'GET', base(name))) as { versions: VersionSummary[] }).versions
}

/** Saves the current state of `name` as a version called `label`. */
export async function saveVersion(token: TokenSource, name: string, label: string): Promise<VersionSummary> {
  return (await call(token, 'POST', base(name), { label })) as VersionSummary
}

/** The ProseMirror JSON of version `id`. */
export async function versionContent(token: TokenSource, name: string, id: number): Promise<unknown> {
  return ((await call(token, 'GET', `${base(name)}/${id}`)) as { content: unknown }).content
}

/** The current body with the changes since version `id`, by author. */
export async function versionChanges(token: TokenSource, name: string, id: number): Promise<ChangeBlock[]> {
  return ((await call(token, 'GET', `${base(name)}/${id}/changes`)) as { blocks: ChangeBlock[] }).blocks
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
  return ((await call(token, 'GET', path)) as { authors: ChangeSummary[] }).authors
}

async function call(token: TokenSource, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (error) {
    throw new HistoryApiError(0, 'network', `the server could not be reached (${(error as Error).message})`)
  }
  const text = await response.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // Not JSON (a proxy's error page): report the status below.
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string }
    throw new HistoryApiError(response.status, problem.code ?? 'http-error', problem.detail ?? `${method} ${path} failed with ${response.status}`)
  }
  return parsed
}
