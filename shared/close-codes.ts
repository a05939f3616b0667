/**
 * The one table of reasons the server refuses or closes a document connection.
 *
 * Each entry has a numeric WebSocket close code (4000-4999 is the application range), a stable
 * string `reason` sent to the client (Hocuspocus's permission-denied message carries it), and
 * whether the client should retry. The client's reconnect logic reads only this table.
 */

export interface CloseCode {
  /** WebSocket close code (RFC 6455 application range where we define it). */
  readonly code: number
  /** Stable machine-readable reason, sent as the close / permission-denied reason prefix. */
  readonly reason: string
  /** `true`: a condition that goes away (server restarting, overloaded); reconnect with backoff. */
  readonly retryable: boolean
  /** One line for people. */
  readonly description: string
}

export const CLOSE_CODES = {
  unauthorized: {
    code: 4401,
    reason: 'unauthorized',
    retryable: false,
    description: 'No token, or a token that is malformed, expired or signed with another key.',
  },
  forbidden: {
    code: 4403,
    reason: 'forbidden',
    retryable: false,
    description: 'The token is valid but grants no access to this document.',
  },
  invalidDocumentName: {
    code: 4400,
    reason: 'invalid-document-name',
    retryable: false,
    description: 'The document name is empty, too long, or has characters outside [A-Za-z0-9._-].',
  },
  accessChanged: {
    code: 4409,
    reason: 'access-changed',
    retryable: true,
    description: 'An owner changed this user\'s role on the document; reconnect to open it with the new role.',
  },
  messageTooBig: {
    code: 1009,
    reason: 'message-too-big',
    retryable: false,
    description: 'A single WebSocket message exceeded the configured maximum size.',
  },
  malformedMessage: {
    code: 4422,
    reason: 'malformed-message',
    retryable: false,
    description: 'A frame could not be decoded as a Hocuspocus/Yjs protocol message.',
  },
  authTimeout: {
    code: 4408,
    reason: 'auth-timeout',
    retryable: true,
    description: 'No document on the connection authenticated within AUTH_TIMEOUT_MS of opening it.',
  },
  updateTooLarge: {
    code: 4413,
    reason: 'update-too-large',
    retryable: false,
    description: 'A document update exceeded MAX_UPDATE_BYTES, MAX_UPDATE_STRUCTS or MAX_UPDATE_DELETE_RANGES.',
  },
  invalidContent: {
    code: 4415,
    reason: 'invalid-content',
    retryable: false,
    description: 'A document update would add content outside the schema (unknown node, mark or root type, unsafe link); nothing of it was applied.',
  },
  rateLimited: {
    code: 4429,
    reason: 'rate-limited',
    retryable: true,
    description: 'The connection (or its address) sent messages or bytes faster than the rate limits allow, beyond what throttling absorbs.',
  },
  preAuthLimit: {
    code: 4431,
    reason: 'pre-auth-limit',
    retryable: false,
    description: 'Before authenticating, the connection queued too many messages or bytes, or opened too many documents.',
  },
  serverShuttingDown: {
    code: 4503,
    reason: 'server-shutting-down',
    retryable: true,
    description: 'The server is restarting; everything acknowledged is stored. Reconnect.',
  },
} as const satisfies Record<string, CloseCode>

/** Name of an entry in {@link CLOSE_CODES}. */
export type CloseCodeName = keyof typeof CLOSE_CODES

/** Finds the table entry for a numeric close code, or `undefined` for codes we do not define. */
export function closeCodeByNumber(code: number): CloseCode | undefined {
  return Object.values(CLOSE_CODES).find((entry) => entry.code === code)
}

/**
 * Finds the table entry whose `reason` starts a permission-denied / close reason string
 * (reasons are sent as `"<reason>: <detail>"`), or `undefined`.
 */
export function closeCodeByReason(reason: string): CloseCode | undefined {
  const head = reason.split(':', 1)[0]?.trim()
  return Object.values(CLOSE_CODES).find((entry) => entry.reason === head)
}

/** Formats the reason string sent to a client: stable reason, then a human detail. */
export function formatCloseReason(entry: CloseCode, detail: string): string {
  // WebSocket close reasons are limited to 123 bytes; keep details short.
  return `${entry.reason}: ${detail}`.slice(0, 120)
}
