/**
 * The HTTP fallback endpoint at {@link HTTP_FALLBACK_PATH}: Hocuspocus connections for clients
 * whose network blocks WebSockets, as sessions of Server-Sent Events (down) and POSTs (up). The
 * wire format is described in `shared/http-fallback.ts`.
 *
 * Each session goes through `hocuspocus.handleConnection` wrapped in a {@link DurableAckSocket},
 * exactly like a WebSocket, so authentication, roles, hooks, limits and durable acknowledgements
 * are the same code on both transports. What this endpoint adds is bounded by
 * {@link HttpFallbackLimits}.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Hocuspocus } from '@hocuspocus/server'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { decodeFrames, FrameTooLargeError, HTTP_FALLBACK_PATH, type SessionClose } from '../../shared/http-fallback.ts'
import { sendJson, sendProblem } from '../http/respond.ts'
import { ChannelGuard, GuardedSocket } from '../limits/channel-guard.ts'
import { createChannelProtection, type ChannelProtection } from '../limits/channel-protection.ts'
import { readChannelLimits } from '../limits/channel-limits.ts'
import type { Logger } from '../log.ts'
import { isAllowedOrigin, type OriginPolicy } from '../http/origin-policy.ts'
import { requestTarget } from '../http/request-target.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'
import { DurableAckSocket } from '../sync/durable-ack-socket.ts'
import { upgradeRequest } from '../sync/upgrade-request.ts'
import { HttpSession } from './http-session.ts'

/** What the endpoint lets clients hold. */
export interface HttpFallbackLimits {
  /** Open sessions per client address. Default 256 (a whole office behind one proxy shares an address). */
  maxSessionsPerAddress: number
  /** Open sessions in all. Default 10 000. */
  maxSessions: number
  /**
   * A session with no stream attached and no request for this long is closed. Default 5 s: a
   * healthy client resumes a cut stream within a second, and a closed tab must leave promptly
   * (its carets vanish with the session). A client that was away longer just opens a new session.
   */
  idleMs: number
  /** Unacknowledged event bytes kept per session. Default the larger of 16 MiB and 3 × the message limit. */
  maxBufferedBytes: number
  /** SSE comment interval on idle streams, so proxies keep them open. Default 15 s. */
  heartbeatMs: number
  /** How long a closed session keeps its close event for a client that resumes late. Default 10 s. */
  lingerMs: number
}

/** Options for {@link createHttpFallbackEndpoint}. */
export interface HttpFallbackOptions {
  hocuspocus: Hocuspocus
  writer: DurableWriter
  log: Logger
  /** Largest accepted message, as on the WebSocket; a POST carrying a bigger one closes the session with 1009. */
  maxMessageBytes: number
  limits?: Partial<HttpFallbackLimits>
  /** The same rate limits, decoding and pre-authentication caps as the WebSocket. Default: the default limits, own budgets. */
  protection?: ChannelProtection
  /** Which browser origins may drive sessions besides the server's own host. Default: loopback only. */
  origins?: OriginPolicy
}

/** Serves the fallback's HTTP requests. */
export interface HttpFallbackEndpoint {
  /** True when `path` belongs to this endpoint. */
  matches(path: string): boolean
  /** Answers a request whose path {@link matches}. */
  handle(request: IncomingMessage, response: ServerResponse): void
  /** Open sessions by id. */
  readonly sessions: ReadonlyMap<string, HttpSession>
  /** Closes every session with `code`/`reason` (the client sees a close event). */
  closeAll(code: number, reason: string): void
  /** Drops every session and stops the timers. */
  terminateAll(): void
}

/** The defaults of {@link HttpFallbackLimits} for a message limit. */
export function defaultHttpFallbackLimits(maxMessageBytes: number): HttpFallbackLimits {
  return {
    maxSessionsPerAddress: 256,
    maxSessions: 10_000,
    idleMs: 5_000,
    maxBufferedBytes: Math.max(16 * 1024 * 1024, 3 * maxMessageBytes),
    heartbeatMs: 15_000,
    lingerMs: 10_000,
  }
}

/** Bytes of framing a body may add around one message of the maximum size (a 5-byte length prefix). */
const FRAME_OVERHEAD = 5

