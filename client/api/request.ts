/**
 * The one way the client calls the server's JSON API (documents, sharing, accounts, history):
 * JSON in, JSON out, and every failure as an {@link ApiProblem} carrying the server's problem
 * `code` and `detail`, or `network` when the server was not reached at all.
 */

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

/** What to send with a call. */
export interface RequestOptions {
  /** The bearer token's source; without one the call rests on the session cookie alone. */
  token?: TokenSource
  /** Sent as JSON when given. */
  body?: unknown
}

/**
 * Calls `method path` and resolves to the parsed JSON answer (`null` for 204, an empty or a
 * non-JSON answer). Rejects with {@link ApiProblem}: status 0 and code `network` when the request
 * failed, else the answer's status with its problem `code`/`detail` (`http-error` and a generic
 * detail when the answer is not problem JSON). A `SignInRequired` from the token source passes
 * through unchanged: the page is on its way to sign in, which is not a network problem.
 */
export async function requestJson(method: string, path: string, { token, body }: RequestOptions = {}): Promise<unknown> {
  let response: Response
  try {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${await token()}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    // The session cookie rides along on same-origin calls (the fetch default, said out loud).
    response = await fetch(path, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (error) {
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
