/**
 * Client for the Documents REST API (`/api/documents`, see README "Documents API"). Every call
 * sends the same bearer token the WebSocket uses; failures throw {@link ApiProblem}.
 */
import { requestJson, type TokenSource } from './request.ts'

// Pages take the API's error and token types from here, beside the calls they go with.
export { ApiProblem, type TokenSource } from './request.ts'

/** One entry of the documents list. */
export interface DocumentSummary {
  name: string
  title: string
  /** ISO timestamp of the last change. */
  updatedAt: string
  updatedBy: { id: string; name: string } | null
  role: string
}

/** Lists the documents the caller can open, newest first. */
export async function listDocuments(token: TokenSource): Promise<DocumentSummary[]> {
  const body = (await requestJson('GET', '/api/documents', { token })) as { documents: DocumentSummary[] }
  return body.documents
}

/** Creates a document; resolves to its generated name and title. */
export async function createDocument(token: TokenSource, title: string): Promise<{ name: string; title: string }> {
  return (await requestJson('POST', '/api/documents', { token, body: { title } })) as { name: string; title: string }
}

/** Renames a document (the server writes the title into the CRDT, so open editors see it). */
export async function renameDocument(token: TokenSource, name: string, title: string): Promise<void> {
  await requestJson('PATCH', `/api/documents/${encodeURIComponent(name)}`, { token, body: { title } })
}

/** Deletes a document for everyone. */
export async function deleteDocument(token: TokenSource, name: string): Promise<void> {
  await requestJson('DELETE', `/api/documents/${encodeURIComponent(name)}`, { token })
}

/** Reads one document's metadata; rejects with status 404 when it does not exist. */
export async function getDocument(token: TokenSource, name: string): Promise<DocumentSummary> {
  return (await requestJson('GET', `/api/documents/${encodeURIComponent(name)}`, { token })) as DocumentSummary
}
