/**
 * Document names travel in URLs, WebSocket frames and storage keys, so they are kept to a
 * small, unambiguous alphabet.
 */

/** Longest accepted document name, in characters. */
export const MAX_DOCUMENT_NAME_LENGTH = 128

const DOCUMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * Returns `null` when `name` is a valid document name, or a sentence saying what is wrong.
 * Valid: 1 to 128 characters of letters, digits, `.`, `_` and `-`, starting with a letter or digit.
 */
export function documentNameProblem(name: string): string | null {
  if (name.length === 0) return 'document name is empty'
  if (name.length > MAX_DOCUMENT_NAME_LENGTH) {
    return `document name is ${name.length} characters long; the limit is ${MAX_DOCUMENT_NAME_LENGTH}`
  }
  if (!DOCUMENT_NAME_PATTERN.test(name)) {
    return 'document name may contain only letters, digits, ".", "_" and "-", and must start with a letter or digit'
  }
  return null
}

/** True when `name` is a valid document name (see {@link documentNameProblem}). */
export function isValidDocumentName(name: string): boolean {
  return documentNameProblem(name) === null
}
