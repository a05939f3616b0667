/**
 * Client for the Documents REST API (`/api/documents`, see README "Documents API"). Every call
 * sends the same bearer token the WebSocket uses; failures throw {@link ApiProblem}.
 */

/** One entry of the documents list. */
export interface DocumentSummary {
  name: string
  title: string
  /** ISO timestamp of the last change. */
  updatedAt: string
  updatedBy: { id: string; name: string } | null
  role: string
}

/** A failed API call: the server's problem JSON, or `network` when the server was not reached. */
export class ApiProblem extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, detail: string) {
    super(detail)
    this.name = 'ApiProblem'
    this.status = status
    this.code = code
  }
}

/** Supplies the bearer token for each call. */
export type TokenSource = () => Promise<string>

/** Lists the documents the caller can open, newest first. */
export async function listDocuments(token: TokenSource): Promise<DocumentSummary[]> {
  const body = (await call(token, 'GET', '/api/documents')) as { documents: DocumentSummary[] }
  return body.documents
}

/** Creates a document; resolves to its generated name and title. */
export async function createDocument(token: TokenSource, title: string): Promise<{ name: string; title: string }> {
  return (await call(token, 'POST', '/api/documents', { title })) as { name: string; title: string }
}

/** Renames a document (the server writes the title into the CRDT, so open editors see it). */
export async function renameDocument(token: TokenSource, name: string, title: string): Promise<void> {
  await call(token, 'PATCH', `/api/documents/${encodeURIComponent(name)}`, { title })
}

/** Deletes a document for everyone. */
export async function deleteDocument(token: TokenSource, name: string): Promise<void> {
  await call(token, 'DELETE', `/api/documents/${encodeURIComponent(name)}`)
}

/** Reads one document's metadata; rejects with status 404 when it does not exist. */
export async function getDocument(token: TokenSource, name: string): Promise<DocumentSummary> {
  return (await call(token, 'GET', `/api/documents/${encodeURIComponent(name)}`)) as DocumentSummary
}

async function call(token: TokenSource, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (error) {
    // No token without signing in: the page redirects, this is not a network problem.
    if ((error as Error).name === 'SignInRequired') throw error
    throw new ApiProblem(0, 'network', `the server could not be reached (${(error as Error).message})`)
  }
  if (response.status === 204) return null
  const text = await response.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // Not JSON (a proxy's error page): report the status below.
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string }
    throw new ApiProblem(response.status, problem.code ?? 'http-error', problem.detail ?? `${method} ${path} failed with ${response.status}`)
  }
  return parsed
}
