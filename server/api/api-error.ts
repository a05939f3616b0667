/**
 * The errors the REST API answers with: each a stable `code` (a discriminated union callers can
 * switch on), the HTTP status it maps to, and a sentence saying what was wrong.
 */

/** Every problem code the API sends, with its HTTP status. */
export const API_ERROR_STATUS = {
  'bad-request': 400,
  'invalid-body': 400,
  'invalid-query': 400,
  'invalid-document-name': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'document-not-found': 404,
  'version-not-found': 404,
  'webhook-not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  internal: 500,
} as const

/** A stable problem code of the API. */
export type ApiErrorCode = keyof typeof API_ERROR_STATUS

/** Thrown by route handlers; the router turns it into a JSON problem response. */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly code: ApiErrorCode
  constructor(code: ApiErrorCode, detail: string) {
    super(detail)
    this.code = code
  }

  /** The HTTP status for {@link code}. */
  get status(): number {
    return API_ERROR_STATUS[this.code]
  }
}

/** True when `value` is one of the API's problem codes. */
export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && Object.hasOwn(API_ERROR_STATUS, value)
}