const SESSION_ROUTE = new RegExp(`^${HTTP_FALLBACK_PATH}/sessions/([A-Za-z0-9_-]{16,64})(/events|/messages)?$`)

/** Creates the endpoint and starts its heartbeat and idle timers. */
export function createHttpFallbackEndpoint(options: HttpFallbackOptions): HttpFallbackEndpoint {
  const { hocuspocus, writer, log, maxMessageBytes } = options
  const limits = { ...defaultHttpFallbackLimits(maxMessageBytes), ...options.limits }
  const protection = options.protection ?? createChannelProtection(readChannelLimits((_name, fallback) => fallback, maxMessageBytes))
  const origins = options.origins ?? { allowedOrigins: [], allowLoopback: true }
  const maxBodyBytes = maxMessageBytes + FRAME_OVERHEAD
  const sessions = new Map<string, HttpSession>()
  const perAddress = new Map<string, number>()
  // Each session's guard, fed when messages arrive; it hands admitted frames to the session's Hocuspocus connection.
  const guards = new WeakMap<HttpSession, ChannelGuard>()

  const openSessions = (address: string) => perAddress.get(address) ?? 0

  const createSession = (request: IncomingMessage, response: ServerResponse) => {
    const address = request.socket.remoteAddress ?? 'unknown'
    if (openSessions(address) >= limits.maxSessionsPerAddress) {
      return sendProblem(response, 429, 'too-many-sessions', `at most ${limits.maxSessionsPerAddress} HTTP sessions per client address`)
    }
    if (sessions.size >= limits.maxSessions) return sendProblem(response, 503, 'too-many-sessions', 'the server has no room for more HTTP sessions')
    const id = randomBytes(18).toString('base64url')
    let connection: ReturnType<Hocuspocus['handleConnection']> | undefined
    perAddress.set(address, openSessions(address) + 1)
    const session = new HttpSession(id, address, { maxBufferedBytes: limits.maxBufferedBytes }, (close: SessionClose) => {
      const left = openSessions(address) - 1
      if (left > 0) perAddress.set(address, left)
      else perAddress.delete(address)
      const guard = guards.get(session)
      guard?.dispose()
      connection?.handleClose(close)
      // Keep the close event for a client resuming after a cut, then forget the session.
      setTimeout(() => {
        session.detach()
        sessions.delete(id)
      }, limits.lingerMs).unref()
    })
    sessions.set(id, session)
    // No flow control on POSTs: frames a client sends faster than its budget wait in the guard's bounded queue.
    const guard = new ChannelGuard(protection, address, {
      deliver: (frame) => connection?.handleMessage(frame),
      close: (code, reason) => session.close(code, reason),
    })
    guards.set(session, guard)
    connection = hocuspocus.handleConnection(new GuardedSocket(new DurableAckSocket(session, writer), guard), upgradeRequest(request))
    sendJson(response, 201, { id, maxBodyBytes })
  }

  const streamEvents = (session: HttpSession, request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers['last-event-id']
    const lastEventId = header === undefined ? 0 : Number(header)
    if (!Number.isSafeInteger(lastEventId) || lastEventId < 0) return sendProblem(response, 400, 'invalid-last-event-id', 'Last-Event-ID must be an event id')
    if (session.readyState !== 1 && !session.hasEventsAfter(lastEventId)) return sendProblem(response, 410, 'session-closed', 'the session is closed')
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform and X-Accel-Buffering: ask proxies not to buffer or rewrite the stream.
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    })
    // Some proxies hold back the first couple of kilobytes; a padding comment pushes events through.
    response.write(`:${' '.repeat(2048)}\nretry: 1000\n\n`)
    if (!session.attach(response, lastEventId)) {
      response.end(`event: error\ndata: Last-Event-ID ${lastEventId} was never sent\n\n`)
    }
  }

  const receiveMessages = async (session: HttpSession, request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => {
    const seq = Number(query.get('seq'))
    const ack = Number(query.get('ack') ?? '0')
    if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isSafeInteger(ack) || ack < 0) {
      return sendProblem(response, 400, 'invalid-query', 'seq and ack must be non-negative integers')
    }
    let body: Uint8Array
    try {
      body = await readBody(request, maxBodyBytes)
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        session.close(CLOSE_CODES.messageTooBig.code, `${CLOSE_CODES.messageTooBig.reason}: over ${maxMessageBytes} bytes`)
        return sendProblem(response, 413, 'payload-too-large', `request body exceeds ${maxBodyBytes} bytes`)
      }
      // The body was cut off (the client's network dropped): nothing of it was applied, and the
      // client retries the same seq. The session lives on.
      if (!response.destroyed) sendProblem(response, 400, 'bad-request', 'the request body was cut off')
      return
    }
    if (session.readyState !== 1) return sendProblem(response, 410, 'session-closed', 'the session is closed')
    session.lastActivity = Date.now()
    session.acknowledge(ack)
    // A retried POST that did arrive the first time: already applied, say so again.
    if (seq < session.nextSeq) return void response.writeHead(204).end()
    if (seq > session.nextSeq) return sendProblem(response, 409, 'sequence-gap', `expected seq ${session.nextSeq}, got ${seq}`)
    let messages: Uint8Array[]
    try {
      messages = decodeFrames(body, maxMessageBytes)
    } catch (error) {
      const entry = error instanceof FrameTooLargeError ? CLOSE_CODES.messageTooBig : CLOSE_CODES.malformedMessage
      session.close(entry.code, `${entry.reason}: ${(error as Error).message}`.slice(0, 120))
      return sendProblem(response, error instanceof FrameTooLargeError ? 413 : 400, entry.reason, (error as Error).message)
    }
    session.nextSeq++
    const guard = guards.get(session)
    for (const message of messages) guard?.receive(message)
    response.writeHead(204).end()
  }

  const timer = setInterval(
    () => {
      const now = Date.now()
      for (const session of sessions.values()) {
        if (session.readyState !== 1) continue
        if (session.streaming) session.heartbeat(limits.heartbeatMs)
        else if (now - session.lastActivity > limits.idleMs) session.drop(1006, 'http session expired')
      }
    },
    Math.max(50, Math.min(limits.heartbeatMs, limits.idleMs / 3)),
  )
  timer.unref()

  return {
    sessions,
    matches: (path) => path === HTTP_FALLBACK_PATH || path.startsWith(`${HTTP_FALLBACK_PATH}/`),
    handle(request, response) {
      // The server answered targets that do not parse with 400 before this handler.
      const url = requestTarget(request) ?? new URL('http://localhost/')
      // As for the API: cookies ride along on cross-site requests, so only our own pages (or
      // clients that send no Origin) may drive a session.
      if (!isAllowedOrigin(request, origins)) return sendProblem(response, 403, 'forbidden', 'cross-site requests may not open or use HTTP sessions')
      if (url.pathname === `${HTTP_FALLBACK_PATH}/sessions`) {
        if (request.method !== 'POST') return sendProblem(response, 405, 'method-not-allowed', 'POST to open a session')
        return createSession(request, response)
      }
      const match = SESSION_ROUTE.exec(url.pathname)
      const session = match ? sessions.get(match[1]!) : undefined
      if (!match || !session) return sendProblem(response, 404, 'not-found', 'no such HTTP session (it may have expired)')
      const route = `${request.method} ${match[2] ?? ''}`
      if (route === 'GET /events') return streamEvents(session, request, response)
      if (route === 'POST /messages') {
        receiveMessages(session, request, response, url.searchParams).catch((error: unknown) => {
          log.error({ err: error }, 'http fallback message failed')
          if (!response.headersSent) sendProblem(response, 500, 'internal', 'could not handle the messages')
        })
        return
      }
      if (route === 'DELETE ') {
        session.drop(1000, 'closed by client')
        return void response.writeHead(204).end()
      }
      sendProblem(response, 405, 'method-not-allowed', `${request.method} is not allowed here`)
    },
    closeAll(code, reason) {
      for (const session of sessions.values()) session.close(code, reason)
    },
    terminateAll() {
      clearInterval(timer)
      if (!options.protection) protection.stop()
      for (const session of sessions.values()) {
        session.drop(1001, 'server stopped')
        session.detach()
      }
    },
  }
}

/** A POST body over the session's limit (any other failure reading it is a cut-off body). */
class BodyTooLargeError extends RangeError {}

async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(`body exceeds ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > limit) throw new BodyTooLargeError(`body exceeds ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
